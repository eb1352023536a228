// SPDX-License-Identifier: Apache-2.0
#include "app/design_files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "app/accounts.h"
#include "app/blobs.h"
#include "app/file_kinds.h"
#include "app/record_fields.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;

const store::Table& files_table() {
  return *store::find_table("files");
}

DesignFile file_of(const json& r) {
  return {text(r, "id"),
          text(r, "product"),
          text(r, "package"),
          text(r, "name"),
          static_cast<int>(integer(r, "revision").value_or(1)),
          text(r, "media_type"),
          static_cast<std::uint64_t>(integer(r, "size").value_or(0)),
          text(r, "sha256"),
          text(r, "blob"),
          list(r, "secrets"),
          text(r, "archive"),
          text(r, "note"),
          text(r, "added_at"),
          text(r, "added_by")};
}

json file_record(const DesignFile& f) {
  return {{"id", f.id},
          {"product", f.product},
          {"package", f.package},
          {"name", f.name},
          {"revision", f.revision},
          {"media_type", f.media_type},
          {"size", f.size},
          {"sha256", f.sha256},
          {"blob", f.blob},
          {"secrets", f.secrets},
          {"archive", optional_text(f.archive)},
          {"note", optional_text(f.note)},
          {"added_at", f.added_at},
          {"added_by", f.added_by}};
}

Result<std::vector<DesignFile>> all_files(Workspace& workspace) {
  MOAT_TRY(const std::vector<store::Record> records, workspace.store().list(files_table()));
  std::vector<DesignFile> out;
  for (const json& r : records) out.push_back(file_of(r));
  std::sort(out.begin(), out.end(), [](const DesignFile& a, const DesignFile& b) {
    return id_number(a.id, "D") < id_number(b.id, "D");
  });
  return out;
}

// The secrets the files carry: the package's, or the narrower list asked for.
Result<std::vector<std::string>> carried_secrets(const json& package,
                                                 const std::optional<std::vector<std::string>>& asked) {
  const std::vector<std::string> exposes = list(package, "exposes");
  if (!asked) return exposes;
  std::vector<std::string> out;
  for (const std::string& secret : *asked) {
    if (std::find(exposes.begin(), exposes.end(), secret) == exposes.end()) {
      return input_error("--secrets", "work package " + text(package, "id") + " does not expose " + secret +
                                          " (it exposes " +
                                          (exposes.empty() ? "nothing" : join(exposes, ";")) +
                                          "): a file may carry fewer of its package's secrets, never others");
    }
    if (std::find(out.begin(), out.end(), secret) == out.end()) out.push_back(secret);
  }
  return out;
}

struct Incoming {
  std::string name;
  std::string archive;
  std::string content;
  std::filesystem::path path;  // set: streamed from disk, content empty
};

constexpr std::size_t kHeadBytes = 1 << 16;              // enough to tell a file's kind
constexpr std::uintmax_t kMaxArchiveBytes = 256u << 20;  // a ZIP is read whole to be unpacked

// The first `limit` bytes of the file at `path` (all of it when limit is 0, up to kMaxArchiveBytes).
Result<std::string> read_start(const std::filesystem::path& path, std::size_t limit) {
  MOAT_CHECK(regular_file(path));
  std::error_code error;
  if (limit == 0 && std::filesystem::file_size(path, error) > kMaxArchiveBytes) {
    return input_error(path.string(),
                       "a ZIP archive larger than 256 MiB cannot be unpacked: add its members");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return input_error(path.string(), std::string("cannot read this file: ") + std::strerror(errno));
  std::string out;
  char chunk[1 << 16];
  while ((limit == 0 || out.size() < limit) && (in.read(chunk, sizeof chunk) || in.gcount() > 0)) {
    out.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad())
    return input_error(path.string(), std::string("cannot read this file: ") + std::strerror(errno));
  if (limit != 0 && out.size() > limit) out.resize(limit);
  return out;
}

// The files as they will be kept: a fabrication set's members under their paths, the rest whole.
// Moves each source's content into what it returns: a file is held in memory once.
Result<std::vector<Incoming>> unpack(std::vector<FileSource>& sources) {
  std::vector<Incoming> out;
  std::set<std::string> names;
  for (FileSource& source : sources) {
    const std::string name = std::filesystem::path(source.name).filename().string();
    if (name.empty() || first_invalid_utf8(name))
      return input_error(source.name, "a design file needs a UTF-8 name");
    std::vector<Incoming> adding;
    if (!source.path.empty() && source.content.empty()) {
      MOAT_TRY(const std::string head, read_start(source.path, kHeadBytes));
      if (detect_media_type(head) != kZip) {
        adding.push_back({name, "", "", source.path});
      } else {
        MOAT_TRY(source.content, read_start(source.path, 0));
      }
    }
    if (adding.empty() && detect_media_type(source.content) == kZip) {
      MOAT_TRY(std::vector<ArchiveMember> members,
               zip_members(source.content, source.name, kMaxUnpackedBytes));
      if (is_fabrication_set(members)) {
        for (ArchiveMember& m : members) adding.push_back({m.path, name, std::move(m.content)});
      }
    }
    if (adding.empty()) adding.push_back({name, "", std::move(source.content)});
    for (Incoming& file : adding) {
      if (!names.insert(file.name).second)
        return input_error(source.name, "'" + file.name + "' is given twice");
      out.push_back(std::move(file));
    }
  }
  return out;
}

// The current revision of each name in the package.
std::map<std::string, DesignFile> current_revisions(const std::vector<DesignFile>& files,
                                                    const std::string& product, const std::string& package) {
  std::map<std::string, DesignFile> out;
  for (const DesignFile& f : files) {
    if (f.product != product || f.package != package) continue;
    auto [it, inserted] = out.emplace(f.name, f);
    if (!inserted && f.revision > it->second.revision) it->second = f;
  }
  return out;
}

Result<json> package_record(Workspace& workspace, const std::string& product, const std::string& package) {
  MOAT_TRY(const std::optional<store::Record> found,
           workspace.store().get(*store::find_table("packages"), {product, package}));
  if (!found)
    return Error(ErrorCode::kNotFound, "PACKAGE",
                 "product '" + product + "' has no work package '" + package + "'");
  return *found;
}

Status check_reader(Workspace& workspace, const Session& session) {
  MOAT_TRY(const std::vector<User> users, list_users(workspace));
  if (users.empty() || session.via == kWorkspaceOwner) return {};
  const auto user =
      std::find_if(users.begin(), users.end(), [&](const User& u) { return u.name == session.actor; });
  if (user != users.end() && user->role == Role::kAdmin) return {};
  return Error(ErrorCode::kConflict, "",
               "only an administrator may read a design file's master: '" + session.actor +
                   "' is not an administrator of this workspace (sign in as one: --token or $MOAT_TOKEN)");
}

}  // namespace

Result<std::string> product_of_package(Workspace& workspace, const std::string& product,
                                       const std::string& package) {
  if (!product.empty()) {
    MOAT_CHECK(package_record(workspace, product, package));
    return product;
  }
  MOAT_TRY(const std::vector<store::Record> packages, workspace.store().list(*store::find_table("packages")));
  std::vector<std::string> products;
  for (const json& p : packages) {
    if (text(p, "id") == package) products.push_back(text(p, "product"));
  }
  if (products.empty()) return Error(ErrorCode::kNotFound, "PACKAGE", "no work package '" + package + "'");
  if (products.size() > 1) {
    return input_error("--product", "work package '" + package + "' exists in " + join(products, ", ") +
                                        ": name the product with --product");
  }
  return products.front();
}

Result<std::vector<DesignFile>> add_files(Workspace& workspace, const Session& session, AddFiles request) {
  if (request.files.empty()) return input_error("FILE", "name at least one file to add");
  MOAT_TRY(const std::string product, product_of_package(workspace, request.product, request.package));
  MOAT_TRY(const json package, package_record(workspace, product, request.package));
  MOAT_TRY(const std::vector<std::string> secrets, carried_secrets(package, request.secrets));
  MOAT_TRY(std::vector<Incoming> incoming, unpack(request.files));
  struct Stored {
    const Incoming* file;
    Blob blob;
    std::string sha256;
    std::string media_type;
  };
  std::vector<Stored> stored;
  for (Incoming& file : incoming) {  // each file's content is let go once it is in the vault
    if (!file.path.empty()) {
      MOAT_TRY(StoredFile streamed, store_file_blob(workspace, file.path, kHeadBytes));
      stored.push_back({&file, std::move(streamed.blob), std::move(streamed.sha256),
                        std::string(detect_media_type(streamed.head))});
      continue;
    }
    MOAT_TRY(Blob blob, store_blob(workspace, file.content));
    stored.push_back(
        {&file, std::move(blob), sha256_hex(file.content), std::string(detect_media_type(file.content))});
    std::string().swap(file.content);
  }
  std::vector<DesignFile> added;
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    added.clear();
    MOAT_TRY(const std::vector<DesignFile> existing, all_files(workspace));
    const auto current = current_revisions(existing, product, request.package);
    std::vector<std::string> ids;
    for (const DesignFile& f : existing) ids.push_back(f.id);
    for (const auto& [file, blob, hash, media_type] : stored) {
      const auto before = current.find(file->name);
      if (before != current.end() && before->second.sha256 == hash && before->second.secrets == secrets) {
        added.push_back(before->second);
        continue;
      }
      DesignFile record{next_id(ids, "D"),
                        product,
                        request.package,
                        file->name,
                        before == current.end() ? 1 : before->second.revision + 1,
                        media_type,
                        blob.size,
                        hash,
                        blob.id,
                        secrets,
                        file->archive,
                        request.note,
                        author.at,
                        author.actor};
      ids.push_back(record.id);
      MOAT_CHECK(writer.put(files_table(), file_record(record), 0));
      added.push_back(std::move(record));
    }
    return {};
  }));
  (void)events;
  return added;
}

Result<std::vector<DesignFile>> list_files(Workspace& workspace, const FileFilter& filter) {
  MOAT_TRY(std::vector<DesignFile> files, all_files(workspace));
  std::map<std::tuple<std::string, std::string, std::string>, int> newest;
  for (const DesignFile& f : files) {
    int& best = newest[{f.product, f.package, f.name}];
    best = std::max(best, f.revision);
  }
  std::erase_if(files, [&](const DesignFile& f) {
    if (!filter.product.empty() && f.product != filter.product) return true;
    if (!filter.package.empty() && f.package != filter.package) return true;
    return !filter.all_revisions && newest[{f.product, f.package, f.name}] != f.revision;
  });
  return files;
}

Result<DesignFile> find_file(Workspace& workspace, const std::string& id) {
  MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(files_table(), {id}));
  if (!found) return Error(ErrorCode::kNotFound, "files/" + id, "no design file '" + id + "'");
  return file_of(*found);
}

Result<std::vector<DesignFile>> revisions_of(Workspace& workspace, const DesignFile& file) {
  MOAT_TRY(std::vector<DesignFile> files, all_files(workspace));
  std::erase_if(files, [&](const DesignFile& f) {
    return f.product != file.product || f.package != file.package || f.name != file.name;
  });
  std::sort(files.begin(), files.end(),
            [](const DesignFile& a, const DesignFile& b) { return a.revision < b.revision; });
  return files;
}

Result<std::string> read_master(Workspace& workspace, const Session& session, const std::string& id,
                                Transfer transfer) {
  MOAT_CHECK(check_reader(workspace, session));
  MOAT_TRY(const DesignFile file, find_file(workspace, id));
  MOAT_TRY(std::string content, load_blob(workspace, file.blob));
  if (sha256_hex(content) != file.sha256) {
    return Error(ErrorCode::kIntegrity, "files/" + file.id,
                 "the vault's content does not match the file's SHA-256");
  }
  if (transfer == Transfer::kHeadersOnly) return content;
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             const json detail = {{"name", file.name}, {"revision", file.revision}, {"sha256", file.sha256}};
             return writer.note("read-master", "files", file.id, detail.dump());
           }));
  (void)events;
  return content;
}

json file_json(const DesignFile& f) {
  json out = file_record(f);
  out.erase("blob");
  out["kind"] = std::string(kind_name(f.media_type));
  return out;
}

}  // namespace moat::app
