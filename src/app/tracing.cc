// SPDX-License-Identifier: Apache-2.0
#include "app/tracing.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "app/accounts.h"
#include "app/blobs.h"
#include "app/design_files.h"
#include "app/file_kinds.h"
#include "app/record_fields.h"
#include "app/record_steps.h"
#include "core/text.h"
#include "mark/mark.h"
#include "store/schema.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;

std::string text_of(const store::SqlValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : std::string();
}

std::string scheme_of(std::string_view media_type) {
  if (media_type == kPdf) return "pdf";
  if (media_type == kStep) return "step";
  if (media_type == kGerber) return "gerber";
  if (media_type == kExcellon) return "excellon";
  return "";
}

Result<std::optional<json>> record(Workspace& workspace, std::string_view table_name, const std::string& id) {
  if (id.empty()) return std::optional<json>();
  MOAT_TRY(std::optional<store::Record> found, workspace.store().get(table(table_name), {id}));
  return found;
}

// The agreement binding `person` at `supplier` on `date` for `product`: in force then, covering the
// product (an agreement naming no product covers them all) and binding the person (one naming
// people, an employee's confidentiality agreement, binds those only). One naming the person comes
// first; the latest effective one when several do.
Result<std::optional<json>> binding_agreement(Workspace& workspace, const std::string& supplier,
                                              const std::string& person, const std::string& product,
                                              const std::string& date) {
  const store::SqlValue params[] = {supplier};
  MOAT_TRY(const auto rows,
           workspace.store().database().query(
               R"(SELECT "id" FROM "agreements" WHERE "supplier" = ? ORDER BY "id")", params));
  std::optional<json> best;
  bool best_names_person = false;
  for (const store::SqlRow& row : rows) {
    MOAT_TRY(const std::optional<json> a, record(workspace, "agreements", text_of(row[0])));
    if (!a) continue;
    const std::string effective = text(*a, "effective"), expires = text(*a, "expires");
    if (!effective.empty() && effective > date) continue;
    if (!expires.empty() && expires < date) continue;
    const std::vector<std::string> products = list(*a, "products");
    if (!products.empty() && std::find(products.begin(), products.end(), product) == products.end()) continue;
    const std::vector<std::string> people = list(*a, "people");
    const bool names_person = std::find(people.begin(), people.end(), person) != people.end();
    if (!people.empty() && !names_person) continue;
    const auto rank = [&](const json& candidate, bool named) {
      return std::pair(named, text(candidate, "effective"));
    };
    if (!best || rank(*best, best_names_person) <= rank(*a, names_person)) {
      best = *a;
      best_names_person = names_person;
    }
  }
  return best;
}

// Who copy `copy` was given to, at which supplier, when, under which agreement.
Result<TracedCopy> describe_copy(Workspace& workspace, const json& copy) {
  TracedCopy out;
  out.copy = text(copy, "id");
  out.release = text(copy, "release");
  out.recipient = text(copy, "recipient");
  out.records.push_back({"copies", out.copy});
  MOAT_TRY(const std::optional<json> release, record(workspace, "releases", out.release));
  MOAT_TRY(const std::optional<json> person, record(workspace, "people", out.recipient));
  if (person) {
    out.recipient_name = text(*person, "name");
    out.records.push_back({"people", out.recipient});
  }
  if (!release) return out;
  out.records.push_back({"releases", out.release});
  out.supplier = text(*release, "supplier");
  out.date = text(*release, "date");
  MOAT_TRY(const std::optional<json> supplier, record(workspace, "suppliers", out.supplier));
  if (supplier) {
    out.supplier_name =
        text(*supplier, "name").empty() ? text(*supplier, "legal_name") : text(*supplier, "name");
    out.records.push_back({"suppliers", out.supplier});
  }
  MOAT_TRY(const std::optional<json> agreement,
           binding_agreement(workspace, out.supplier, out.recipient, text(*release, "product"), out.date));
  if (agreement) {
    out.agreement = text(*agreement, "id");
    out.agreement_kind = text(*agreement, "kind");
    out.records.push_back({"agreements", out.agreement});
  }
  return out;
}

// A named copy's recipient and supplier as the ledger had them when the copy was made (event
// `made`): a record changed since — an id given to someone else, a name corrected — would name
// whom it names now, not whom the copy was given to. Each change is told.
Status as_made(Workspace& workspace, std::int64_t made, TracedCopy& c) {
  const auto name_then = [&](const char* table, const std::string& id,
                             const std::function<std::string(const json&)>& name_of) -> Result<std::string> {
    MOAT_TRY(const std::optional<std::string> then, recorded_by(workspace, {table, id}, made));
    if (!then) return std::string();
    const json record = json::parse(*then, nullptr, false);
    return record.is_object() ? name_of(record) : std::string();
  };
  const auto supplier_name = [](const json& s) {
    return text(s, "name").empty() ? text(s, "legal_name") : text(s, "name");
  };
  MOAT_TRY(const std::string person,
           name_then("people", c.recipient, [](const json& p) { return text(p, "name"); }));
  MOAT_TRY(const std::string supplier, name_then("suppliers", c.supplier, supplier_name));
  const auto tell = [&](const std::string& id, const std::string& then, std::string& now) {
    if (then.empty() || then == now) return;
    c.renamed_since.push_back(id + " was " + then + " when the copy was made (event " + std::to_string(made) +
                              "); its record names " + (now.empty() ? "no one" : now) +
                              " now: the copy was given to " + then);
    now = then;
  };
  tell(c.recipient, person, c.recipient_name);
  tell(c.supplier, supplier, c.supplier_name);
  return {};
}

// Whether the ledger vouches for the records each named copy rests on; the copies scored but not
// named are left unchecked.
Status vouch(Workspace& workspace, TraceOutcome& out) {
  if (!out.someone_named()) return {};
  std::vector<RecordRef> asked;
  for (const TracedCopy& c : out.named) asked.insert(asked.end(), c.records.begin(), c.records.end());
  MOAT_TRY(const Vouching vouching, vouch_for(workspace, asked));
  const auto checked = [&](const RecordRef& r) {
    return std::find_if(vouching.records.begin(), vouching.records.end(), [&](const RecordVouching& v) {
      return v.record.table == r.table && v.record.key == r.key;
    });
  };
  for (TracedCopy& c : out.named) {
    c.vouched = vouching.head_ok;
    for (const RecordRef& r : c.records) {
      const auto it = checked(r);
      if (it == vouching.records.end() || !it->vouched) c.vouched = false;
      if (it != vouching.records.end() && it->event > 0) c.events.push_back(it->event);
    }
    // A copy is recorded once, when it is made (vouching.h): its event is that moment.
    const auto copy = checked(RecordRef{"copies", c.copy});
    if (copy != vouching.records.end() && copy->event > 0) MOAT_CHECK(as_made(workspace, copy->event, c));
    if (!*c.vouched) out.ledger_problems = vouching.problems();
    for (TracedCopy& s : out.scored) {
      if (s.copy == c.copy) s.vouched = c.vouched;
    }
  }
  return {};
}

Result<std::vector<json>> copies_where(Workspace& workspace, std::string_view column,
                                       const std::string& value) {
  const store::SqlValue params[] = {value};
  MOAT_TRY(const auto rows,
           workspace.store().database().query(
               "SELECT \"id\" FROM \"copies\" WHERE \"" + std::string(column) + "\" = ?", params));
  std::vector<json> out;
  for (const store::SqlRow& row : rows) {
    MOAT_TRY(const std::optional<json> copy, record(workspace, "copies", text_of(row[0])));
    if (copy) out.push_back(*copy);
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return id_number(text(a, "id"), "C") < id_number(text(b, "id"), "C");
  });
  return out;
}

// The progress of a trace: mark::kSearchSteps for each master a suspect (or a ZIP's member) is
// read against, told as each master's search goes.
class SearchProgress {
 public:
  SearchProgress(const Progress& out, size_t masters) : out_(out), total_(masters * mark::kSearchSteps) {}
  // The progress function of the next master's search.
  Progress next_master() const {
    if (!out_) return {};
    return [this, base = done_](size_t done, size_t) { tell(out_, base + done, total_); };
  }
  // `masters` masters read (or passed over).
  void masters_done(size_t masters) {
    done_ = std::min(total_, done_ + masters * mark::kSearchSteps);
    if (total_ > 0) tell(out_, done_, total_);
  }
  void finish() {
    if (total_ > 0) tell(out_, total_, total_);
  }

 private:
  const Progress& out_;
  size_t done_ = 0, total_;
};

size_t masters_of(const std::vector<DesignFile>& masters, const std::string& scheme) {
  if (scheme.empty()) return 0;
  return static_cast<size_t>(std::count_if(masters.begin(), masters.end(), [&](const DesignFile& m) {
    return scheme_of(m.media_type) == scheme;
  }));
}

// The best registration of the suspect against the masters of its scheme, with that master.
struct Candidate {
  DesignFile master;
  mark::Trace trace;
  std::vector<json> copies;
  std::vector<DesignFile> same;  // every file of the master's content, the master first
};

double fit(const mark::Trace& t) {
  return t.reading.confidence * t.reading.matched;
}

// The vault's masters prepared for reading marks (parsed, carriers chosen), each at most once per
// trace: a ZIP's members are read against the same masters.
class PreparedMasters {
 public:
  explicit PreparedMasters(std::string key) : key_(std::move(key)) {}
  // nullptr when the master does not parse as `scheme`, or the vault finds its content damaged or
  // missing (then noted in unread(): the other masters are still compared).
  Result<const mark::Master*> get(Workspace& workspace, const DesignFile& master, const std::string& scheme) {
    auto found = cache_.find(master.id);
    if (found == cache_.end()) {
      Result<std::string> bytes = load_blob(workspace, master.blob);
      if (!bytes.ok() &&
          (bytes.error().code() == ErrorCode::kIntegrity || bytes.error().code() == ErrorCode::kNotFound)) {
        unread_.push_back(master.id + " (" + master.name + "): " + bytes.error().to_string());
        cache_.emplace(master.id, std::nullopt);
        return nullptr;
      }
      if (!bytes.ok()) return std::move(bytes).error();
      Result<mark::Master> prepared = mark::Master::prepare(*bytes, scheme, key_);
      if (!prepared.ok() && prepared.error().code() != ErrorCode::kInput) return prepared.error();
      std::optional<mark::Master> entry;
      if (prepared.ok()) entry = std::move(*prepared);
      found = cache_.emplace(master.id, std::move(entry)).first;
    }
    return found->second ? &*found->second : nullptr;
  }
  const std::vector<std::string>& unread() const { return unread_; }

 private:
  std::string key_;
  std::vector<std::string> unread_;  // masters the vault could not read, and why
  std::map<std::string, std::optional<mark::Master>> cache_;
};

// Whether a mark reader's refusal is of the suspect's own bytes: they do not read as their kind
// at all ("not a readable PDF: …", "not a Gerber RS-274X file: …", "unreadable page content: …"),
// rather than how it sits on a master ("does not match") or a feature not supported.
bool unreadable_suspect(const Error& error) {
  const std::string& message = error.message();
  return message.starts_with("not a") || message.starts_with("unreadable");
}

// The master the suspect registers on best, if any; when none does, and because the suspect's own
// bytes do not read as their kind, why (the reader's words).
struct Registered {
  std::optional<Candidate> best;
  std::string unreadable;
};

Result<Registered> best_master(Workspace& workspace, std::string_view suspect, const std::string& scheme,
                               const std::vector<DesignFile>& masters, PreparedMasters& prepared,
                               SearchProgress& progress) {
  std::optional<Candidate> best;
  std::string unreadable;
  std::set<std::string> contents;  // masters already read, by SHA-256
  for (const DesignFile& master : masters) {
    if (scheme_of(master.media_type) != scheme) continue;
    struct Done {  // the master counts as read however its reading ends
      SearchProgress& progress;
      ~Done() { progress.masters_done(1); }
    } done{progress};
    if (!contents.insert(master.sha256).second) continue;
    // Files of the same content (added twice, under two names or revisions) are one master: their
    // copies share its code, so every one of them is scored.
    std::vector<json> copies;
    std::vector<DesignFile> same_content;
    for (const DesignFile& same : masters) {
      if (same.sha256 != master.sha256) continue;
      same_content.push_back(same);
      MOAT_TRY(std::vector<json> of_file, copies_where(workspace, "file", same.id));
      copies.insert(copies.end(), of_file.begin(), of_file.end());
    }
    std::sort(copies.begin(), copies.end(), [](const json& a, const json& b) {
      return id_number(text(a, "id"), "C") < id_number(text(b, "id"), "C");
    });
    std::vector<std::string> ids;
    for (const json& c : copies) {
      if (text(c, "scheme") == scheme) ids.push_back(text(c, "id"));
    }
    MOAT_TRY(const mark::Master* marker, prepared.get(workspace, master, scheme));
    if (!marker) continue;  // does not parse as its kind
    Result<mark::Trace> traced = marker->trace(suspect, ids, progress.next_master());
    if (!traced.ok()) {
      if (traced.error().code() != ErrorCode::kInput) return traced.error();
      if (unreadable.empty() && unreadable_suspect(traced.error())) unreadable = traced.error().to_string();
      continue;  // does not register on this master
    }
    if (traced->symbols_read == 0 && fit(*traced) <= 0) continue;
    if (!best || fit(*traced) > fit(best->trace))
      best = Candidate{master, std::move(*traced), std::move(copies), std::move(same_content)};
  }
  if (best) unreadable.clear();
  return Registered{std::move(best), std::move(unreadable)};
}

Status fill_from_trace(Workspace& workspace, TraceOutcome& out, const Candidate& c) {
  out.file = c.master.id;
  out.file_name = c.master.name;
  out.symbols_read = c.trace.symbols_read;
  out.threshold = c.trace.threshold;
  out.epsilon = c.trace.epsilon;
  out.confidence = c.trace.reading.confidence;
  out.matched = c.trace.reading.matched;
  out.transform = c.trace.reading.transform;
  for (const mark::CopyScore& s : c.trace.copies) {
    const auto copy = std::find_if(c.copies.begin(), c.copies.end(),
                                   [&](const json& j) { return text(j, "id") == s.copy_id; });
    if (copy == c.copies.end()) continue;
    MOAT_TRY(TracedCopy traced, describe_copy(workspace, *copy));
    traced.score = s.score;
    traced.p_value = s.p_value;
    traced.accused = s.accused;
    if (traced.accused) out.named.push_back(traced);
    out.scored.push_back(std::move(traced));
  }
  std::sort(out.named.begin(), out.named.end(),
            [](const TracedCopy& a, const TracedCopy& b) { return a.score > b.score; });
  // Of files of one content, the file the copy named first was made from.
  if (!out.named.empty()) {
    const auto copy = std::find_if(c.copies.begin(), c.copies.end(),
                                   [&](const json& j) { return text(j, "id") == out.named.front().copy; });
    const auto file = std::find_if(c.same.begin(), c.same.end(), [&](const DesignFile& f) {
      return copy != c.copies.end() && f.id == text(*copy, "file");
    });
    if (file != c.same.end()) out.file = file->id, out.file_name = file->name;
  }
  return {};
}

std::string naming(const TracedCopy& c) {
  return c.recipient + (c.recipient_name.empty() ? "" : " (" + c.recipient_name + ")") + " at " + c.supplier +
         ", release " + c.release + " of " + c.date;
}

void write_message(TraceOutcome& out) {
  if (out.verdict == "master") {
    out.message = "this is the unmarked master " + out.file + " (" + out.file_name + ")";
  } else if (out.verdict == "exact-copy") {
    const TracedCopy& c = out.named.front();
    out.message = "an exact copy of release " + c.release + " to " + c.recipient + " (copy " + c.copy + ")";
  } else if (out.verdict == "shared-copy") {
    std::set<std::string> people;
    for (const TracedCopy& c : out.scored) people.insert(c.recipient);
    out.message = "an exact copy of what " + std::to_string(people.size()) + " people received (" +
                  join(std::vector<std::string>(people.begin(), people.end()), ", ") +
                  "): the same bytes went to each of them, so they do not tell who leaked it";
  } else if (out.verdict == "named") {
    out.message = "marked for " + naming(out.named.front());
  } else if (out.verdict == "no-fingerprint") {
    out.message = "no fingerprint found: the file matches " + out.file + " (" + out.file_name +
                  ") but no copy of it scores above the threshold";
  } else if (!out.unreadable.empty()) {
    out.message = "no fingerprint found: the file does not read as " +
                  std::string(kind_name(out.media_type)) + " (" + out.unreadable +
                  "): truncated or damaged? Its marks could not be looked for";
  } else if (out.verdict != "too-large") {  // a file too large to read says so itself
    out.message = "no fingerprint found: no design file in the vault matches it";
  }
  if (out.someone_named() && !out.vouched()) {
    out.message += " — NOT vouched for by the ledger, so not evidence: " + out.ledger_problems.front();
  }
  if (!out.someone_named() && !out.masters_unread.empty()) {
    out.message += " (" + std::to_string(out.masters_unread.size()) +
                   " master(s) of its kind could not be read from the vault and were not compared)";
  }
  if (!out.someone_named() && !out.archives_unopened.empty()) {
    out.message += " (" + std::to_string(out.archives_unopened.size()) +
                   " archive(s) inside it could not be opened and were not read)";
  }
}

// The suspect by its SHA-256 alone: a master, or the exact copy of one or more released copies;
// nullopt when neither has that hash.
Result<std::optional<TraceOutcome>> trace_by_hash(Workspace& workspace, const std::string& sha256,
                                                  std::string_view media_type,
                                                  const std::vector<DesignFile>& masters,
                                                  SearchProgress& progress) {
  TraceOutcome out;
  out.sha256 = sha256;
  out.media_type = std::string(media_type);
  out.scheme = "none";
  for (const DesignFile& master : masters) {
    if (master.sha256 != out.sha256) continue;
    out.verdict = "master";
    out.file = master.id;
    out.file_name = master.name;
    progress.masters_done(masters_of(masters, scheme_of(out.media_type)));
    return std::optional(std::move(out));
  }
  MOAT_TRY(const std::vector<json> exact, copies_where(workspace, "copy_hash", out.sha256));
  if (exact.empty()) return std::optional<TraceOutcome>();
  // A copy marked with few positions can be byte for byte the copy of another recipient: the
  // bytes then name everyone who received them, so they accuse no one.
  std::set<std::string> recipients;
  for (const json& copy : exact) recipients.insert(text(copy, "recipient"));
  const bool shared = recipients.size() > 1;
  out.verdict = shared ? "shared-copy" : "exact-copy";
  out.file = text(exact.front(), "file");
  out.file_name = text(exact.front(), "name");
  for (const json& copy : exact) {
    MOAT_TRY(TracedCopy traced, describe_copy(workspace, copy));
    traced.accused = !shared;
    traced.p_value = shared ? 1 : 0;
    if (!shared) out.named.push_back(traced);
    out.scored.push_back(std::move(traced));
  }
  out.scheme = text(exact.front(), "scheme");
  progress.masters_done(masters_of(masters, scheme_of(out.media_type)));
  return std::optional(std::move(out));
}

// Traces one file (not a ZIP) against the vault.
Result<TraceOutcome> trace_one(Workspace& workspace, std::string_view suspect,
                               const std::vector<DesignFile>& masters, PreparedMasters& prepared,
                               SearchProgress& progress) {
  const std::string_view media_type = detect_media_type(suspect);
  const std::string sha256 = sha256_hex(suspect);
  MOAT_TRY(std::optional<TraceOutcome> by_hash,
           trace_by_hash(workspace, sha256, media_type, masters, progress));
  if (by_hash) return std::move(*by_hash);
  TraceOutcome out;
  out.sha256 = sha256;
  out.media_type = std::string(media_type);
  out.scheme = "none";
  const std::string scheme = scheme_of(out.media_type);
  out.verdict = "unknown";
  if (scheme.empty()) return out;
  out.scheme = scheme;
  MOAT_TRY(Registered registered, best_master(workspace, suspect, scheme, masters, prepared, progress));
  out.unreadable = std::move(registered.unreadable);
  if (!registered.best) return out;
  MOAT_CHECK(fill_from_trace(workspace, out, *registered.best));
  out.verdict = out.named.empty() ? "no-fingerprint" : "named";
  return out;
}

// How deep ZIPs within a ZIP are opened.
constexpr int kNestedZips = 4;

// The files of a ZIP, and of the ZIPs within it (a leaked fabrication set is often zipped again,
// and again with other files): an inner archive's members named by its path, "set.zip/Base.GTL".
// All of them within `budget` bytes together, inner archives counted with their members, so that
// nesting cannot unpack more than one archive may; kNestedZips deep at most. An inner archive
// that cannot be opened (damaged, encrypted, past the budget or the depth) is named in `unopened`
// with why, not traced: a trace that read less than it was given says so.
Status add_archive_files(std::string_view zip, const std::string& where, const std::string& prefix, int depth,
                         std::uint64_t& budget, std::vector<ArchiveMember>& out,
                         std::vector<std::string>& unopened) {
  MOAT_TRY(std::vector<ArchiveMember> members, zip_members(zip, where, budget));
  for (const ArchiveMember& m : members) budget -= std::min<std::uint64_t>(budget, m.content.size());
  for (ArchiveMember& m : members) {
    m.path = prefix + m.path;
    if (detect_media_type(m.content) != kZip) {
      out.push_back(std::move(m));
      continue;
    }
    if (depth >= kNestedZips) {
      unopened.push_back(m.path + ": more than " + std::to_string(kNestedZips) + " archives deep");
      continue;
    }
    std::uint64_t inner_budget = budget;
    std::vector<ArchiveMember> inner;
    std::vector<std::string> inner_unopened;
    const Status opened = add_archive_files(m.content, where + ": " + m.path, m.path + "/", depth + 1,
                                            inner_budget, inner, inner_unopened);
    if (!opened.ok()) {
      unopened.push_back(m.path + ": " + opened.error().message());
      continue;
    }
    budget = inner_budget;
    for (ArchiveMember& i : inner) out.push_back(std::move(i));
    unopened.insert(unopened.end(), inner_unopened.begin(), inner_unopened.end());
  }
  return {};
}

// A ZIP: each member traced on its own, those of ZIPs within it too; the member naming someone with
// the strongest evidence stands for the archive (a fabrication set's layers are marked one by one).
Result<TraceOutcome> trace_archive(Workspace& workspace, std::string_view suspect, const std::string& name,
                                   const std::vector<DesignFile>& masters, PreparedMasters& prepared,
                                   const Progress& told) {
  std::vector<ArchiveMember> members;
  std::vector<std::string> unopened;
  std::uint64_t budget = kMaxUnpackedBytes;
  MOAT_CHECK(add_archive_files(suspect, name, "", 1, budget, members, unopened));
  size_t reads = 0;
  for (const ArchiveMember& m : members)
    reads += masters_of(masters, scheme_of(detect_media_type(m.content)));
  SearchProgress progress(told, reads);
  std::vector<TraceOutcome> traced;
  for (const ArchiveMember& m : members) {
    if (scheme_of(detect_media_type(m.content)).empty()) continue;
    MOAT_TRY(TraceOutcome one, trace_one(workspace, m.content, masters, prepared, progress));
    one.member = m.path;
    traced.push_back(std::move(one));
  }
  progress.finish();
  if (!traced.empty()) {
    // Strongest first: someone named (an exact copy before a fingerprint, then the smaller p-value:
    // 1e-118 before 1e-44, then the higher score), then the master, then nothing found.
    const auto rank = [](const TraceOutcome& t) {
      return t.named.empty() ? (t.verdict == "master" ? 1 : 2) : 0;
    };
    std::stable_sort(traced.begin(), traced.end(), [&](const TraceOutcome& a, const TraceOutcome& b) {
      if (rank(a) != rank(b)) return rank(a) < rank(b);
      if (a.named.empty()) return false;
      const TracedCopy& x = a.named.front();
      const TracedCopy& y = b.named.front();
      return x.p_value != y.p_value ? x.p_value < y.p_value : x.score > y.score;
    });
    TraceOutcome best = std::move(traced.front());
    // The other members that name someone not named yet: the layers of one leaker's board are one
    // naming, not one per layer.
    std::set<std::string> named;
    for (const TracedCopy& c : best.named) named.insert(c.recipient);
    for (std::size_t i = 1; i < traced.size() && traced[i].someone_named(); ++i) {
      const bool anyone_new = std::any_of(traced[i].named.begin(), traced[i].named.end(),
                                          [&](const TracedCopy& c) { return !named.contains(c.recipient); });
      if (!anyone_new) continue;
      for (const TracedCopy& c : traced[i].named) named.insert(c.recipient);
      best.other_members.push_back(std::move(traced[i]));
    }
    best.archive_sha256 = sha256_hex(suspect);
    best.media_type = std::string(kZip);
    best.archives_unopened = std::move(unopened);
    return best;
  }
  SearchProgress none(told, 0);
  MOAT_TRY(TraceOutcome whole, trace_one(workspace, suspect, masters, prepared, none));
  whole.archives_unopened = std::move(unopened);
  return whole;
}

json copy_json(const TracedCopy& c) {
  return {{"copy", c.copy},
          {"release", c.release},
          {"recipient", c.recipient},
          {"recipient_name", c.recipient_name},
          {"supplier", c.supplier},
          {"supplier_name", c.supplier_name},
          {"renamed_since", c.renamed_since},
          {"date", c.date},
          {"agreement", c.agreement.empty() ? json() : json(c.agreement)},
          {"agreement_kind", c.agreement_kind.empty() ? json() : json(c.agreement_kind)},
          {"score", c.score},
          {"p_value", c.p_value},
          {"accused", c.accused},
          {"ledger_vouched", c.vouched ? json(*c.vouched) : json()}};
}

// Whether the ledger vouches for the naming: null when no one is named.
json ledger_json(const TraceOutcome& o) {
  json records = json::array(), events = json::array();
  const auto add = [](json& list, const json& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
  };
  for (const TracedCopy& c : o.named) {
    for (const RecordRef& r : c.records) add(records, r.name());
    for (const std::int64_t seq : c.events) add(events, seq);
  }
  return {{"vouched", o.someone_named() ? json(o.vouched()) : json()},
          {"records", records},
          {"events", events},
          {"problems", o.ledger_problems}};
}

// What every trace ends with: the ledger's word on the naming, the message, and the trace's event.
Result<TraceOutcome> conclude(Workspace& workspace, const Session& session, TraceOutcome out,
                              const std::string& name) {
  out.name = name;
  MOAT_CHECK(vouch(workspace, out));
  write_message(out);
  for (TraceOutcome& other : out.other_members) {
    other.name = name;
    MOAT_CHECK(vouch(workspace, other));
    write_message(other);
  }
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             json detail = trace_json(out);
             detail.erase("copies");
             return writer.note("trace", "files", out.file.empty() ? out.sha256 : out.file, detail.dump());
           }));
  (void)events;
  return out;
}

constexpr std::size_t kHeadBytes = 1 << 16;  // enough to tell a file's kind

// 268435456 -> "256 MiB", 314572801 -> "300.0 MiB", 4096 -> "4096 bytes".
std::string size_text(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
  if (bytes < kMiB) return std::to_string(bytes) + " bytes";
  if (bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f MiB", static_cast<double>(bytes) / static_cast<double>(kMiB));
  return buffer;
}

}  // namespace

Result<TraceOutcome> trace_file(Workspace& workspace, const Session& session, std::string_view suspect,
                                const std::string& name, const Progress& progress) {
  if (suspect.empty()) return input_error(name, "the file is empty");
  MOAT_TRY(const std::vector<DesignFile> masters, list_files(workspace, {"", "", true}));
  MOAT_TRY(const std::string key, workspace.mark_key());
  PreparedMasters prepared(key);
  TraceOutcome out;
  if (detect_media_type(suspect) == kZip) {
    MOAT_TRY(out, trace_archive(workspace, suspect, name, masters, prepared, progress));
  } else {
    SearchProgress searching(progress, masters_of(masters, scheme_of(detect_media_type(suspect))));
    MOAT_TRY(out, trace_one(workspace, suspect, masters, prepared, searching));
    searching.finish();
  }
  out.masters_unread = prepared.unread();
  return conclude(workspace, session, std::move(out), name);
}

Result<TraceOutcome> trace_large_file(Workspace& workspace, const Session& session,
                                      const std::filesystem::path& path, const std::string& name,
                                      std::uint64_t size, std::uint64_t max_read_bytes) {
  MOAT_TRY(const FileDigest digest, digest_file(path, kHeadBytes));
  MOAT_TRY(const std::vector<DesignFile> masters, list_files(workspace, {"", "", true}));
  const std::string_view media_type = detect_media_type(digest.head);
  SearchProgress none({}, 0);
  MOAT_TRY(std::optional<TraceOutcome> by_hash,
           trace_by_hash(workspace, digest.sha256, media_type, masters, none));
  if (by_hash) return conclude(workspace, session, std::move(*by_hash), name);
  TraceOutcome out;
  out.verdict = "too-large";
  out.sha256 = digest.sha256;
  out.media_type = std::string(media_type);
  out.scheme = "none";
  out.message =
      "no exact copy matched: no master and no copy released has its SHA-256, and mark recovery "
      "reads at most " +
      size_text(max_read_bytes) + " (this file is " + size_text(size) + "), so no fingerprint was looked for";
  return conclude(workspace, session, std::move(out), name);
}

json trace_json(const TraceOutcome& o) {
  const TracedCopy* top = o.named.empty() ? nullptr : &o.named.front();
  const bool by_hash = o.verdict == "exact-copy" || o.verdict == "shared-copy" || o.verdict == "master" ||
                       o.verdict == "too-large";
  json evidence = {
      {"method", by_hash ? "sha256" : "fingerprint"}, {"scheme", o.scheme}, {"sha256", o.sha256}};
  if (!by_hash && o.verdict != "unknown") {
    evidence["score"] = top ? json(top->score) : json();
    evidence["threshold"] = o.threshold;
    evidence["p_value"] = top ? json(top->p_value) : json();
    evidence["epsilon"] = o.epsilon;
    evidence["symbols_read"] = o.symbols_read;
    evidence["confidence"] = o.confidence;
    evidence["matched"] = o.matched;
    evidence["transform"] = o.transform;
  }
  json named = json::array(), copies = json::array();
  for (const TracedCopy& c : o.named) named.push_back(copy_json(c));
  for (const TracedCopy& c : o.scored) copies.push_back(copy_json(c));
  json out = {{"verdict", o.verdict},
              {"message", o.message},
              {"name", o.name},
              {"kind", std::string(kind_name(o.media_type))},
              {"file", o.file.empty() ? json() : json(o.file)},
              {"file_name", o.file_name.empty() ? json() : json(o.file_name)},
              {"release", top ? json(top->release) : json()},
              {"recipient", top ? json(top->recipient) : json()},
              {"recipient_name", top ? json(top->recipient_name) : json()},
              {"supplier", top ? json(top->supplier) : json()},
              {"date", top ? json(top->date) : json()},
              {"agreement", top && !top->agreement.empty() ? json(top->agreement) : json()},
              {"copy", top ? json(top->copy) : json()},
              {"evidence", evidence},
              {"named", named},
              {"copies", copies},
              {"ledger", ledger_json(o)}};
  if (!o.member.empty()) out["member"] = o.member;
  if (!o.masters_unread.empty()) out["masters_unread"] = o.masters_unread;
  if (!o.unreadable.empty()) out["unreadable"] = o.unreadable;
  if (!o.archives_unopened.empty()) out["archives_unopened"] = o.archives_unopened;
  if (!o.archive_sha256.empty()) {
    json others = json::array();
    for (const TraceOutcome& other : o.other_members) {
      json one = trace_json(other);
      one.erase("copies");
      one.erase("name");
      others.push_back(std::move(one));
    }
    out["archive"] = {{"sha256", o.archive_sha256}, {"other_members", others}};
  }
  return out;
}

}  // namespace moat::app
