// SPDX-License-Identifier: Apache-2.0
#include "app/file_kinds.h"

#include <zip.h>

#include <algorithm>
#include <memory>
#include <set>

#include "core/text.h"

namespace moat::app {
namespace {

constexpr std::size_t kSniffBytes = 8192;  // how far into a file its kind is looked for

bool starts_with_after_space(std::string_view content, std::string_view prefix) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);  // a UTF-8 byte-order mark
  const std::size_t first = content.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && content.substr(first).starts_with(prefix);
}

// Gerber RS-274X: a format statement (%FS...*%) and a unit (%MO..*%) among extended commands.
bool is_gerber(std::string_view head) {
  return head.find("%FS") != std::string_view::npos && head.find("%MO") != std::string_view::npos;
}

// Excellon: a header that opens with M48 (comments aside) and defines tools (T<n>...C<diameter>).
bool is_excellon(std::string_view head) {
  std::size_t at = 0;
  while (at < head.size()) {
    const std::size_t end = std::min(head.find('\n', at), head.size());
    const std::string_view line = trim(head.substr(at, end - at));
    at = end + 1;
    if (line.empty() || line.front() == ';') continue;
    return line == "M48" && head.find('T') != std::string_view::npos &&
           head.find('C') != std::string_view::npos;
  }
  return false;
}

bool is_text(std::string_view content) {
  if (content.find('\0') != std::string_view::npos) return false;
  // A multi-byte character cut at the sniffing limit is not a fault of the file.
  const std::optional<std::size_t> bad = first_invalid_utf8(content);
  return !bad || *bad + 4 > content.size();
}

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

std::string_view detect_media_type(std::string_view content) {
  const std::string_view head = content.substr(0, kSniffBytes);
  if (head.substr(0, 1024).find("%PDF-") != std::string_view::npos) return kPdf;
  if (head.starts_with("PK\x03\x04") || head.starts_with("PK\x05\x06")) return kZip;
  if (starts_with_after_space(head, "ISO-10303-21;")) return kStep;
  if (!is_text(head)) return kOctets;
  if (is_gerber(head)) return kGerber;
  if (is_excellon(head)) return kExcellon;
  return kText;
}

std::string_view kind_name(std::string_view media_type) {
  if (media_type == kPdf) return "PDF";
  if (media_type == kStep) return "STEP";
  if (media_type == kGerber) return "Gerber";
  if (media_type == kExcellon) return "Excellon";
  if (media_type == kZip) return "ZIP";
  if (media_type == kText) return "text";
  return "other";
}

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
    if (total > max_bytes)
      return input_error(std::string(where), "the archive unpacks to more than its limit");
    if (!paths.insert(path).second)
      return input_error(std::string(where) + ": " + path, "two members share this path");
    MOAT_TRY(std::string content, read_member(archive.get(), static_cast<zip_uint64_t>(i), stat.size,
                                              std::string(where) + ": " + path));
    members.push_back({path, std::move(content)});
  }
  return members;
}

bool is_fabrication_set(const std::vector<ArchiveMember>& members) {
  return std::any_of(members.begin(), members.end(), [](const ArchiveMember& m) {
    const std::string_view type = detect_media_type(m.content);
    return type == kGerber || type == kExcellon;
  });
}

}  // namespace moat::app
