// SPDX-License-Identifier: Apache-2.0
#include "app/checkpoints.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "store/ledger_head.h"
#include "store/tree.h"

namespace moat::app {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kKeyFile = "ledger.key";
constexpr std::string_view kVerifierKeysFile = "ledger.vkeys";
constexpr std::string_view kWitnessKeysFile = "witnesses.vkeys";
constexpr std::string_view kOriginPrefix = "moat.ledger/";
constexpr std::size_t kOriginRandomBytes = 8;

Error integrity(std::string where, std::string message) {
  return Error(ErrorCode::kIntegrity, std::move(where), std::move(message));
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Replaces `path` whole, owner-only, through a temporary file renamed into place.
Status write_private(const fs::path& path, const std::string& content) {
  const fs::path temporary = path.string() + "." + std::to_string(getpid()) + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return internal_error("cannot write " + path.string());
  const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  const bool closed = ::close(fd) == 0;
  std::error_code error;
  if (written && closed) fs::rename(temporary, path, error);
  if (!written || !closed || error) {
    fs::remove(temporary, error);
    return internal_error("cannot write " + path.string());
  }
  return {};
}

// Writes a new file that must not exist yet (O_EXCL): false when it does.
Result<bool> create_private(const fs::path& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return internal_error("cannot create " + path.string());
  }
  const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  if (::close(fd) != 0 || !written) return internal_error("cannot write " + path.string());
  return true;
}

ledger::Seed random_seed() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  ledger::Seed seed{};
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

std::string random_origin() {
  std::array<std::uint8_t, kOriginRandomBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();
  return std::string(kOriginPrefix) + hex;
}

Result<std::vector<ledger::VerifierKey>> read_verifier_keys(const fs::path& path) {
  std::vector<ledger::VerifierKey> keys;
  const auto text = read_text(path);
  if (!text) return keys;
  std::istringstream lines(*text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.empty() || line.starts_with('#')) continue;
    auto key = ledger::parse_verifier_key(line);
    if (!key.ok())
      return integrity(path.filename().string() + ":" + std::to_string(number), key.error().to_string());
    keys.push_back(*key);
  }
  return keys;
}

Status append_verifier_key(const fs::path& path, const ledger::VerifierKey& key) {
  MOAT_TRY(std::vector<ledger::VerifierKey> keys, read_verifier_keys(path));
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return {};
  std::string text = read_text(path).value_or("");
  return write_private(path, text + key.text() + "\n");
}

// The log key's file, made with a new key and origin when there is none.
Result<ledger::SignerKey> read_or_make_log_key(Workspace& workspace) {
  const fs::path path = workspace.keys_dir() / kKeyFile;
  if (!fs::exists(path)) {
    const ledger::SignerKey made =
        ledger::signer_from_seed(random_origin(), ledger::KeyType::kEd25519, random_seed());
    MOAT_TRY(const bool created, create_private(path, made.text() + "\n"));
    (void)created;  // another process may have made one first: read what is there
  }
  const auto text = read_text(path);
  if (!text) return internal_error("cannot read " + path.string());
  std::string line = text->substr(0, text->find('\n'));
  auto key = ledger::parse_signer_key(line);
  if (!key.ok()) return integrity("keys/" + std::string(kKeyFile), key.error().to_string());
  return *key;
}

Result<store::StoredCheckpoint> latest_stored(store::Database& db) {
  MOAT_TRY(const auto all, store::stored_checkpoints(db));
  if (all.empty()) return store::StoredCheckpoint{};
  return all.back();
}

SignedCheckpoint signed_of(const store::StoredCheckpoint& stored, bool made) {
  return {stored.id, stored.size, stored.root, stored.note, stored.at, made};
}

Result<std::int64_t> ledger_length(store::Database& db) {
  return store::ledger_head(db);
}

std::string describe(const ledger::Checkpoint& c) {
  return "the checkpoint of " + std::to_string(c.size) + " events";
}

// The newest checkpoint kept beside the database, when it is there and signed by the log.
std::optional<ledger::Checkpoint> latest_on_file(Workspace& workspace,
                                                 std::span<const ledger::VerifierKey> keys) {
  const auto text = latest_checkpoint_note(workspace);
  if (!text) return std::nullopt;
  const ledger::CheckpointCheck check = ledger::check_checkpoint(*text, keys);
  if (!check.ok) return std::nullopt;
  return check.checkpoint;
}

// Why the stored tree of `size` leaves and `root` cannot extend `earlier`, if it cannot.
Result<std::optional<std::string>> inconsistency(store::Database& db, std::uint64_t size,
                                                 const ledger::Hash& root, const ledger::Checkpoint& earlier,
                                                 const std::string& signed_at) {
  const std::string which = describe(earlier) + (signed_at.empty() ? "" : " signed at " + signed_at);
  if (earlier.size > size) {
    return std::optional<std::string>("the ledger's tree holds " + std::to_string(size) +
                                      " events, fewer than " + which + ": the tree was rolled back");
  }
  ledger::Hash then = root;
  if (earlier.size < size) {
    const ledger::Range prefix{0, earlier.size};
    MOAT_TRY(const auto hashes, store::tree_range_hashes(db, std::span(&prefix, 1)));
    then = earlier.size == 0 ? ledger::empty_root() : hashes.front();
  }
  if (then != earlier.root) {
    return std::optional<std::string>("the ledger's tree is inconsistent with " + which + ": its first " +
                                      std::to_string(earlier.size) + " events were rewritten");
  }
  return std::optional<std::string>();
}

const ledger::Hash* find_node(std::span<const ledger::StoredNode> nodes, const ledger::NodeId& id) {
  const auto it =
      std::lower_bound(nodes.begin(), nodes.end(), id.key(),
                       [](const ledger::StoredNode& n, std::uint64_t key) { return n.id.key() < key; });
  return it != nodes.end() && it->id.key() == id.key() ? &it->hash : nullptr;
}

ledger::Hash root_at(std::span<const ledger::StoredNode> nodes, std::uint64_t size) {
  std::vector<ledger::Hash> hashes;
  for (const ledger::NodeId& id : ledger::range_nodes({0, size})) hashes.push_back(*find_node(nodes, id));
  return ledger::fold_nodes(hashes);
}

// One stored checkpoint against the verified tree and the log's keys.
std::optional<std::string> check_stored(const store::StoredCheckpoint& stored,
                                        const ledger::TreeVerdict& tree,
                                        std::span<const ledger::StoredNode> nodes,
                                        std::span<const ledger::VerifierKey> keys) {
  const std::string name =
      "checkpoint " + std::to_string(stored.id) + " (" + std::to_string(stored.size) + " events)";
  const ledger::CheckpointCheck check = ledger::check_checkpoint(stored.note, keys);
  if (!check.ok) return name + ": " + check.problem;
  if (check.checkpoint.size != stored.size || check.checkpoint.root != stored.root) {
    return name + ": its signed note differs from its stored size and root (altered in the database)";
  }
  if (stored.size > tree.size) {
    return name + " covers more events than the tree holds (" + std::to_string(tree.size) +
           "): the ledger and its tree were rolled back";
  }
  if (root_at(nodes, stored.size) != stored.root) {
    return name + " does not match the tree's first " + std::to_string(stored.size) +
           " events: the tree was rewritten after it was signed";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> latest_checkpoint_note(Workspace& workspace) {
  return read_text(workspace.dir() / kLatestCheckpointFile);
}

Result<LogKeys> log_keys(Workspace& workspace) {
  MOAT_TRY(const ledger::SignerKey current, read_or_make_log_key(workspace));
  const fs::path vkeys = workspace.keys_dir() / kVerifierKeysFile;
  MOAT_CHECK(append_verifier_key(vkeys, current.verifier()));
  MOAT_TRY(std::vector<ledger::VerifierKey> all, read_verifier_keys(vkeys));
  return LogKeys{current, std::move(all)};
}

Result<ledger::VerifierKey> rotate_log_key(Workspace& workspace) {
  MOAT_TRY(const LogKeys keys, log_keys(workspace));
  const ledger::SignerKey next =
      ledger::signer_from_seed(keys.current.name, ledger::KeyType::kEd25519, random_seed());
  // The public key is recorded before the private one replaces the old: a crash between the two
  // leaves an unused public key, never a signature nobody can check.
  MOAT_CHECK(append_verifier_key(workspace.keys_dir() / kVerifierKeysFile, next.verifier()));
  MOAT_CHECK(write_private(workspace.keys_dir() / kKeyFile, next.text() + "\n"));
  return next.verifier();
}

Result<std::vector<ledger::VerifierKey>> witness_keys(Workspace& workspace) {
  return read_verifier_keys(workspace.keys_dir() / kWitnessKeysFile);
}

Result<ledger::SignerKey> generate_key(const std::string& name, ledger::KeyType type) {
  if (!ledger::valid_key_name(name)) {
    return input_error("NAME", "a key name is non-empty, without spaces or '+': '" + name + "'");
  }
  return ledger::signer_from_seed(name, type, random_seed());
}

Result<SignedCheckpoint> checkpoint_now(Workspace& workspace, const Session& session) {
  MOAT_TRY(const LogKeys keys, log_keys(workspace));
  store::Database& db = workspace.store().database();
  MOAT_TRY(store::WriteTransaction transaction, store::WriteTransaction::begin(db));
  MOAT_TRY(const store::TreeHead head, store::tree_head(db));
  MOAT_TRY(const std::int64_t events, ledger_length(db));
  if (static_cast<std::uint64_t>(events) != head.size) {
    return integrity("ledger_tree", "the Merkle tree covers " + std::to_string(head.size) +
                                        " events but the ledger holds " + std::to_string(events) +
                                        ": not signing it (run 'moat audit verify')");
  }
  MOAT_TRY(const store::StoredCheckpoint latest, latest_stored(db));
  std::vector<std::pair<ledger::Checkpoint, std::string>> earlier;
  if (latest.id > 0) earlier.push_back({{keys.current.name, latest.size, latest.root, {}}, latest.at});
  if (auto on_file = latest_on_file(workspace, keys.all)) earlier.push_back({*on_file, ""});
  for (const auto& [checkpoint, at] : earlier) {
    MOAT_TRY(const auto why, inconsistency(db, head.size, head.root, checkpoint, at));
    if (why) return integrity("ledger", "moat will not sign this tree: " + *why);
  }
  if (latest.id > 0 && latest.size == head.size) return signed_of(latest, false);
  MOAT_TRY(const ledger::SignedNote note,
           ledger::sign_checkpoint({keys.current.name, head.size, head.root, {}}, keys.current));
  store::StoredCheckpoint stored{0, head.size, head.root, note.format(), session.now()};
  MOAT_TRY(stored.id, store::insert_checkpoint(db, stored));
  MOAT_CHECK(transaction.commit());
  MOAT_CHECK(write_private(workspace.dir() / kLatestCheckpointFile, stored.note));
  return signed_of(stored, true);
}

Result<std::vector<SignedCheckpoint>> list_checkpoints(Workspace& workspace) {
  MOAT_TRY(const auto stored, store::stored_checkpoints(workspace.store().database()));
  std::vector<SignedCheckpoint> out;
  for (const store::StoredCheckpoint& s : stored) out.push_back(signed_of(s, false));
  return out;
}

Result<std::string> cosign_checkpoint(Workspace* workspace, const std::string& checkpoint_note,
                                      const ledger::SignerKey& witness,
                                      std::span<const ledger::VerifierKey> log_keys_given,
                                      std::uint64_t now_seconds) {
  std::vector<ledger::VerifierKey> trusted(log_keys_given.begin(), log_keys_given.end());
  if (workspace) {
    MOAT_TRY(const LogKeys keys, log_keys(*workspace));
    trusted.insert(trusted.end(), keys.all.begin(), keys.all.end());
  }
  if (trusted.empty())
    return input_error("--log-key", "name the log's verifier key to check the checkpoint against");
  const ledger::CheckpointCheck check = ledger::check_checkpoint(checkpoint_note, trusted);
  if (!check.ok) return input_error("CHECKPOINT", "not cosigning: " + check.problem);
  MOAT_TRY(ledger::SignedNote note, ledger::parse_note(checkpoint_note));
  ledger::SignerKey cosigner = witness;
  cosigner.type = ledger::KeyType::kCosignature;
  const std::uint32_t id = cosigner.verifier().id();
  std::erase_if(note.signatures,
                [&](const ledger::NoteSignature& s) { return s.name == cosigner.name && s.key_id == id; });
  note.signatures.push_back(ledger::cosign_note(note.text, cosigner, now_seconds));
  if (!workspace) return note.format();

  store::Database& db = workspace->store().database();
  MOAT_TRY(store::WriteTransaction transaction, store::WriteTransaction::begin(db));
  MOAT_TRY(const store::TreeHead head, store::tree_head(db));
  MOAT_TRY(const auto why, inconsistency(db, head.size, head.root, check.checkpoint, ""));
  if (why) return integrity("CHECKPOINT", "not cosigning: " + *why);
  MOAT_TRY(const auto stored, store::stored_checkpoints(db));
  for (const store::StoredCheckpoint& s : stored) {
    if (s.size != check.checkpoint.size || s.root != check.checkpoint.root) continue;
    // Keep the stored note's own signatures and add this cosignature to them.
    MOAT_TRY(ledger::SignedNote mine, ledger::parse_note(s.note));
    std::erase_if(mine.signatures,
                  [&](const ledger::NoteSignature& x) { return x.name == cosigner.name && x.key_id == id; });
    mine.signatures.push_back(note.signatures.back());
    MOAT_CHECK(store::update_checkpoint_note(db, s.id, mine.format()));
  }
  MOAT_CHECK(transaction.commit());
  MOAT_CHECK(append_verifier_key(workspace->keys_dir() / kWitnessKeysFile, cosigner.verifier()));
  return note.format();
}

Result<ledger::Proof> inclusion_proof(Workspace& workspace, const SignedCheckpoint& checkpoint,
                                      std::int64_t seq) {
  const auto index = static_cast<std::uint64_t>(seq - 1);
  if (seq < 1 || index >= checkpoint.size) {
    return input_error("SEQ", "event " + std::to_string(seq) + " is not in the checkpoint of " +
                                  std::to_string(checkpoint.size) + " events");
  }
  const std::vector<ledger::Range> ranges = ledger::inclusion_ranges(index, checkpoint.size);
  MOAT_TRY(std::vector<ledger::Hash> path, store::tree_range_hashes(workspace.store().database(), ranges));
  MOAT_TRY(const auto events, workspace.store().events(seq, 1));
  if (events.empty()) return Error(ErrorCode::kNotFound, "SEQ", "there is no event " + std::to_string(seq));
  if (!ledger::verify_inclusion(index, checkpoint.size, ledger::event_leaf(events.front()), path,
                                checkpoint.root)) {
    return integrity("ledger", "the stored tree does not prove event " + std::to_string(seq) +
                                   " in its checkpoint: run 'moat audit verify'");
  }
  return ledger::Proof{index, std::move(path), std::nullopt, checkpoint.note};
}

Result<std::vector<ledger::Hash>> consistency_proof(Workspace& workspace, std::uint64_t old_size,
                                                    std::uint64_t new_size) {
  const std::vector<ledger::Range> ranges = ledger::consistency_ranges(old_size, new_size);
  return store::tree_range_hashes(workspace.store().database(), ranges);
}

Result<std::string> prove_event(Workspace& workspace, const Session& session, std::int64_t seq) {
  if (seq < 1) return input_error("SEQ", "events are numbered from 1");
  MOAT_TRY(const std::int64_t events, ledger_length(workspace.store().database()));
  if (seq > events) {
    return Error(ErrorCode::kNotFound, "SEQ",
                 "there is no event " + std::to_string(seq) + ": the ledger holds " + std::to_string(events));
  }
  MOAT_TRY(const auto stored, list_checkpoints(workspace));
  SignedCheckpoint checkpoint;
  if (!stored.empty() && stored.back().size >= static_cast<std::uint64_t>(seq)) {
    checkpoint = stored.back();
  } else {
    MOAT_TRY(checkpoint, checkpoint_now(workspace, session));
  }
  MOAT_TRY(const ledger::Proof proof, inclusion_proof(workspace, checkpoint, seq));
  return proof.format();
}

Result<TreeAudit> audit_tree(Workspace& workspace, const ledger::TreeVerdict& tree,
                             std::span<const ledger::StoredNode> nodes) {
  TreeAudit audit;
  store::Database& db = workspace.store().database();
  audit.tree = tree;
  if (!audit.tree.ok) return audit;
  MOAT_TRY(const auto stored, store::stored_checkpoints(db));
  const fs::path key_file = workspace.keys_dir() / kKeyFile;
  std::vector<ledger::VerifierKey> keys;
  if (fs::exists(key_file) || !stored.empty()) {
    MOAT_TRY(const LogKeys log, log_keys(workspace));
    keys = log.all;
  }
  for (const store::StoredCheckpoint& checkpoint : stored) {
    ++audit.checkpoints_checked;
    if (auto problem = check_stored(checkpoint, audit.tree, nodes, keys)) audit.problems.push_back(*problem);
  }
  if (!stored.empty()) audit.last_checkpoint = signed_of(stored.back(), false);
  const auto on_file = latest_checkpoint_note(workspace);
  if (!on_file) return audit;
  const ledger::CheckpointCheck check = ledger::check_checkpoint(*on_file, keys);
  if (!check.ok) {
    audit.problems.push_back(std::string(kLatestCheckpointFile) + ": " + check.problem);
  } else if (check.checkpoint.size > audit.tree.size) {
    audit.problems.push_back("the last checkpoint (" + std::string(kLatestCheckpointFile) + ") signed " +
                             std::to_string(check.checkpoint.size) + " events but the tree holds " +
                             std::to_string(audit.tree.size) + ": the ledger and its tree were rolled back");
  } else if (root_at(nodes, check.checkpoint.size) != check.checkpoint.root) {
    audit.problems.push_back("the last checkpoint (" + std::string(kLatestCheckpointFile) + ") of " +
                             std::to_string(check.checkpoint.size) +
                             " events does not match the tree: the tree was rewritten after it was signed");
  }
  return audit;
}

}  // namespace moat::app
