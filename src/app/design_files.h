// SPDX-License-Identifier: Apache-2.0
// Design files: a product's drawings, models and fabrication data, kept encrypted in the vault
// with a record each — its work package, name, kind (told from the content), size, SHA-256,
// revision and the secrets it carries (the package's, or fewer). Adding a file under a name the
// package already has makes the next revision; every revision stays readable. A ZIP of Gerber and
// drill files is kept as its members, each under its path. Reading a master (the unmarked file) is
// for an administrator and is recorded in the ledger. Releases (app/releases.h) hand out copies.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

struct DesignFile {
  std::string id;  // D1, D2, ...: one per revision
  std::string product;
  std::string package;
  std::string name;  // the file's name, or a ZIP member's path
  int revision = 1;
  std::string media_type;
  std::uint64_t size = 0;
  std::string sha256;
  std::string blob;  // the vault id
  std::vector<std::string> secrets;
  std::string archive;  // the ZIP it came from, when it was a member
  std::string note;
  std::string added_at;
  std::string added_by;
};

struct FileSource {
  std::string name;  // as given: a path whose last part names the file
  std::string content;
  // When set (and content empty): the file on disk, streamed into the vault, never held in memory
  // whole (a ZIP of Gerbers is read whole to be kept as its members).
  std::filesystem::path path;
};

struct AddFiles {
  std::string product;  // empty: the one product with `package`
  std::string package;
  std::vector<FileSource> files;
  std::optional<std::vector<std::string>> secrets;  // default: everything the package exposes
  std::string note;
};

// Stores the files and records them, all in one transaction. A file identical to its name's
// current revision is not added again (it is returned as it is). Errors: kNotFound for an unknown
// product or package, kInput for a package id several products have (name the product), secrets
// outside the package's, an empty name or a malformed ZIP (naming the file).
Result<std::vector<DesignFile>> add_files(Workspace& workspace, const Session& session, AddFiles request);

struct FileFilter {
  std::string product;
  std::string package;
  bool all_revisions = false;  // false: each name's current revision only
};

Result<std::vector<DesignFile>> list_files(Workspace& workspace, const FileFilter& filter);

// One file record; kNotFound for an unknown id.
Result<DesignFile> find_file(Workspace& workspace, const std::string& id);

// Every revision of the file's name in its package, oldest first.
Result<std::vector<DesignFile>> revisions_of(Workspace& workspace, const DesignFile& file);

// Whether a file's bytes reach the caller (a download or read, recorded in the ledger) or only
// what would be sent about them (HTTP's HEAD: checked the same way, its length told, nothing
// recorded: no byte of the file left).
enum class Transfer { kContent, kHeadersOnly };

// The unmarked master of file `id`, recorded in the ledger as read by the session's actor. When
// the workspace has accounts, only an administrator may read it (kConflict for anyone else).
Result<std::string> read_master(Workspace& workspace, const Session& session, const std::string& id,
                                Transfer transfer = Transfer::kContent);

// The package's product: `product` when given (checked), else the one product with the package.
Result<std::string> product_of_package(Workspace& workspace, const std::string& product,
                                       const std::string& package);

nlohmann::json file_json(const DesignFile& file);

}  // namespace moat::app
