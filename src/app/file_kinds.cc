// SPDX-License-Identifier: Apache-2.0
#include "app/file_kinds.h"

#include <algorithm>

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

}  // namespace

std::string_view detect_media_type(std::string_view content) {
  const std::string_view head = content.substr(0, kSniffBytes);
  // A ZIP's signature first: its first member stored uncompressed puts a PDF's "%PDF-" within the
  // first kilobyte too, where a PDF may have bytes before its header.
  if (head.starts_with("PK\x03\x04") || head.starts_with("PK\x05\x06")) return kZip;
  if (head.substr(0, 1024).find("%PDF-") != std::string_view::npos) return kPdf;
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

bool is_fabrication_set(const std::vector<ArchiveMember>& members) {
  return std::any_of(members.begin(), members.end(), [](const ArchiveMember& m) {
    const std::string_view type = detect_media_type(m.content);
    return type == kGerber || type == kExcellon;
  });
}

}  // namespace moat::app
