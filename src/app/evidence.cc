// SPDX-License-Identifier: Apache-2.0
#include "app/evidence.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <span>

#include "app/checkpoints.h"
#include "app/embedded.h"
#include "app/views.h"
#include "ledger/chain.h"
#include "ledger/merkle.h"

namespace moat::evidence {
// src/app/evidence/: the bundle's verifier and its procedure.
std::span<const moat::app::EmbeddedFile> embedded_files();
}  // namespace moat::evidence

namespace moat::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kFormat = "moat-evidence-bundle/1";

struct Selected {
  std::vector<ledger::Event> events;
  json description;
};

Result<std::pair<std::int64_t, std::int64_t>> parse_range(const std::string& text) {
  const auto bad = [&] {
    return input_error("--events", "expected A..B (event numbers, A <= B), got '" + text + "'");
  };
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos) return bad();
  std::int64_t first = 0, last = 0;
  const char* begin = text.data();
  const auto [end1, error1] = std::from_chars(begin, begin + dots, first);
  const auto [end2, error2] = std::from_chars(begin + dots + 2, begin + text.size(), last);
  if (error1 != std::errc() || error2 != std::errc() || end1 != begin + dots || end2 != begin + text.size() ||
      first < 1 || last < first) {
    return bad();
  }
  return std::pair{first, last};
}

// Whether `value`, at any depth, has a member `field` whose string is in `ids`.
bool names_anywhere(const json& value, std::string_view field, const std::set<std::string>& ids) {
  if (value.is_array()) {
    return std::any_of(value.begin(), value.end(),
                       [&](const json& item) { return names_anywhere(item, field, ids); });
  }
  if (!value.is_object()) return false;
  for (const auto& [name, member] : value.items()) {
    if (name == field && member.is_string() && ids.contains(member.get<std::string>())) return true;
    if ((member.is_object() || member.is_array()) && names_anywhere(member, field, ids)) return true;
  }
  return false;
}

// Whether `event` concerns a record of `table` whose id is in `ids`: the record itself, a record
// keyed under it (suppliers' certificates: "F01/C1"), or a record whose `field` names it. A trace
// names copies at any depth (every person it accuses, every member of a ZIP), so any of them counts.
bool concerns(const ledger::Event& event, std::string_view table, std::string_view field,
              const std::set<std::string>& ids) {
  if (event.entity == table) {
    if (ids.contains(event.key)) return true;
    const std::size_t slash = event.key.find('/');
    if (slash != std::string::npos && ids.contains(event.key.substr(0, slash))) return true;
  }
  for (const auto& image : {event.before, event.after}) {
    if (!image) continue;
    const json record = json::parse(*image, nullptr, false);
    if (!record.is_object()) continue;
    if (event.action == "trace") {
      if (names_anywhere(record, field, ids)) return true;
      continue;
    }
    const auto it = record.find(std::string(field));
    if (it != record.end() && it->is_string() && ids.contains(it->get<std::string>())) return true;
  }
  return false;
}

// Marks, beside the releases' own events already chosen, what they gave out and to whom: every
// event that concerns those releases (their copies, and the copies' downloads) and, for each
// design file and each recipient a release names, the event that recorded that file or person as
// they were at the release (their last record up to the release's first event: who a recipient
// id was then is what ties a copy to a person). `copies_chosen`: the events that concern the
// releases are chosen already (a release's selection).
void add_releases_files(std::span<const ledger::Event> all, std::vector<bool>& chosen, bool copies_chosen) {
  std::set<std::string> releases;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (chosen[i] && all[i].entity == "releases") releases.insert(all[i].key);
  }
  if (releases.empty()) return;
  // (table, id) of a design file or a person -> the first release event naming it.
  std::map<std::pair<std::string, std::string>, std::int64_t> released;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!copies_chosen && !chosen[i] && concerns(all[i], "releases", "release", releases)) chosen[i] = true;
    if (!chosen[i] || all[i].entity != "releases") continue;
    for (const auto& image : {all[i].before, all[i].after}) {
      if (!image) continue;
      const json record = json::parse(*image, nullptr, false);
      if (!record.is_object()) continue;
      for (const auto& [field, table] : {std::pair{"files", "files"}, std::pair{"recipients", "people"}}) {
        if (!record.contains(field) || !record[field].is_array()) continue;
        for (const json& id : record[field]) {
          if (id.is_string())
            released.emplace(std::pair{std::string(table), id.get<std::string>()}, all[i].seq);
        }
      }
    }
  }
  std::map<std::pair<std::string, std::string>, std::size_t> recorded;  // -> its last record by then
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!all[i].after) continue;
    const auto it = released.find({all[i].entity, all[i].key});
    if (it != released.end() && all[i].seq <= it->second) recorded[it->first] = i;
  }
  for (const auto& [record, i] : recorded) chosen[i] = true;
}

Result<Selected> select_events(Workspace& workspace, const BundleSelection& selection) {
  Selected selected;
  if (selection.events) {
    MOAT_TRY(const auto range, parse_range(*selection.events));
    MOAT_TRY(selected.events, workspace.store().events(range.first, range.second - range.first + 1));
    if (static_cast<std::int64_t>(selected.events.size()) != range.second - range.first + 1) {
      return Error(ErrorCode::kNotFound, "--events", "the ledger has no events " + *selection.events);
    }
    selected.description = {{"kind", "events"}, {"first", range.first}, {"last", range.second}};
    return selected;
  }
  MOAT_TRY(std::vector<ledger::Event> all, workspace.store().events(1, -1));
  if (!selection.supplier && !selection.release) {
    if (all.empty()) return Error(ErrorCode::kNotFound, "ledger", "the ledger holds no events yet");
    selected.description = {{"kind", "events"}, {"first", 1}, {"last", all.back().seq}};
    selected.events = std::move(all);
    return selected;
  }
  const bool by_supplier = selection.supplier.has_value();
  const std::set<std::string> ids = {by_supplier ? *selection.supplier : *selection.release};
  const std::string& id = *ids.begin();
  std::vector<bool> chosen(all.size());
  bool any = false;
  for (std::size_t i = 0; i < all.size(); ++i) {
    chosen[i] = by_supplier ? concerns(all[i], "suppliers", "supplier", ids)
                            : concerns(all[i], "releases", "release", ids);
    any = any || chosen[i];
  }
  const std::string flag = by_supplier ? "--supplier" : "--release";
  if (!any) {
    return Error(ErrorCode::kNotFound, flag,
                 "no event of the ledger concerns " + std::string(by_supplier ? "supplier '" : "release '") +
                     id + "'");
  }
  add_releases_files(all, chosen, !by_supplier);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (chosen[i]) selected.events.push_back(std::move(all[i]));
  }
  selected.description = {{"kind", by_supplier ? "supplier" : "release"}, {"id", id}};
  return selected;
}

// The hashes of files and copies the events name: every field whose name ends in "sha256" (the
// design files), a copy's own record's "copy_hash" (the exact bytes handed out, marked or not),
// "content_hash" and the vault's documents, with where they appear.
json file_hashes(std::span<const ledger::Event> events) {
  json files = json::array();
  for (const ledger::Event& event : events) {
    if (!event.after) continue;
    const json record = json::parse(*event.after, nullptr, false);
    if (!record.is_object()) continue;
    for (const auto& [name, value] : record.items()) {
      const bool copy = event.entity == "copies" && name == "copy_hash" && record.contains("id") &&
                        record["id"] == event.key;
      const bool hash_field = name.ends_with("sha256") || name == "content_hash" || copy;
      const bool document = event.entity == "documents" && name == "id";
      if (!value.is_string() || !(hash_field || document)) continue;
      json entry = {{"seq", event.seq},
                    {"entity", event.entity},
                    {"key", event.key},
                    {"field", name},
                    {"value", value}};
      if (record.contains("name")) entry["name"] = record["name"];
      files.push_back(std::move(entry));
    }
  }
  return files;
}

Status write_file(const fs::path& path, std::string_view content) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out || error) return internal_error("cannot write " + path.string());
  return {};
}

std::string lines_of(const std::vector<ledger::VerifierKey>& keys) {
  std::string out;
  for (const ledger::VerifierKey& key : keys) out += key.text() + "\n";
  return out;
}

std::string hash_lines(std::span<const ledger::Hash> hashes) {
  std::string out;
  for (const ledger::Hash& hash : hashes) out += ledger::to_base64(hash) + "\n";
  return out;
}

// The checkpoints before the newest, one per tree size, that the bundle chains to it.
std::vector<SignedCheckpoint> earlier_checkpoints(const std::vector<SignedCheckpoint>& stored,
                                                  std::uint64_t newest) {
  std::vector<SignedCheckpoint> earlier;
  for (const SignedCheckpoint& c : stored) {
    if (c.size == 0 || c.size >= newest) continue;
    if (!earlier.empty() && earlier.back().size >= c.size) continue;
    earlier.push_back(c);
  }
  return earlier;
}

struct Writer {
  Workspace& workspace;
  const fs::path& dir;
  json manifest;

  Status checkpoints(const SignedCheckpoint& newest, const std::vector<SignedCheckpoint>& stored) {
    MOAT_CHECK(write_file(dir / "checkpoint.txt", newest.note));
    manifest["checkpoint"] = {
        {"file", "checkpoint.txt"}, {"size", newest.size}, {"root", ledger::to_base64(newest.root)}};
    json history = json::array();
    const std::vector<SignedCheckpoint> earlier = earlier_checkpoints(stored, newest.size);
    for (std::size_t i = 0; i < earlier.size(); ++i) {
      const std::uint64_t next = i + 1 < earlier.size() ? earlier[i + 1].size : newest.size;
      const std::string file = "checkpoints/" + std::to_string(earlier[i].size) + ".txt";
      const std::string proof =
          "checkpoints/" + std::to_string(earlier[i].size) + "-" + std::to_string(next) + ".consistency";
      MOAT_CHECK(write_file(dir / file, earlier[i].note));
      MOAT_TRY(const auto hashes, consistency_proof(workspace, earlier[i].size, next));
      MOAT_CHECK(write_file(dir / proof, hash_lines(hashes)));
      history.push_back(
          {{"file", file}, {"size", earlier[i].size}, {"consistency", proof}, {"to_size", next}});
    }
    manifest["earlier_checkpoints"] = std::move(history);
    return {};
  }

  Status events(const Selected& selected, const SignedCheckpoint& checkpoint) {
    json listed = json::array();
    for (const ledger::Event& event : selected.events) {
      const std::string stem = "events/" + std::to_string(event.seq);
      MOAT_CHECK(write_file(dir / (stem + ".bin"), ledger::canonical_encoding(event)));
      json readable = event_json(event);
      readable["leaf_hash"] = ledger::to_hex(ledger::event_leaf(event));
      MOAT_CHECK(write_file(dir / (stem + ".json"), readable.dump(2) + "\n"));
      MOAT_TRY(const ledger::Proof proof, inclusion_proof(workspace, checkpoint, event.seq));
      MOAT_CHECK(write_file(dir / (stem + ".tlog-proof"), proof.format()));
      listed.push_back({{"seq", event.seq},
                        {"encoding", stem + ".bin"},
                        {"json", stem + ".json"},
                        {"proof", stem + ".tlog-proof"}});
    }
    manifest["events"] = std::move(listed);
    return {};
  }

  Status keys() {
    MOAT_TRY(const LogKeys log, log_keys(workspace));
    MOAT_TRY(const auto witnesses, witness_keys(workspace));
    MOAT_CHECK(write_file(dir / "keys" / "log.vkeys", lines_of(log.all)));
    MOAT_CHECK(write_file(dir / "keys" / "witnesses.vkeys", lines_of(witnesses)));
    json log_keys_json = json::array();
    for (const auto& key : log.all) log_keys_json.push_back(key.text());
    manifest["origin"] = log.current.name;
    manifest["log_keys"] = std::move(log_keys_json);
    return {};
  }

  Status procedure() {
    for (const EmbeddedFile& file : evidence::embedded_files()) {
      MOAT_CHECK(write_file(dir / file.name, file.content));
    }
    std::error_code error;
    fs::permissions(dir / "verify.py", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add, error);
    return {};
  }
};

Status prepare_target(const fs::path& dir) {
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_directory(dir, error))
    return input_error(dir.string(), "is a file, not a folder: choose a new folder for the bundle");
  if (fs::exists(dir, error) && !fs::is_empty(dir, error)) {
    return input_error(dir.string(), "exists and is not an empty folder: choose a new folder for the bundle");
  }
  return {};
}

}  // namespace

Result<BundleReport> export_bundle(Workspace& workspace, const Session& session, const fs::path& dir,
                                   const BundleSelection& selection) {
  MOAT_CHECK(prepare_target(dir));
  MOAT_TRY(const Selected selected, select_events(workspace, selection));
  MOAT_TRY(SignedCheckpoint newest, checkpoint_now(workspace, session));
  MOAT_TRY(const auto stored, list_checkpoints(workspace));
  if (!stored.empty() && stored.back().size == newest.size) newest = stored.back();  // with its cosignatures

  // Written beside the target and renamed into place: a failure leaves no half bundle behind.
  const fs::path partial = dir.string() + ".partial-" + std::to_string(getpid());
  std::error_code error;
  fs::remove_all(partial, error);
  Writer writer{workspace, partial, json::object()};
  const json files = file_hashes(selected.events);
  const Status written = [&]() -> Status {
    MOAT_CHECK(writer.keys());
    MOAT_CHECK(writer.checkpoints(newest, stored));
    MOAT_CHECK(writer.events(selected, newest));
    MOAT_CHECK(write_file(partial / "files.json", files.dump(2) + "\n"));
    MOAT_CHECK(writer.procedure());
    writer.manifest["format"] = kFormat;
    writer.manifest["selection"] = selected.description;
    writer.manifest["exported_at"] = session.now();
    writer.manifest["exported_by"] = session.actor;
    writer.manifest["files"] = "files.json";
    return write_file(partial / "manifest.json", writer.manifest.dump(2) + "\n");
  }();
  if (written.ok()) {
    fs::remove(dir, error);  // an empty folder, if any
    fs::rename(partial, dir, error);
  }
  if (!written.ok() || error) {
    fs::remove_all(partial, error);
    if (!written.ok()) return written.error();
    return internal_error("cannot move the bundle into " + dir.string());
  }
  BundleReport report{dir, {}, newest.size, writer.manifest["earlier_checkpoints"].size() + 1, files.size()};
  for (const ledger::Event& event : selected.events) report.events.push_back(event.seq);
  return report;
}

}  // namespace moat::app
