// SPDX-License-Identifier: Apache-2.0
#include "ledger/checkpoint.h"

#include <charconv>
#include <cstdio>

namespace moat::ledger {
namespace {

constexpr std::string_view kProofHeader = "c2sp.org/tlog-proof@v1";

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// A decimal without a leading zero (unless it is "0").
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string key_label(const NoteSignature& s) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", s.key_id);
  return s.name + "+" + hex;
}

}  // namespace

std::string Checkpoint::text() const {
  std::string out = origin + "\n" + std::to_string(size) + "\n" + to_base64(root) + "\n";
  for (const std::string& line : extensions) out += line + "\n";
  return out;
}

Result<Checkpoint> parse_checkpoint(std::string_view text) {
  if (!text.ends_with('\n')) return input_error("checkpoint", "does not end with a newline");
  const std::vector<std::string_view> lines = lines_of(text.substr(0, text.size() - 1));
  if (lines.size() < 3) return input_error("checkpoint", "needs an origin, a tree size and a root hash");
  Checkpoint checkpoint;
  checkpoint.origin = std::string(lines[0]);
  if (checkpoint.origin.empty()) return input_error("checkpoint:1", "the origin is empty");
  const auto size = parse_decimal(lines[1]);
  if (!size) return input_error("checkpoint:2", "the tree size is not a decimal number");
  checkpoint.size = *size;
  const auto root = hash_from_base64(lines[2]);
  if (!root) return input_error("checkpoint:3", "the root hash is not base64 of 32 bytes");
  checkpoint.root = *root;
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty())
      return input_error("checkpoint:" + std::to_string(i + 1), "an extension line is empty");
    checkpoint.extensions.emplace_back(lines[i]);
  }
  return checkpoint;
}

Result<SignedNote> sign_checkpoint(const Checkpoint& checkpoint, const SignerKey& key) {
  if (checkpoint.origin != key.name) {
    return input_error("checkpoint", "the origin '" + checkpoint.origin +
                                         "' is not the signing key's name '" + key.name + "'");
  }
  SignedNote note{checkpoint.text(), {}};
  note.signatures.push_back(sign_note(note.text, key));
  return note;
}

CheckpointCheck check_checkpoint(std::string_view note_text, std::span<const VerifierKey> log_keys,
                                 std::span<const VerifierKey> witness_keys) {
  CheckpointCheck check;
  auto note = parse_note(note_text);
  if (!note.ok()) {
    check.problem = "the checkpoint is not a signed note: " + note.error().to_string();
    return check;
  }
  auto checkpoint = parse_checkpoint(note->text);
  if (!checkpoint.ok()) {
    check.problem = "the checkpoint is malformed: " + checkpoint.error().to_string();
    return check;
  }
  check.checkpoint = *checkpoint;
  std::vector<std::string> unknown;
  for (const NoteSignature& signature : note->signatures) {
    const bool by_log = signature.name == check.checkpoint.origin &&
                        check_signature(note->text, signature, log_keys) != SignatureCheck::kUnknownKey;
    const SignatureCheck result = by_log ? check_signature(note->text, signature, log_keys)
                                         : check_signature(note->text, signature, witness_keys);
    if (result == SignatureCheck::kInvalid) {
      check.problem = "the signature by " + key_label(signature) +
                      " does not verify: the checkpoint was forged or altered";
      return check;
    }
    if (result == SignatureCheck::kUnknownKey) unknown.push_back(key_label(signature));
    if (result == SignatureCheck::kValid)
      (by_log ? check.signed_by : check.cosigned_by).push_back(key_label(signature));
  }
  if (check.signed_by.empty()) {
    std::string list;
    for (const std::string& name : unknown) list += (list.empty() ? "" : ", ") + name;
    check.problem = "the checkpoint is not signed by any of the log's keys (it is signed by " + list + ")";
    return check;
  }
  check.ok = true;
  return check;
}

std::string Proof::format() const {
  std::string out = std::string(kProofHeader) + "\n";
  if (extra) out += "extra " + *extra + "\n";
  out += "index " + std::to_string(index) + "\n";
  for (const Hash& hash : path) out += to_base64(hash) + "\n";
  return out + "\n" + checkpoint;
}

Result<Proof> parse_proof(std::string_view text) {
  const std::size_t blank = text.find("\n\n");
  if (blank == std::string_view::npos) return input_error("proof", "has no blank line before its checkpoint");
  const std::vector<std::string_view> lines = lines_of(text.substr(0, blank));
  if (lines.empty() || lines[0] != kProofHeader)
    return input_error("proof:1", "is not " + std::string(kProofHeader));
  Proof proof;
  std::size_t i = 1;
  if (i < lines.size() && lines[i].starts_with("extra ")) proof.extra = std::string(lines[i++].substr(6));
  if (i >= lines.size() || !lines[i].starts_with("index ")) {
    return input_error("proof:" + std::to_string(i + 1), "expected the line 'index N'");
  }
  const auto index = parse_decimal(lines[i].substr(6));
  if (!index) return input_error("proof:" + std::to_string(i + 1), "the index is not a decimal number");
  proof.index = *index;
  for (++i; i < lines.size(); ++i) {
    const auto hash = hash_from_base64(lines[i]);
    if (!hash) return input_error("proof:" + std::to_string(i + 1), "is not base64 of a 32-byte hash");
    proof.path.push_back(*hash);
  }
  proof.checkpoint = std::string(text.substr(blank + 2));
  if (proof.checkpoint.empty()) return input_error("proof", "holds no checkpoint");
  return proof;
}

}  // namespace moat::ledger
