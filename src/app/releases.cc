// SPDX-License-Identifier: Apache-2.0
#include "app/releases.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "app/blobs.h"
#include "app/checkpoints.h"
#include "app/gate.h"
#include "app/marking.h"
#include "app/record_fields.h"
#include "app/record_steps.h"
#include "app/release_knowledge.h"
#include "app/sourcing.h"
#include "app/views.h"
#include "core/files.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
namespace fs = std::filesystem;

constexpr std::string_view kVault = "vault";

std::string text_of(const store::SqlValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : std::string();
}

// ---- What a release is about ------------------------------------------------------------------

struct Subject {
  std::string product;
  json package;
  json supplier;
  std::vector<json> people;  // the recipients' records, in the order asked
  std::vector<DesignFile> files;
};

Result<json> record_of(Workspace& workspace, std::string_view table_name, const store::Key& key,
                       std::string where, std::string what) {
  MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table(table_name), key));
  if (!found) return Error(ErrorCode::kNotFound, std::move(where), std::move(what));
  return *found;
}

// The files asked for (default: the package's current ones), each of this package and current.
Result<std::vector<DesignFile>> files_to_release(Workspace& workspace, const ReleaseRequest& request,
                                                 const std::string& product) {
  MOAT_TRY(const std::vector<DesignFile> current, list_files(workspace, {product, request.package, false}));
  if (request.files.empty()) {
    if (current.empty()) {
      return input_error("PACKAGE", "work package " + request.package +
                                        " has no design files: add them with 'moat file add " +
                                        request.package + " FILE...'");
    }
    return current;
  }
  std::vector<DesignFile> out;
  for (const std::string& id : request.files) {
    MOAT_TRY(const DesignFile file, find_file(workspace, id));
    if (file.product != product || file.package != request.package) {
      return input_error("--files", id + " belongs to work package " + file.package + " of " + file.product +
                                        ", not " + request.package);
    }
    const auto newest = std::find_if(current.begin(), current.end(),
                                     [&](const DesignFile& f) { return f.name == file.name; });
    if (newest != current.end() && newest->id != file.id) {
      return input_error("--files", id + " is revision " + std::to_string(file.revision) + " of " +
                                        file.name + "; the current revision is " + newest->id);
    }
    if (std::none_of(out.begin(), out.end(), [&](const DesignFile& f) { return f.id == id; }))
      out.push_back(file);
  }
  return out;
}

Result<Subject> subject_of(Workspace& workspace, const ReleaseRequest& request) {
  Subject s;
  if (request.recipients.empty())
    return input_error("--recipient", "name at least one recipient (a person at the supplier)");
  MOAT_TRY(s.product, product_of_package(workspace, request.product, request.package));
  MOAT_TRY(s.package,
           record_of(workspace, "packages", {s.product, request.package}, "PACKAGE", "no work package"));
  MOAT_TRY(s.supplier, record_of(workspace, "suppliers", {request.supplier}, "--to",
                                 "no supplier '" + request.supplier + "'"));
  for (const std::string& person : request.recipients) {
    MOAT_TRY(json record,
             record_of(workspace, "people", {person}, "--recipient", "no person '" + person + "'"));
    if (std::none_of(s.people.begin(), s.people.end(),
                     [&](const json& p) { return text(p, "id") == person; })) {
      s.people.push_back(std::move(record));
    }
  }
  MOAT_TRY(s.files, files_to_release(workspace, request, s.product));
  return s;
}

std::string person_label(const json& person) {
  return text(person, "name") + " (" + text(person, "id") + ")";
}

// ---- The rules before knowledge ---------------------------------------------------------------

std::vector<Refusal> recipient_refusals(const Subject& s) {
  std::vector<Refusal> out;
  const std::string supplier = text(s.supplier, "id");
  for (const json& person : s.people) {
    const std::string at = text(person, "supplier");
    if (at == supplier) continue;
    out.push_back({"recipient",
                   person_label(person) +
                       (at.empty() ? " is not on file at any supplier" : " is on file at " + at) +
                       ", not at " + supplier + ": a release goes only to people of the supplier it is for",
                   "",
                   {text(person, "id")},
                   {}});
  }
  return out;
}

Result<std::vector<Refusal>> plan_refusals(Workspace& workspace, const Subject& s,
                                           const ReleaseRequest& request) {
  MOAT_TRY(const std::optional<SavedPlan> plan, current_plan(workspace, s.product));
  const std::string supplier = text(s.supplier, "id");
  if (!plan || plan->state != "approved") {
    return std::vector<Refusal>{
        {"plan", "product " + s.product + " has no approved sourcing plan: approve one first", "", {}, {}}};
  }
  const bool named =
      std::any_of(plan->plan.assignments.begin(), plan->plan.assignments.end(),
                  [&](const auto& a) { return a.package == request.package && a.supplier == supplier; });
  if (named) return std::vector<Refusal>{};
  return std::vector<Refusal>{{"plan",
                               "the approved plan " + plan->id + " does not assign work package " +
                                   request.package + " to " + supplier,
                               "",
                               {},
                               {}}};
}

std::vector<Refusal> expiry_refusals(const ReleaseRequest& request) {
  if (!request.expires || !(*request.expires < request.today)) return {};
  return {{"expiry",
           "the release would expire on " + request.expires->to_string() + ", before today (" +
               request.today.to_string() + ")",
           "",
           {},
           {}}};
}

Refusal gate_refusal(const gate::Verdict& verdict, const ReleaseRequest& request,
                     const std::string& product) {
  std::vector<std::string> failing;
  for (const gate::Check& c : verdict.checks) {
    if (c.status == gate::CheckStatus::kFail) failing.push_back(c.id + " (" + c.subject + ")");
  }
  return {"gate",
          "the gate says no-go for releasing " + request.package + " to " + request.supplier + ": " +
              join(failing, ", ") + " fail; see 'moat gate --product " + product + " --supplier " +
              request.supplier + " --package " + request.package + "'",
          "",
          {},
          {}};
}

// ---- Knowledge --------------------------------------------------------------------------------

KnowledgeChange change_of(const Knowledge& k, const plan::Knower* before, const plan::Knower& after,
                          const std::string& kind, const std::string& label) {
  KnowledgeChange c{after.id, kind,
                    label,    after.trusted,
                    {},       secret_ids(k, after.held),
                    0,        plan::share_of(k.problem, after.held),
                    after.cap};
  if (before) {
    c.before = secret_ids(k, before->held);
    c.share_before = plan::share_of(k.problem, before->held);
  }
  return c;
}

std::vector<KnowledgeChange> changes_of(const Knowledge& k, const Addition& addition,
                                        const std::map<std::string, std::string>& names) {
  std::vector<KnowledgeChange> out;
  const auto find = [](const std::vector<plan::Knower>& all, const std::string& id) -> const plan::Knower* {
    const auto it = std::find_if(all.begin(), all.end(), [&](const plan::Knower& h) { return h.id == id; });
    return it == all.end() ? nullptr : &*it;
  };
  const auto party = k.party_of_supplier.find(addition.supplier);
  if (party != k.party_of_supplier.end()) {
    const std::string id = k.problem.parties[party->second].id;
    const auto before = party_knowers(k), after = party_knowers(k, &addition);
    if (const plan::Knower* now = find(after, id))
      out.push_back(change_of(k, find(before, id), *now, "party", id));
  }
  const auto before = person_knowers(k, addition.supplier),
             after = person_knowers(k, addition.supplier, &addition);
  for (const std::string& person : addition.people) {
    const auto name = names.find(person);
    if (const plan::Knower* now = find(after, person)) {
      out.push_back(
          change_of(k, find(before, person), *now, "person", name == names.end() ? person : name->second));
    }
  }
  return out;
}

struct KnowledgeCheck {
  std::vector<Refusal> refusals;
  std::vector<KnowledgeChange> changes;
};

Result<KnowledgeCheck> check_knowledge(Workspace& workspace, const Subject& s) {
  MOAT_TRY(const Knowledge k, load_knowledge(workspace, s.product));
  // What the files' contents carry: the same bytes recorded with other secrets carry those too.
  std::vector<DesignFile> carried = s.files;
  for (DesignFile& f : carried) {
    const auto content = k.file_secrets.find(f.id);
    if (content != k.file_secrets.end()) f.secrets = secret_ids(k, content->second);
  }
  std::vector<std::string> secrets, people;
  for (const DesignFile& f : carried) secrets.insert(secrets.end(), f.secrets.begin(), f.secrets.end());
  // A refusal names each person "王芳 (P06)"; the exposure table has the id in a column of its own.
  std::map<std::string, std::string> labels, names;
  for (const json& p : s.people) {
    people.push_back(text(p, "id"));
    labels[text(p, "id")] = person_label(p);
    names[text(p, "id")] = text(p, "name");
  }
  const Addition addition{text(s.supplier, "id"), people, secret_set(k, secrets)};
  return KnowledgeCheck{added_refusals(k, addition, carried, labels), changes_of(k, addition, names)};
}

// ---- Making the copies ------------------------------------------------------------------------

Result<std::vector<std::string>> existing_ids(Workspace& workspace, std::string_view table_name) {
  MOAT_TRY(const auto rows,
           workspace.store().database().query("SELECT \"id\" FROM \"" + std::string(table_name) + "\""));
  std::vector<std::string> ids;
  for (const store::SqlRow& row : rows) ids.push_back(text_of(row[0]));
  return ids;
}

struct Planned {
  CopyMade copy;
  std::string report;
};

// The folder a copy goes into; a file where a folder must be is the user's to move (kInput).
Status make_folder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (!error) return {};
  if (error == std::errc::not_a_directory || error == std::errc::file_exists) {
    return input_error(folder.string(),
                       "cannot create this folder: a file is in the way (" + error.message() + ")");
  }
  return internal_error("cannot create " + folder.string() + ": " + error.message());
}

fs::path staged(const fs::path& target) {
  return target.string() + ".moat-tmp";
}

// Writes `bytes` beside `target` (staged) into a file made there, never through a link, and synced;
// it is moved into place once every copy is made.
Status stage_copy(const fs::path& target, std::string_view bytes) {
  MOAT_CHECK(make_folder(target.parent_path()));
  const int fd = ::open(staged(target).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0)
    return input_error(staged(target).string(),
                       "cannot make this file: " + std::string(std::strerror(errno)));
  const bool ok = write_all(fd, bytes, true);
  if (::close(fd) != 0 || !ok) return internal_error("cannot write " + staged(target).string());
  return {};
}

// Where a release's copies go, one at a time as they are made, so that a release holds one master
// and one copy in memory whatever the number of recipients: into the vault, or staged under --out
// and moved into place only when every copy is written (and removed if any fails).
class Delivery {
 public:
  Delivery(const Workspace& workspace, const ReleaseRequest& request)
      : workspace_(workspace), request_(request) {}
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;
  ~Delivery() { discard(); }

  Status take(Planned& p, std::string_view bytes) {
    if (request_.out.empty()) {
      MOAT_TRY(const Blob blob, store_blob(workspace_, bytes));
      p.copy.blob = blob.id;
      return {};
    }
    MOAT_TRY(const fs::path target, claim(p));
    return stage_copy(target, bytes);
  }

  // A copy that is the master unchanged: the master's own vault blob, or streamed out of the vault.
  Status take_master(Planned& p, const DesignFile& file) {
    if (request_.out.empty()) {
      if (checked_.insert(file.blob).second)
        MOAT_CHECK(check_blob(workspace_, file.blob));  // never a damaged master
      p.copy.blob = file.blob;
      return {};
    }
    MOAT_TRY(const fs::path target, claim(p));
    MOAT_CHECK(make_folder(target.parent_path()));
    return copy_blob_to_file(workspace_, file.blob, staged(target));
  }

  // Moves every staged copy into place; on failure the ones moved are removed again.
  Result<std::vector<fs::path>> finish() {
    std::vector<fs::path> placed;
    for (const fs::path& target : staged_) {
      Status moved = move_without_overwriting(staged(target), target);
      if (!moved.ok()) {
        std::error_code ignored;
        for (const fs::path& done : placed) fs::remove(done, ignored);
        return std::move(moved).error();
      }
      placed.push_back(target);
    }
    staged_.clear();
    return placed;
  }

 private:
  Result<fs::path> claim(Planned& p) {
    const fs::path target = fs::absolute(request_.out) / p.copy.recipient / fs::path(p.copy.name);
    // A link counts as a file there, even one that leads nowhere: it is never replaced.
    MOAT_CHECK(refuse_if_taken(target));
    MOAT_CHECK(refuse_if_taken(staged(target)));  // the name it is staged under: never the user's file
    p.copy.path = target.string();
    staged_.push_back(target);
    return target;
  }

  void discard() {
    std::error_code ignored;
    for (const fs::path& target : staged_) fs::remove(staged(target), ignored);
    staged_.clear();
  }

  const Workspace& workspace_;
  const ReleaseRequest& request_;
  std::vector<fs::path> staged_;
  std::set<std::string> checked_;  // master blobs read through and found sound
};

// Marks one copy per recipient per file and hands each to `delivery` as soon as it is made.
Result<std::vector<Planned>> make_copies(Workspace& workspace, const Subject& s,
                                         const ReleaseRequest& request, const std::string& release_id,
                                         std::vector<std::string> copy_ids, Delivery& delivery) {
  MOAT_TRY(const std::string key, workspace.mark_key());
  std::vector<Planned> out;
  for (const DesignFile& file : s.files) {
    if (!marks_kind(file.media_type)) {  // every copy is the master: it is never read into memory
      for (const json& person : s.people) {
        const std::string copy_id = next_id(copy_ids, "C");
        copy_ids.push_back(copy_id);
        Planned planned{{copy_id, text(person, "id"), file.id, file.revision, file.name, file.sha256, "", "",
                         "none", 0, std::string(kNotMarkedKind)},
                        unmarked_report(kNotMarkedKind)};
        MOAT_CHECK(delivery.take_master(planned, file));
        out.push_back(std::move(planned));
      }
      continue;
    }
    MOAT_TRY(const std::string master, load_blob(workspace, file.blob));
    if (sha256_hex(master) != file.sha256) {
      return Error(ErrorCode::kIntegrity, "files/" + file.id,
                   "the vault's content does not match the file's SHA-256");
    }
    MOAT_TRY(const CopyMarker marker, CopyMarker::prepare(master, file.media_type, key));
    for (const json& person : s.people) {
      const std::string copy_id = next_id(copy_ids, "C");
      copy_ids.push_back(copy_id);
      const CopyLabel label{copy_id,
                            release_id,
                            text(person, "id"),
                            text(person, "name"),
                            text(s.supplier, "id"),
                            text(s.supplier, "legal_name"),
                            workspace.config().company,
                            request.today.to_string()};
      MOAT_TRY(MarkedCopy marked, marker.mark(label));
      Planned planned{
          {copy_id, text(person, "id"), file.id, file.revision, file.name, sha256_hex(marked.bytes), "", "",
           marked.scheme, marked.resists_collusion, marked.unmarked},
          std::move(marked.report_json)};
      MOAT_CHECK(delivery.take(planned, marked.bytes));
      out.push_back(std::move(planned));
    }
  }
  return out;
}

json copy_record(const Planned& p, const std::string& release, const std::string& at) {
  const CopyMade& c = p.copy;
  return {{"id", c.id},
          {"release", release},
          {"recipient", c.recipient},
          {"file", c.file},
          {"revision", c.revision},
          {"name", c.name},
          {"copy_hash", c.copy_hash},
          {"blob", optional_text(c.blob)},
          {"path", optional_text(c.path)},
          {"scheme", c.scheme},
          {"resists", c.resists},
          {"report", optional_text(p.report)},
          {"created_at", at}};
}

json release_record(const ReleaseOutcome& o, const ReleaseRequest& request, const store::Author& author) {
  std::vector<std::string> files;
  for (const DesignFile& f : o.files) files.push_back(f.id);
  return {{"id", o.id},
          {"product", o.product},
          {"package", o.package},
          {"supplier", o.supplier},
          {"recipients", o.recipients},
          {"files", files},
          {"created_at", author.at},
          {"created_by", author.actor},
          {"date", request.today.to_string()},
          {"expires", request.expires ? json(request.expires->to_string()) : json()},
          {"reason", optional_text(request.reason)},
          {"destination", request.out.empty() ? std::string(kVault) : fs::absolute(request.out).string()},
          {"verdict", verdict_json(o.verdict).dump()},
          {"state", "active"},
          {"revoked_at", nullptr},
          {"revoked_by", nullptr},
          {"revoke_reason", nullptr},
          {"returned_at", nullptr},
          {"returned_by", nullptr},
          {"return_reason", nullptr}};
}

// Records the release and its copies in one transaction, after checking again, under the writers'
// lock, that nothing recorded meanwhile changes the answer.
Status record_release(Workspace& workspace, const Session& session, const Subject& s,
                      const ReleaseRequest& request, ReleaseOutcome& o, const std::vector<Planned>& copies) {
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(const KnowledgeCheck again, check_knowledge(workspace, s));
    if (!again.refusals.empty()) {
      return Error(ErrorCode::kConflict, "",
                   "a release recorded meanwhile changes what this one would let people know: " +
                       again.refusals.front().message);
    }
    MOAT_CHECK(writer.put(table("releases"), release_record(o, request, author), 0));
    for (const Planned& p : copies) {
      MOAT_CHECK(writer.put(table("copies"), copy_record(p, o.id, author.at), 0));
    }
    return {};
  }));
  (void)events;
  return {};
}

// ---- Reading releases back --------------------------------------------------------------------

CopyMade copy_of(const json& r) {
  return {text(r, "id"),
          text(r, "recipient"),
          text(r, "file"),
          static_cast<int>(integer(r, "revision").value_or(1)),
          text(r, "name"),
          text(r, "copy_hash"),
          text(r, "blob"),
          text(r, "path"),
          text(r, "scheme"),
          static_cast<int>(integer(r, "resists").value_or(0)),
          why_unmarked(text(r, "report"))};
}

ReleaseView view_of(const json& r, Date today, const std::map<std::string, std::string>& supplier_names) {
  ReleaseView v;
  v.id = text(r, "id");
  v.product = text(r, "product");
  v.package = text(r, "package");
  v.supplier = text(r, "supplier");
  const auto name = supplier_names.find(v.supplier);
  if (name != supplier_names.end()) v.supplier_name = name->second;
  v.recipients = list(r, "recipients");
  v.files = list(r, "files");
  v.created_at = text(r, "created_at");
  v.created_by = text(r, "created_by");
  v.date = text(r, "date");
  v.expires = text(r, "expires");
  v.reason = text(r, "reason");
  v.destination = text(r, "destination");
  v.revoked_at = text(r, "revoked_at");
  v.revoked_by = text(r, "revoked_by");
  v.revoke_reason = text(r, "revoke_reason");
  v.returned_at = text(r, "returned_at");
  v.returned_by = text(r, "returned_by");
  v.return_reason = text(r, "return_reason");
  const std::optional<Date> expires = date(r, "expires");
  v.state = text(r, "state") == "revoked" ? "revoked" : (expires && *expires < today ? "expired" : "active");
  v.returned = !v.returned_at.empty();
  v.flagged = v.state != "active" && !v.returned;
  return v;
}

Result<std::map<std::string, std::string>> supplier_names(Workspace& workspace) {
  MOAT_TRY(const auto rows,
           workspace.store().database().query(R"(SELECT "id", "name", "legal_name" FROM "suppliers")"));
  std::map<std::string, std::string> out;
  for (const store::SqlRow& row : rows) {
    const std::string name = text_of(row[1]);
    out[text_of(row[0])] = name.empty() ? text_of(row[2]) : name;
  }
  return out;
}

Result<std::vector<CopyMade>> copies_of(Workspace& workspace, const std::string& release) {
  const store::SqlValue params[] = {release};
  MOAT_TRY(const auto rows,
           workspace.store().database().query(R"(SELECT "id" FROM "copies" WHERE "release" = ?)", params));
  std::vector<CopyMade> out;
  for (const store::SqlRow& row : rows) {
    MOAT_TRY(const std::optional<store::Record> copy,
             workspace.store().get(table("copies"), {text_of(row[0])}));
    if (copy) out.push_back(copy_of(*copy));
  }
  std::sort(out.begin(), out.end(),
            [](const CopyMade& a, const CopyMade& b) { return id_number(a.id, "C") < id_number(b.id, "C"); });
  return out;
}

Result<json> release_for_update(Workspace& workspace, const std::string& id) {
  MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table("releases"), {id}));
  if (!found) return Error(ErrorCode::kNotFound, "releases/" + id, "no release '" + id + "'");
  return *found;
}

// Resolves the open red flags raised for release `id` (subject "release/<id>").
Status resolve_release_flags(Workspace& workspace, store::Writer& writer, const std::string& id,
                             const store::Author& author, const std::string& reason) {
  const store::SqlValue params[] = {"release/" + id};
  MOAT_TRY(const auto rows,
           workspace.store().database().query(
               R"(SELECT "id" FROM "flags" WHERE "subject" = ? AND "state" <> 'resolved')", params));
  for (const store::SqlRow& row : rows) {
    MOAT_TRY(std::optional<store::Record> flag, workspace.store().get(table("flags"), {text_of(row[0])}));
    if (!flag) continue;
    (*flag)["state"] = "resolved";
    (*flag)["updated_by"] = author.actor;
    (*flag)["updated_at"] = author.at;
    (*flag)["reason"] = "return confirmed: " + reason;
    MOAT_CHECK(writer.put(table("flags"), *flag));
  }
  return {};
}

}  // namespace

Result<ReleaseOutcome> release_files(Workspace& workspace, const Session& session,
                                     const ReleaseRequest& request) {
  MOAT_TRY(const Subject s, subject_of(workspace, request));
  ReleaseOutcome o;
  o.dry_run = request.dry_run;
  o.product = s.product;
  o.package = request.package;
  o.supplier = text(s.supplier, "id");
  for (const json& p : s.people) o.recipients.push_back(text(p, "id"));
  o.files = s.files;
  MOAT_TRY(o.verdict,
           run_gate(workspace, {s.product, o.supplier, request.package, request.today, o.recipients}));
  if (!o.verdict.go) o.refusals.push_back(gate_refusal(o.verdict, request, s.product));
  MOAT_TRY(const std::vector<Refusal> plan, plan_refusals(workspace, s, request));
  o.refusals.insert(o.refusals.end(), plan.begin(), plan.end());
  for (Refusal& r : recipient_refusals(s)) o.refusals.push_back(std::move(r));
  for (Refusal& r : expiry_refusals(request)) o.refusals.push_back(std::move(r));
  MOAT_TRY(KnowledgeCheck knowledge, check_knowledge(workspace, s));
  o.changes = std::move(knowledge.changes);
  for (Refusal& r : knowledge.refusals) o.refusals.push_back(std::move(r));
  o.go = o.refusals.empty();
  if (!o.go || request.dry_run) return o;
  MOAT_TRY(const std::vector<std::string> release_ids, existing_ids(workspace, "releases"));
  MOAT_TRY(const std::vector<std::string> copy_ids, existing_ids(workspace, "copies"));
  o.id = next_id(release_ids, "R");
  Delivery delivery(workspace, request);
  MOAT_TRY(std::vector<Planned> copies, make_copies(workspace, s, request, o.id, copy_ids, delivery));
  MOAT_TRY(const std::vector<fs::path> written, delivery.finish());
  const Status recorded = record_release(workspace, session, s, request, o, copies);
  if (!recorded.ok()) {
    std::error_code ignored;
    for (const fs::path& path : written) fs::remove(path, ignored);
    return recorded.error();
  }
  for (Planned& p : copies) o.copies.push_back(std::move(p.copy));
  // A release is evidence: the tree head that includes it is signed at once.
  MOAT_CHECK(checkpoint_now(workspace, session));
  return o;
}

Status check_release_filter(Workspace& workspace, const ReleaseFilter& filter) {
  if (!filter.supplier.empty())
    MOAT_CHECK(record_of(workspace, "suppliers", {filter.supplier}, "--supplier",
                         "no supplier '" + filter.supplier + "'"));
  if (!filter.product.empty())
    MOAT_CHECK(record_of(workspace, "products", {filter.product}, "--product",
                         "no product '" + filter.product + "'"));
  if (!filter.person.empty())
    MOAT_CHECK(
        record_of(workspace, "people", {filter.person}, "--person", "no person '" + filter.person + "'"));
  return {};
}

Result<std::vector<ReleaseView>> list_releases(Workspace& workspace, const ReleaseFilter& filter,
                                               Date today) {
  MOAT_TRY(const std::vector<store::Record> records, workspace.store().list(table("releases")));
  MOAT_TRY(const auto names, supplier_names(workspace));
  std::vector<ReleaseView> out;
  for (const json& r : records) {
    if (!filter.supplier.empty() && text(r, "supplier") != filter.supplier) continue;
    if (!filter.product.empty() && text(r, "product") != filter.product) continue;
    const std::vector<std::string> recipients = list(r, "recipients");
    if (!filter.person.empty() &&
        std::find(recipients.begin(), recipients.end(), filter.person) == recipients.end())
      continue;
    out.push_back(view_of(r, today, names));
  }
  std::sort(out.begin(), out.end(), [](const ReleaseView& a, const ReleaseView& b) {
    return id_number(a.id, "R") > id_number(b.id, "R");
  });
  return out;
}

store::PageQuery release_selection(Workspace& workspace, const ReleaseFilter& filter,
                                   const std::string& state, Date today) {
  store::PageQuery selection;
  if (!filter.supplier.empty()) selection.where.emplace_back("supplier", filter.supplier);
  if (!filter.product.empty()) selection.where.emplace_back("product", filter.product);
  std::vector<std::string> conditions;
  if (!filter.person.empty()) {
    conditions.push_back(store::list_holds_sql(workspace.store().database().backend(), "recipients"));
    selection.condition_params.emplace_back(filter.person);
  }
  // As view_of decides a release's state: revoked, else expired once its end date has passed.
  const std::string ended = R"(("expires" IS NOT NULL AND "expires" <> '' AND "expires" < ?))";
  const auto today_param = [&] { selection.condition_params.emplace_back(today.to_string()); };
  if (state == "revoked") {
    conditions.push_back(R"("state" = 'revoked')");
  } else if (state == "expired") {
    conditions.push_back(R"("state" <> 'revoked' AND )" + ended);
    today_param();
  } else if (state == "active") {
    conditions.push_back(R"("state" <> 'revoked' AND NOT )" + ended);
    today_param();
  } else if (state == "flagged") {
    conditions.push_back(R"(("state" = 'revoked' OR )" + ended +
                         R"() AND ("returned_at" IS NULL OR "returned_at" = ''))");
    today_param();
  } else if (!state.empty()) {
    conditions.push_back("1 = 0");  // no release is in a state of another name
  }
  for (const std::string& condition : conditions)
    selection.condition += (selection.condition.empty() ? "" : " AND ") + condition;
  selection.order = {{"id", true, true}, {"id", true, false}};
  return selection;
}

Result<ReleaseView> release_view(Workspace& workspace, const json& release, Date today) {
  std::map<std::string, std::string> names;
  MOAT_TRY(const auto supplier, workspace.store().get(table("suppliers"), {text(release, "supplier")}));
  if (supplier)
    names[text(*supplier, "id")] = text(*supplier, text(*supplier, "name").empty() ? "legal_name" : "name");
  ReleaseView view = view_of(release, today, names);
  MOAT_TRY(view.copies, copies_of(workspace, view.id));
  return view;
}

Result<ReleaseView> find_release(Workspace& workspace, const std::string& id, Date today) {
  MOAT_TRY(const json record, release_for_update(workspace, id));
  MOAT_TRY(const auto names, supplier_names(workspace));
  ReleaseView view = view_of(record, today, names);
  MOAT_TRY(view.copies, copies_of(workspace, id));
  return view;
}

Result<ReleaseView> revoke_release(Workspace& workspace, const Session& session, const std::string& id,
                                   const std::string& reason, Date today) {
  if (trim(reason).empty()) return input_error("--reason", "say why the release is revoked");
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(json record, release_for_update(workspace, id));
    if (text(record, "state") == "revoked") {
      return Error(ErrorCode::kConflict, "releases/" + id,
                   "revoked already, on " + text(record, "revoked_at") + " by " + text(record, "revoked_by"));
    }
    record["state"] = "revoked";
    record["revoked_at"] = author.at;
    record["revoked_by"] = author.actor;
    record["revoke_reason"] = reason;
    MOAT_CHECK(writer.put(table("releases"), record));
    return {};
  }));
  (void)events;
  return find_release(workspace, id, today);
}

Result<ReleaseView> confirm_return(Workspace& workspace, const Session& session, const std::string& id,
                                   const std::string& reason, Date today) {
  if (trim(reason).empty()) return input_error("--reason", "say how the return or destruction is known");
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(json record, release_for_update(workspace, id));
    if (!text(record, "returned_at").empty()) {
      return Error(ErrorCode::kConflict, "releases/" + id,
                   "its return was confirmed already, on " + text(record, "returned_at") + " by " +
                       text(record, "returned_by"));
    }
    // Files still handed out cannot have come back: the confirmation must follow their end.
    const std::string expires = text(record, "expires");
    if (text(record, "state") != "revoked" && (expires.empty() || !(expires < today.to_string()))) {
      return Error(ErrorCode::kConflict, "releases/" + id,
                   "the release is active: its copies are still served" +
                       (expires.empty() ? std::string() : " until " + expires) +
                       "; revoke it first (moat release revoke " + id +
                       " --reason ...), then confirm the return");
    }
    record["returned_at"] = author.at;
    record["returned_by"] = author.actor;
    record["return_reason"] = reason;
    MOAT_CHECK(writer.put(table("releases"), record));
    return resolve_release_flags(workspace, writer, id, author, reason);
  }));
  (void)events;
  return find_release(workspace, id, today);
}

Result<std::vector<ReleaseView>> unreturned_releases(Workspace& workspace, Date today,
                                                     const std::string& supplier) {
  const store::SqlValue params[] = {today.to_string()};
  MOAT_TRY(const auto rows, workspace.store().database().query(
                                R"(SELECT "id" FROM "releases" WHERE "returned_at" IS NULL
                                   AND ("state" = 'revoked' OR ("expires" IS NOT NULL AND "expires" < ?)))",
                                params));
  std::vector<ReleaseView> out;
  for (const store::SqlRow& row : rows) {
    MOAT_TRY(ReleaseView view, find_release(workspace, text_of(row[0]), today));
    if (supplier.empty() || view.supplier == supplier) out.push_back(std::move(view));
  }
  std::sort(out.begin(), out.end(), [](const ReleaseView& a, const ReleaseView& b) {
    return id_number(a.id, "R") < id_number(b.id, "R");
  });
  return out;
}

Result<CopyDownload> download_copy(Workspace& workspace, const Session& session, const std::string& id,
                                   const std::optional<std::string>& person, Date today, Transfer transfer) {
  MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table("copies"), {id}));
  if (!found || (person && text(*found, "recipient") != *person)) {
    return Error(ErrorCode::kNotFound, "copies/" + id, "no copy '" + id + "' for you");
  }
  CopyDownload out;
  out.copy = copy_of(*found);
  MOAT_TRY(out.release, find_release(workspace, text(*found, "release"), today));
  MOAT_TRY(const DesignFile file, find_file(workspace, out.copy.file));
  out.media_type = file.media_type;
  if (out.release.state == "revoked") {
    out.gone = "release " + out.release.id + " was revoked on " + out.release.revoked_at.substr(0, 10) +
               ": " + out.release.revoke_reason;
    return out;
  }
  if (out.release.state == "expired") {
    out.gone = "release " + out.release.id + " expired on " + out.release.expires;
    return out;
  }
  if (out.copy.blob.empty()) {
    return Error(ErrorCode::kConflict, "copies/" + id,
                 "this copy was written to a folder when it was released, not kept in the vault: moat "
                 "does not serve it");
  }
  MOAT_TRY(out.content, load_blob(workspace, out.copy.blob));
  if (sha256_hex(out.content) != out.copy.copy_hash) {
    return Error(ErrorCode::kIntegrity, "copies/" + id,
                 "the vault's content does not match the copy's recorded hash");
  }
  if (transfer == Transfer::kHeadersOnly) return out;
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             const json detail = {{"release", out.release.id},
                                  {"recipient", out.copy.recipient},
                                  {"file", out.copy.file},
                                  {"copy_hash", out.copy.copy_hash}};
             return writer.note("download", "copies", id, detail.dump());
           }));
  (void)events;
  return out;
}

}  // namespace moat::app
