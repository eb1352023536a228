// SPDX-License-Identifier: Apache-2.0
// The kinds of design file moat knows, told from their content (never from their name): PDF
// drawings, STEP models, Gerber RS-274X layers, Excellon drill files, ZIP archives, and anything
// else. A ZIP that holds Gerber or Excellon files is a fabrication set: moat keeps its members,
// each with its path, rather than the archive. Pure: bytes in, values out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace moat::app {

inline constexpr std::string_view kPdf = "application/pdf";
inline constexpr std::string_view kStep = "model/step";
inline constexpr std::string_view kGerber = "application/vnd.gerber";
inline constexpr std::string_view kExcellon = "application/x-excellon";
inline constexpr std::string_view kZip = "application/zip";
inline constexpr std::string_view kText = "text/plain";
inline constexpr std::string_view kOctets = "application/octet-stream";

// The media type of `content`: one of the constants above ("text/plain" for other UTF-8 text,
// "application/octet-stream" for other bytes).
std::string_view detect_media_type(std::string_view content);

// A short name for a media type, for tables: "PDF", "STEP", "Gerber", "Excellon", "ZIP", "text",
// "other".
std::string_view kind_name(std::string_view media_type);

struct ArchiveMember {
  std::string path;  // inside the archive, '/'-separated: "Base/Gerber/Base.GTL"
  std::string content;
};

// The files of a ZIP archive (folders left out), in archive order. Errors (kInput, naming
// `where`): not a readable ZIP, an encrypted member, a path that is absolute, climbs out with
// "..", or is not UTF-8, two members with one path, or members larger in total than `max_bytes`.
Result<std::vector<ArchiveMember>> zip_members(std::string_view zip, std::string_view where,
                                               std::uint64_t max_bytes = 4ULL << 30);

// Whether an archive's members make it a fabrication set (at least one Gerber or Excellon file).
bool is_fabrication_set(const std::vector<ArchiveMember>& members);

}  // namespace moat::app
