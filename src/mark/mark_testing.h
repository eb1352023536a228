// SPDX-License-Identifier: Apache-2.0
// What the marking tests share: files on disk in a temporary folder, running the real tools,
// the Ploopy trackball's files when the shared real-world folder is present, and generated
// boards otherwise.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace moat::mark::testing {

class Folder {
 public:
  Folder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "moat-mark-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~Folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Runs a shell command quietly; true when it exits 0.
inline bool run(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

inline bool have(const std::string& tool) {
  return run("command -v " + tool);
}

// The real-world folder (../shared/realworld/ploopy-classic-trackball from the source tree).
inline std::filesystem::path ploopy() {
  const char* source = std::getenv("MOAT_SOURCE_DIR");
  const std::filesystem::path root = source ? source : MOAT_REPO_DIR;
  return root.parent_path() / "shared" / "realworld" / "ploopy-classic-trackball";
}

// A generated copper layer: `pads` round pads at random places on a 100 mm board, every other
// one joined to the next by a track, in %FSLAX43Y43*% millimetres like Altium writes.
inline std::string generated_gerber(int pads, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> coordinate(1000, 99000);
  std::string out = "G04 generated board*\n%FSLAX43Y43*%\n%MOMM*%\n%ADD10C,0.250*%\n%ADD11C,0.800*%\nG01*\n";
  std::vector<std::pair<int, int>> at;
  for (int i = 0; i < pads; ++i) at.emplace_back(coordinate(rng), coordinate(rng));
  out += "D11*\n";
  for (const auto& [x, y] : at) out += "X" + std::to_string(x) + "Y" + std::to_string(y) + "D03*\n";
  out += "D10*\n";
  for (size_t i = 0; i + 1 < at.size(); i += 2) {
    out += "X" + std::to_string(at[i].first) + "Y" + std::to_string(at[i].second) + "D02*\n";
    out += "X" + std::to_string(at[i + 1].first) + "Y" + std::to_string(at[i].second) + "D01*\n";
    out += "X" + std::to_string(at[i + 1].first) + "Y" + std::to_string(at[i + 1].second) + "D01*\n";
  }
  return out + "M02*\n";
}

// A generated drill file: `holes` hits, METRIC,LZ in 3:3 (the digits gerbv assumes when a file
// does not say).
inline std::string generated_drill(int holes, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> coordinate(1000, 99000);
  std::string out = "M48\n;FILE_FORMAT=3:3\nMETRIC,LZ\nT1C0.300\nT2C0.800\n%\nT01\n";
  auto word = [](int v) {
    std::string digits = std::to_string(v);
    digits.insert(0, 6 - digits.size(), '0');
    return digits;  // full width: readers disagree on which zeros LZ drops
  };
  for (int i = 0; i < holes; ++i) {
    if (i == holes / 2) out += "T02\n";
    out += "X" + word(coordinate(rng)) + "Y" + word(coordinate(rng)) + "\n";
  }
  return out + "M30\n";
}

// A generated drawing: `pages` pages of `wires` three-point wires and `wires` / 4 boxes each,
// uncompressed, with a cross-reference table.
// `page_keys`: more entries of every page's dictionary (a /Rotate, a /CropBox).
inline std::string generated_pdf(int pages = 2, int wires = 250, unsigned seed = 3,
                                 const std::string& page_keys = "") {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> x(30, 760), y(30, 580);
  std::string kids;
  for (int page = 0; page < pages; ++page) kids += (page ? " " : "") + std::to_string(3 + 2 * page) + " 0 R";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>"};
  for (int page = 0; page < pages; ++page) {
    std::string content = "0.5 w\n";
    char line[128];
    for (int i = 0; i < wires; ++i) {
      const double x0 = x(rng), y0 = y(rng);
      std::snprintf(line, sizeof line, "%.3f %.3f m %.3f %.3f l %.3f %.3f l S\n", x0, y0, x0 + 20, y0,
                    x0 + 20, y0 + 15);
      content += line;
    }
    for (int i = 0; i < wires / 4; ++i) {
      std::snprintf(line, sizeof line, "%.3f %.3f 12 8 re S\n", x(rng), y(rng));
      content += line;
    }
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 792 612] " + page_keys + " /Contents " +
                      std::to_string(objects.size() + 2) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "endstream");
  }
  std::string out = "%PDF-1.5\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  char entry[32];
  for (const size_t offset : offsets) {
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    out += entry;
  }
  return out + "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
}

}  // namespace moat::mark::testing
