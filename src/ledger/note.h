// SPDX-License-Identifier: Apache-2.0
// Signed notes (c2sp.org/signed-note) with Ed25519 keys: the envelope of moat's checkpoints and
// of the cosignatures witnesses add to them. Keys are written as Go's golang.org/x/mod/sumdb/note
// writes them — a verifier key `name+hash+base64(type ‖ public key)`, a signer key
// `PRIVATE+KEY+name+hash+base64(type ‖ seed)` — so that other tools read them. Pure: seeds come
// from the caller (the app draws them from the system's randomness).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace moat::ledger {

// The signature types of c2sp.org/signed-note this code signs and verifies.
enum class KeyType : std::uint8_t {
  kEd25519 = 0x01,      // a log's own signature over a note
  kCosignature = 0x04,  // c2sp.org/tlog-cosignature/v1 (timestamped Ed25519)
};

using PublicKey = std::array<std::uint8_t, 32>;
using Seed = std::array<std::uint8_t, 32>;

struct VerifierKey {
  std::string name;
  KeyType type = KeyType::kEd25519;
  PublicKey public_key{};
  std::uint32_t id() const;  // SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], big-endian
  std::string text() const;  // name+hash+keydata
  bool operator==(const VerifierKey&) const = default;
};

struct SignerKey {
  std::string name;
  KeyType type = KeyType::kEd25519;
  Seed seed{};
  VerifierKey verifier() const;
  std::string text() const;  // PRIVATE+KEY+name+hash+keydata
};

// A key name is non-empty, valid UTF-8, without spaces, '+' or control characters.
bool valid_key_name(std::string_view name);

SignerKey signer_from_seed(std::string name, KeyType type, const Seed& seed);
// Errors (kInput) say what is wrong with the text.
Result<VerifierKey> parse_verifier_key(std::string_view text);
Result<SignerKey> parse_signer_key(std::string_view text);

struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  std::string signature;  // the bytes after the key ID
};

struct SignedNote {
  std::string text;  // ends in a newline
  std::vector<NoteSignature> signatures;
  std::string format() const;
};

// Splits a note into its text and signature lines. Errors (kInput) name the line at fault.
Result<SignedNote> parse_note(std::string_view note);

// An Ed25519 signature (type 0x01) over the note's text.
NoteSignature sign_note(std::string_view text, const SignerKey& key);
// A c2sp.org/tlog-cosignature/v1 over a checkpoint's text at `timestamp` (POSIX seconds).
NoteSignature cosign_note(std::string_view checkpoint_text, const SignerKey& key, std::uint64_t timestamp);

enum class SignatureCheck { kValid, kInvalid, kUnknownKey };
// Checks one signature line against the keys: kUnknownKey when no key has its name and ID.
SignatureCheck check_signature(std::string_view text, const NoteSignature& signature,
                               std::span<const VerifierKey> keys);
// The timestamp a cosignature carries (nullopt when it is not 72 bytes long).
std::optional<std::uint64_t> cosignature_time(const NoteSignature& signature);

}  // namespace moat::ledger
