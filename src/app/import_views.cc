// SPDX-License-Identifier: Apache-2.0
// The JSON shapes of imports and removals (views.h).
#include "app/views.h"

namespace moat::app {
namespace {

using nlohmann::json;

json file_json(const FileReport& file) {
  json reasons = json::array();
  for (const auto& [classified, lines] : file.make_buy_reasons) {
    reasons.push_back({{"make_buy", classified.first}, {"reason", classified.second}, {"lines", lines}});
  }
  json out = {{"file", file.file}, {"kind", file.kind}, {"format", file.format}, {"records", file.records}};
  if (!file.delimiter.empty()) out["delimiter"] = file.delimiter;
  if (!file.encoding.empty()) out["encoding"] = file.encoding;
  if (!file.sheet.empty()) out["sheet"] = file.sheet;
  if (file.kind == "parts") {
    out.update({{"layout", file.layout},
                {"layout_name", file.layout_name},
                {"fitted", file.fitted},
                {"not_fitted", file.not_fitted},
                {"make_buy", file.make_buy},
                {"make_buy_reasons", reasons},
                {"ignored_columns", file.ignored_columns},
                {"preamble_rows", file.preamble_rows},
                {"trailing_empty_rows", file.trailing_empty_rows}});
    json warnings = json::array();
    for (const Diagnostic& w : file.warnings)
      warnings.push_back({{"where", w.where}, {"message", w.message}});
    out["warnings"] = warnings;
  }
  return out;
}

json record_json(const RecordDifference& record) {
  json out = {{"table", record.table}, {"key", record.key}};
  if (!record.fields.empty()) {
    json fields = json::array();
    for (const FieldDifference& field : record.fields) {
      fields.push_back({{"field", field.field},
                        {"before", json::parse(field.before, nullptr, false)},
                        {"after", json::parse(field.after, nullptr, false)}});
    }
    out["fields"] = fields;
  }
  if (!record.reason.empty()) out["reason"] = record.reason;
  return out;
}

json records_json(const std::vector<RecordDifference>& records) {
  json out = json::array();
  for (const RecordDifference& record : records) out.push_back(record_json(record));
  return out;
}

}  // namespace

json difference_json(const Difference& difference) {
  return {{"added", records_json(difference.added)},
          {"changed", records_json(difference.changed)},
          {"removed", records_json(difference.removed)},
          {"unlinked", records_json(difference.unlinked)}};
}

json import_report_json(const ImportReport& report, bool dry_run) {
  json files = json::array();
  for (const FileReport& file : report.files) files.push_back(file_json(file));
  return {{"read", report.records_read},
          {"changed", report.records_changed},
          {"events", report.events},
          {"dry_run", dry_run},
          {"files", files},
          {"difference", difference_json(report.difference)}};
}

json remove_report_json(const RemoveReport& report, bool dry_run) {
  return {{"removed", records_json(report.difference.removed)},
          {"unlinked", records_json(report.difference.unlinked)},
          {"events", report.events},
          {"dry_run", dry_run}};
}

}  // namespace moat::app
