// SPDX-License-Identifier: Apache-2.0
// The kinds of design file moat knows, told from their content (never from their name): PDF
// drawings, STEP models, Gerber RS-274X layers, Excellon drill files, ZIP archives, and anything
// else. A ZIP that holds Gerber or Excellon files is a fabrication set: moat keeps its members,
// each with its path, rather than the archive. Pure: bytes in, values out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sheet/zip_archive.h"

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

// A ZIP archive's files, read by sheet/zip_archive.h (in a module of its own, with libzip).
using sheet::ArchiveMember;
using sheet::zip_members;

// The most a design ZIP's members may hold in all, unpacked (each is held in memory): a small
// archive that inflates to gigabytes is refused before it is inflated.
inline constexpr std::uint64_t kMaxUnpackedBytes = std::uint64_t{256} << 20;

// Whether an archive's members make it a fabrication set (at least one Gerber or Excellon file).
bool is_fabrication_set(const std::vector<ArchiveMember>& members);

}  // namespace moat::app
