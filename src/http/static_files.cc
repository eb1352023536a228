// SPDX-License-Identifier: Apache-2.0
#include "http/static_files.h"

#include <fstream>
#include <sstream>

#include "http/problem.h"
#include "http/routes.h"

namespace moat::http {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileBytes = 16 << 20;

struct MediaType {
  std::string_view extension;
  std::string_view type;
};

constexpr MediaType kMediaTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

std::string_view media_type(const fs::path& file) {
  const std::string extension = file.extension().string();
  for (const MediaType& media : kMediaTypes) {
    if (media.extension == extension) return media.type;
  }
  return "application/octet-stream";
}

// The file `path` names inside `root`, or nothing when it would leave the folder.
std::optional<fs::path> resolve(const fs::path& root, std::string_view path) {
  auto decoded = percent_decode(path, false);
  if (!decoded || decoded->find('\\') != std::string::npos) return std::nullopt;
  std::string relative = decoded->substr(1);
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  // No hidden files or folders (.env, .git) and no source maps (they give the sources away).
  for (const auto& part : fs::path(relative)) {
    if (part.string().starts_with('.')) return std::nullopt;
  }
  if (fs::path(relative).extension() == ".map") return std::nullopt;
  std::error_code error;
  const fs::path base = fs::canonical(root, error);
  if (error) return std::nullopt;
  const fs::path file = fs::weakly_canonical(base / relative, error);
  if (error) return std::nullopt;
  const auto [end, unused] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (end != base.end()) return std::nullopt;
  return file;
}

}  // namespace

Response static_file(const fs::path& root, std::string_view path) {
  const auto file = resolve(root, path);
  std::error_code error;
  if (!file || !fs::is_regular_file(*file, error) || fs::file_size(*file, error) > kMaxFileBytes) {
    return problem_response(Problem::kNotFound, "no such resource", path);
  }
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in) return problem_response(Problem::kNotFound, "no such resource", path);
  Response response;
  response.content_type = std::string(media_type(*file));
  response.body = content.str();
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

}  // namespace moat::http
