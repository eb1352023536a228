// SPDX-License-Identifier: Apache-2.0
// Handlers for design files, releases, copies and released knowledge (routes.cc). A supplier user
// reaches only releases to its own supplier, the copies made for its own person and the files of
// those copies: any other id answers 403 and is recorded as a denial. A copy of a revoked or
// expired release answers 410 with the reason. Every download is a ledger event (app/).
#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "app/design_files.h"
#include "app/releases.h"
#include "http/handlers.h"

namespace moat::http::handlers {
namespace {

using nlohmann::json;

Reply forbidden() {
  Reply reply;
  reply.denied = true;
  reply.denial = Problem::kForbidden;
  return reply;
}

bool mine(const Call& call, const app::ReleaseView& release) {
  return !call.is_supplier() || release.supplier == call.user.supplier;
}

bool my_copy(const Call& call, const app::CopyMade& copy) {
  return !call.is_supplier() || (!call.user.person.empty() && copy.recipient == call.user.person);
}

// A supplier user's view of a release: only its own person's copies, and not the company's own
// words and people: who released or revoked it, and why it was revoked (a note written for staff
// can name other suppliers or a flag raised on them).
json release_for(const Call& call, app::ReleaseView release) {
  std::erase_if(release.copies, [&](const app::CopyMade& c) { return !my_copy(call, c); });
  json out = app::release_json(release);
  if (call.is_supplier()) {
    for (const char* internal : {"verdict", "created_by", "revoked_by", "revoke_reason"}) out.erase(internal);
  }
  return out;
}

// The ids of the files a supplier user holds copies of.
Result<std::vector<std::string>> files_held(Call& call) {
  MOAT_TRY(const auto releases,
           app::list_releases(call.workspace, {call.user.supplier, "", call.user.person}, today(call)));
  std::vector<std::string> files;
  for (const app::ReleaseView& r : releases) {
    MOAT_TRY(const app::ReleaseView full, app::find_release(call.workspace, r.id, today(call)));
    for (const app::CopyMade& c : full.copies) {
      if (my_copy(call, c)) files.push_back(c.file);
    }
  }
  return files;
}

Result<std::optional<bool>> bool_member(const json& body, const char* member) {
  const auto it = body.find(member);
  if (it == body.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return input_error(std::string("/") + member, "must be true or false");
  return std::optional<bool>(it->get<bool>());
}

Result<std::vector<std::string>> list_member(const json& body, const char* member) {
  std::vector<std::string> out;
  const auto it = body.find(member);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return input_error(std::string("/") + member, "must be a list of ids");
  for (std::size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string())
      return input_error(std::string("/") + member + "/" + std::to_string(i), "must be an id");
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

Result<app::ReleaseRequest> release_request(const Call& call, const json& body) {
  app::ReleaseRequest request;
  request.product = text_of(body, "product");
  request.package = text_of(body, "package");
  request.supplier = text_of(body, "supplier");
  request.reason = text_of(body, "reason");
  if (request.package.empty()) return input_error("/package", "name the work package");
  if (request.supplier.empty()) return input_error("/supplier", "name the supplier");
  MOAT_TRY(request.recipients, list_member(body, "recipients"));
  MOAT_TRY(request.files, list_member(body, "files"));
  MOAT_TRY(const auto dry_run, bool_member(body, "dry_run"));
  request.dry_run = dry_run.value_or(false);
  const std::string expires = text_of(body, "expires");
  if (!expires.empty()) {
    request.expires = Date::parse(expires);
    if (!request.expires) return input_error("/expires", "'" + expires + "' is not a date (YYYY-MM-DD)");
  }
  request.today = today(call);
  return request;
}

// The release's errors located in the body: the use case names the command's flags and arguments
// ("--recipient"), the API its fields (a JSON pointer, "/recipients").
Error in_body(Error error) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kFields = {{
      {"PACKAGE", "#/package"},
      {"--to", "#/supplier"},
      {"--recipient", "#/recipients"},
      {"--files", "#/files"},
      {"--product", "#/product"},
      {"--expires", "#/expires"},
      {"--reason", "#/reason"},
  }};
  return relocated(std::move(error), kFields);
}

// A HEAD request is told what a download would bring, and is not recorded as one.
app::Transfer transfer(const Call& call) {
  return call.request.head ? app::Transfer::kHeadersOnly : app::Transfer::kContent;
}

// A download is always sent whole, with no ETag: it is recorded as a download, and a 304 (the
// caller holding the bytes already) would record one that sent nothing.
Reply download_reply(std::string content, const std::string& media_type, const std::string& name) {
  Reply reply;
  reply.conditional = false;
  reply.raw = std::move(content);
  reply.content_type = media_type;
  const std::string base = name.substr(name.find_last_of('/') + 1);
  // An ASCII stand-in for old clients, and the name itself as RFC 6266's filename* (UTF-8,
  // percent-encoded) when it is not plain ASCII: a file named in Chinese keeps its name.
  std::string ascii, encoded;
  bool plain = true;
  for (const char c : base) {
    const bool printable = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    plain = plain && printable;
    ascii += printable ? c : '_';
    const auto byte = static_cast<unsigned char>(c);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (alnum || std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos) {
      encoded += c;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      encoded += {'%', kHex[byte >> 4], kHex[byte & 0xF]};
    }
  }
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + ascii + "\"" +
                                                        (plain ? "" : "; filename*=UTF-8''" + encoded));
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

// A design file as a supplier user sees it: without the master's SHA-256, which would let a
// recipient check whether a copy stripped of its marks now equals the master, the one file a
// trace cannot tie to anyone (docs/releases.md); and without the staff account that added it.
json file_view(const Call& call, const app::DesignFile& file) {
  json out = app::file_json(file);
  if (call.is_supplier()) {
    out.erase("sha256");
    out.erase("added_by");
  }
  return out;
}

}  // namespace

Result<Reply> list_files(Call& call) {
  app::FileFilter filter{call.query_value("product").value_or(""), call.query_value("package").value_or(""),
                         false};
  MOAT_TRY(std::vector<app::DesignFile> files, app::list_files(call.workspace, filter));
  if (call.is_supplier()) {
    MOAT_TRY(const std::vector<std::string> held, files_held(call));
    std::erase_if(files, [&](const app::DesignFile& f) {
      return std::find(held.begin(), held.end(), f.id) == held.end();
    });
  }
  json items = json::array();
  for (const app::DesignFile& f : files) items.push_back(file_view(call, f));
  MOAT_TRY(Reply reply, page_of(call, std::move(items), 100));
  // A supplier user's look at the files it holds is on record, as a look at one is.
  if (call.is_supplier()) reply.supplier_read = {"files", "supplier/" + call.user.supplier};
  return reply;
}

Result<Reply> get_file(Call& call) {
  const std::string id = call.param("id");
  if (call.is_supplier()) {
    MOAT_TRY(const std::vector<std::string> held, files_held(call));
    if (std::find(held.begin(), held.end(), id) == held.end()) return forbidden();
  }
  MOAT_TRY(const app::DesignFile file, app::find_file(call.workspace, id));
  json out = file_view(call, file);
  if (!call.is_supplier()) {
    MOAT_TRY(const auto revisions, app::revisions_of(call.workspace, file));
    json all = json::array();
    for (const app::DesignFile& r : revisions) all.push_back(app::file_json(r));
    out["revisions"] = std::move(all);
  }
  Reply reply;
  reply.body = std::move(out);
  if (call.is_supplier()) reply.supplier_read = {"files", id};
  return reply;
}

Result<Reply> file_master(Call& call) {
  const std::string id = call.param("id");
  MOAT_TRY(const app::DesignFile file, app::find_file(call.workspace, id));
  MOAT_TRY(std::string content, app::read_master(call.workspace, call.session, id, transfer(call)));
  return download_reply(std::move(content), file.media_type, file.name);
}

Result<Reply> list_releases(Call& call) {
  static constexpr std::string_view kStates[] = {"active", "expired", "revoked", "flagged"};
  MOAT_CHECK(known_value(call, "state", kStates, "release state"));
  app::ReleaseFilter filter{call.query_value("supplier").value_or(""),
                            call.query_value("product").value_or(""),
                            call.query_value("person").value_or("")};
  if (call.is_supplier()) filter.supplier = call.user.supplier;
  store::PageQuery selection =
      app::release_selection(call.workspace, filter, call.query_value("state").value_or(""), today(call));
  const auto items = [&call](std::vector<store::Record> releases) -> Result<json> {
    json out = json::array();
    for (const json& record : releases) {
      MOAT_TRY(app::ReleaseView release, app::release_view(call.workspace, record, today(call)));
      out.push_back(release_for(call, std::move(release)));
    }
    return out;
  };
  MOAT_TRY(Reply reply, selection_page(call, "releases", std::move(selection), 100, items));
  if (call.is_supplier()) reply.supplier_read = {"releases", "supplier/" + call.user.supplier};
  return reply;
}

Result<Reply> get_release(Call& call) {
  const std::string id = call.param("id");
  auto release = app::find_release(call.workspace, id, today(call));
  if (!release.ok() && call.is_supplier() && release.error().code() == ErrorCode::kNotFound)
    return forbidden();
  if (!release.ok()) return release.error();
  if (!mine(call, *release)) return forbidden();
  Reply reply;
  reply.body = release_for(call, std::move(*release));
  if (call.is_supplier()) reply.supplier_read = {"releases", id};
  return reply;
}

Result<Reply> create_release(Call& call) {
  auto body = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  MOAT_TRY(const app::ReleaseRequest request, release_request(call, std::get<json>(body)));
  Result<app::ReleaseOutcome> released = app::release_files(call.workspace, call.session, request);
  if (!released.ok()) return in_body(std::move(released).error());
  const app::ReleaseOutcome& outcome = *released;
  Reply reply;
  reply.body = app::outcome_json(outcome);
  // A refusal is an answer, not a fault: 422 with the reasons; a dry run 200 either way.
  reply.status = request.dry_run ? 200 : outcome.go ? 201 : 422;
  return reply;
}

namespace {

Result<Reply> change_release(Call& call, decltype(&app::revoke_release) change) {
  auto body = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  const std::string reason = text_of(std::get<json>(body), "reason");
  if (reason.empty()) return input_error("/reason", "say why");
  MOAT_TRY(const app::ReleaseView release,
           change(call.workspace, call.session, call.param("id"), reason, today(call)));
  return json_reply(app::release_json(release));
}

}  // namespace

Result<Reply> revoke_release(Call& call) {
  return change_release(call, app::revoke_release);
}
Result<Reply> confirm_return(Call& call) {
  return change_release(call, app::confirm_return);
}

Result<Reply> download_copy(Call& call) {
  const std::string id = call.param("id");
  std::optional<std::string> person;
  if (call.is_supplier()) person = call.user.person;
  auto download = app::download_copy(call.workspace, call.session, id, person, today(call), transfer(call));
  if (!download.ok() && call.is_supplier() && download.error().code() == ErrorCode::kNotFound)
    return forbidden();
  if (!download.ok()) return download.error();
  if (!mine(call, download->release)) return forbidden();
  if (!download->gone.empty()) {
    // To a supplier user, that it was revoked and when, not the staff's reason.
    if (call.is_supplier() && download->release.state == "revoked")
      return refuse(Problem::kGone, "release " + download->release.id + " was revoked on " +
                                        download->release.revoked_at.substr(0, 10));
    return refuse(Problem::kGone, download->gone);
  }
  return download_reply(std::move(download->content), download->media_type, download->copy.name);
}

Result<Reply> product_knowledge(Call& call) {
  const std::string holders = call.query_value("holders").value_or("parties");
  if (holders != "parties" && holders != "people") return input_error("holders", "must be parties or people");
  MOAT_TRY(const app::ReleasedKnowledge knowledge,
           app::released_knowledge(call.workspace, call.param("id"), holders == "people"));
  json body = app::knowledge_json(knowledge);
  body["product"] = call.param("id");
  return json_reply(std::move(body));
}

}  // namespace moat::http::handlers
