// SPDX-License-Identifier: Apache-2.0
#include "app/marking.h"

#include <nlohmann/json.hpp>

#include "app/file_kinds.h"
#include "mark/mark.h"

namespace moat::app {
namespace {

using nlohmann::json;

// The marking scheme for a media type, or empty for kinds that are not marked.
std::string_view scheme_for(std::string_view media_type) {
  if (media_type == kPdf) return "pdf";
  if (media_type == kStep) return "step";
  if (media_type == kGerber) return "gerber";
  if (media_type == kExcellon) return "excellon";
  return "";
}

// The visible stamp of formats that show one: who the copy is for, from whom, when, which release.
std::string stamp_text(const CopyLabel& label) {
  std::string stamp = label.recipient_name.empty() ? label.recipient : label.recipient_name;
  if (!label.supplier_name.empty()) stamp += " (" + label.supplier_name + ")";
  stamp += " · " + label.company + " · " + label.date + " · " + label.release_id + " · " + label.copy_id;
  return stamp;
}

MarkedCopy unmarked(std::string_view master, std::string_view why) {
  return MarkedCopy{std::string(master), "none", 0, unmarked_report(why), std::string(why)};
}

}  // namespace

bool marks_kind(std::string_view media_type) {
  return !scheme_for(media_type).empty();
}

std::string unmarked_report(std::string_view why) {
  return json{{"scheme", "none"}, {"registry", "exact copy by SHA-256"}, {"why", std::string(why)}}.dump();
}

std::string why_unmarked(std::string_view report_json) {
  const json report = json::parse(report_json, nullptr, false);
  if (!report.is_object() || report.value("scheme", "") != "none") return {};
  return report.value("why", "");
}

// PDF, STEP, Gerber and Excellon copies carry the recipient's codeword; any other kind is the
// master unchanged, traced by its exact hash in the copies table. A master of a marked kind that
// the engine cannot parse, or that has no carrier, is handed out unmarked with the reason.
Result<CopyMarker> CopyMarker::prepare(std::string_view master, std::string_view media_type,
                                       std::string_view mark_key) {
  CopyMarker out;
  out.master_ = std::string(master);
  const std::string_view scheme = scheme_for(media_type);
  if (scheme.empty()) {
    out.why_unmarked_ = std::string(kNotMarkedKind);
    return out;
  }
  Result<mark::Master> prepared = mark::Master::prepare(master, scheme, mark_key);
  if (!prepared.ok()) {
    if (prepared.error().code() != ErrorCode::kInput) return prepared.error();
    out.why_unmarked_ = prepared.error().message();
    return out;
  }
  if (prepared->length() == 0) {
    out.why_unmarked_ = "the file has no coordinate that can carry a mark";
    return out;
  }
  out.marker_ = std::move(*prepared);
  return out;
}

Result<MarkedCopy> CopyMarker::mark(const CopyLabel& label) const {
  if (!marker_) return unmarked(master_, why_unmarked_);
  Result<mark::Marked> marked = marker_->mark(label.copy_id, stamp_text(label));
  if (!marked.ok()) {
    if (marked.error().code() == ErrorCode::kInput) return unmarked(master_, marked.error().message());
    return marked.error();
  }
  if (marked->carriers == 0) return unmarked(master_, "the file has no coordinate that can carry a mark");
  return MarkedCopy{std::move(marked->bytes), std::move(marked->scheme), marked->resists,
                    std::move(marked->report_json)};
}

Result<MarkedCopy> mark_copy(std::string_view master, std::string_view media_type, const CopyLabel& label,
                             std::string_view mark_key) {
  MOAT_TRY(const CopyMarker marker, CopyMarker::prepare(master, media_type, mark_key));
  return marker.mark(label);
}

}  // namespace moat::app
