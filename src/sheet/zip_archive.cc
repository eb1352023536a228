// SPDX-License-Identifier: Apache-2.0
#include "sheet/zip_archive.h"

#include <zip.h>

#include <algorithm>
#include <memory>
#include <set>

#include "core/text.h"

namespace moat::sheet {
namespace {

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

Status check_member_path(std::string_view path, std::string_view where) {
  const std::string at = std::string(where) + ": " + std::string(path);
  if (first_invalid_utf8(path)) return input_error(std::string(where), "a member's path is not UTF-8");
  if (path.starts_with('/') || path.find('\\') != std::string_view::npos ||
      path.find(':') != std::string_view::npos) {
    return input_error(at, "a member's path must be relative, with '/' between folders");
  }
  for (const std::string& part : split_list(path, "/")) {
    if (part == "..") return input_error(at, "a member's path climbs out of the archive with '..'");
  }
  // One place on disk has one path: no empty or "." folder ("a//b", "a/./b" are "a/b").
  for (std::size_t from = 0; from <= path.size();) {
    const std::size_t end = std::min(path.find('/', from), path.size());
    const std::string_view part = path.substr(from, end - from);
    if (part.empty() || part == ".") return input_error(at, "a member's path has an empty or '.' folder");
    from = end + 1;
  }
  return {};
}

// A member whose path is another's folder ("set/top" and "set/top/inner.GTL"): the two cannot both
// be written out.
Status check_no_file_is_a_folder(const std::set<std::string>& paths, std::string_view where) {
  for (const std::string& path : paths) {
    const auto inside = paths.lower_bound(path + "/");
    if (inside != paths.end() && inside->starts_with(path + "/")) {
      return input_error(std::string(where) + ": " + path,
                         "a member's path is the folder of another, " + *inside);
    }
  }
  return {};
}

Result<std::string> read_member(zip_t* archive, zip_uint64_t index, zip_uint64_t size,
                                std::string_view where) {
  std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive, index, 0));
  if (!file)
    return input_error(std::string(where), std::string("cannot read a member: ") + zip_strerror(archive));
  std::string content(size, '\0');
  zip_uint64_t done = 0;
  while (done < size) {
    const zip_int64_t n = zip_fread(file.get(), content.data() + done, size - done);
    if (n <= 0)
      return input_error(std::string(where), "a member is damaged (it ends early or fails its CRC)");
    done += static_cast<zip_uint64_t>(n);
  }
  char extra = 0;
  if (zip_fread(file.get(), &extra, 1) != 0) return input_error(std::string(where), "a member is damaged");
  return content;
}

}  // namespace

Result<std::vector<ArchiveMember>> zip_members(std::string_view zip, std::string_view where,
                                               std::uint64_t max_bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  if (!source) return internal_error(std::string("cannot read a ZIP archive: ") + zip_error_strerror(&error));
  std::unique_ptr<zip_t, ZipCloser> archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(source);
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    return input_error(std::string(where), "not a readable ZIP archive: " + why);
  }
  std::vector<ArchiveMember> members;
  std::set<std::string> paths;
  std::uint64_t total = 0;
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0) {
      return input_error(std::string(where), "a member cannot be read");
    }
    const std::string path = stat.name ? stat.name : "";
    if (path.empty() || path.ends_with('/')) continue;  // a folder
    MOAT_CHECK(check_member_path(path, where));
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE) {
      return input_error(std::string(where) + ": " + path, "the member is encrypted: add it decrypted");
    }
    total += stat.size;
    if (total > max_bytes) {
      return input_error(std::string(where) + ": " + path, "the archive unpacks to more than " +
                                                               std::to_string(max_bytes >> 20) +
                                                               " MiB (at this member): too large to read");
    }
    if (!paths.insert(path).second)
      return input_error(std::string(where) + ": " + path, "two members share this path");
    MOAT_TRY(std::string content, read_member(archive.get(), static_cast<zip_uint64_t>(i), stat.size,
                                              std::string(where) + ": " + path));
    members.push_back({path, std::move(content)});
  }
  MOAT_CHECK(check_no_file_is_a_folder(paths, where));
  return members;
}

}  // namespace moat::sheet
