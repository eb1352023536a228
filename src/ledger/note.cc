// SPDX-License-Identifier: Apache-2.0
#include "ledger/note.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "ledger/merkle.h"

namespace moat::ledger {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // em dash (U+2014), space
constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";
constexpr std::string_view kCosignatureHeader = "cosignature/v1\ntime ";
constexpr std::size_t kSignatureBytes = crypto_sign_BYTES;
constexpr std::size_t kTimestampBytes = 8;
constexpr std::size_t kMaxSignatures = 64;

void ensure_sodium() {
  static const int ready = sodium_init();
  if (ready < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string base64(std::string_view data) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(data.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                    kVariant);
  out.pop_back();
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::string big_endian(std::uint64_t value, std::size_t bytes) {
  std::string out;
  for (std::size_t i = bytes; i-- > 0;) out += static_cast<char>((value >> (8 * i)) & 0xFFu);
  return out;
}

std::uint64_t read_big_endian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (const char c : bytes) value = (value << 8) | static_cast<std::uint8_t>(c);
  return value;
}

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::uint32_t key_id(std::string_view name, KeyType type, const PublicKey& key) {
  const Hash digest = sha256(std::string(name) + '\n' + static_cast<char>(type) + std::string(as_text(key)));
  return static_cast<std::uint32_t>(read_big_endian(as_text(std::span(digest).first(4))));
}

std::string hex8(std::uint32_t id) {
  char out[9];
  std::snprintf(out, sizeof out, "%08x", id);
  return out;
}

struct KeyParts {
  std::string name;
  std::uint32_t id = 0;
  KeyType type = KeyType::kEd25519;
  std::string material;
};

// name+hash+base64(type ‖ material), the material 32 bytes.
Result<KeyParts> parse_key_parts(std::string_view text, std::string_view what) {
  const auto bad = [&](const std::string& why) { return input_error(std::string(what), why); };
  // The name holds no '+' and the hash is 8 digits; base64 key data may hold '+'.
  const std::size_t first = text.find('+');
  const std::size_t second = first == std::string_view::npos ? first : text.find('+', first + 1);
  if (first == 0 || second == std::string_view::npos) return bad("is not of the form name+hash+keydata");
  KeyParts parts;
  parts.name = std::string(text.substr(0, first));
  if (!valid_key_name(parts.name)) return bad("has an invalid key name '" + parts.name + "'");
  const std::string_view hash = text.substr(first + 1, second - first - 1);
  if (hash.size() != 8 || hash.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return bad("has a key hash that is not 8 lowercase hex digits");
  }
  parts.id = static_cast<std::uint32_t>(std::stoul(std::string(hash), nullptr, 16));
  const auto data = unbase64(text.substr(second + 1));
  if (!data || data->size() != 33) return bad("has key data that is not base64 of a type byte and 32 bytes");
  const auto type = static_cast<std::uint8_t>((*data)[0]);
  if (type != static_cast<std::uint8_t>(KeyType::kEd25519) &&
      type != static_cast<std::uint8_t>(KeyType::kCosignature)) {
    return bad("has an unsupported key type " + std::to_string(type) +
               " (Ed25519 keys are 1, cosigning keys 4)");
  }
  parts.type = static_cast<KeyType>(type);
  parts.material = data->substr(1);
  return parts;
}

PublicKey public_key_of(const Seed& seed) {
  ensure_sodium();
  PublicKey pk{};
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  sodium_memzero(sk.data(), sk.size());
  return pk;
}

std::string ed25519_sign(std::string_view message, const Seed& seed) {
  ensure_sodium();
  PublicKey pk{};
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  std::string signature(kSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(), sk.data());
  sodium_memzero(sk.data(), sk.size());
  return signature;
}

bool ed25519_verify(std::string_view message, std::string_view signature, const PublicKey& key) {
  ensure_sodium();
  return signature.size() == kSignatureBytes &&
         crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     key.data()) == 0;
}

std::string cosigned_message(std::string_view checkpoint_text, std::uint64_t timestamp) {
  return std::string(kCosignatureHeader) + std::to_string(timestamp) + "\n" + std::string(checkpoint_text);
}

}  // namespace

std::uint32_t VerifierKey::id() const {
  return key_id(name, type, public_key);
}

std::string VerifierKey::text() const {
  return name + "+" + hex8(id()) + "+" +
         base64(std::string(1, static_cast<char>(type)) + std::string(as_text(public_key)));
}

VerifierKey SignerKey::verifier() const {
  return {name, type, public_key_of(seed)};
}

std::string SignerKey::text() const {
  return std::string(kPrivatePrefix) + name + "+" + hex8(verifier().id()) + "+" +
         base64(std::string(1, static_cast<char>(type)) + std::string(as_text(seed)));
}

bool valid_key_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F || c == '+') return false;
  }
  return true;
}

SignerKey signer_from_seed(std::string name, KeyType type, const Seed& seed) {
  return {std::move(name), type, seed};
}

Result<VerifierKey> parse_verifier_key(std::string_view text) {
  MOAT_TRY(const KeyParts parts, parse_key_parts(text, "verifier key"));
  VerifierKey key{parts.name, parts.type, {}};
  std::copy(parts.material.begin(), parts.material.end(), key.public_key.begin());
  if (key.id() != parts.id)
    return input_error("verifier key", "its hash does not match its name and key data");
  return key;
}

Result<SignerKey> parse_signer_key(std::string_view text) {
  if (!text.starts_with(kPrivatePrefix))
    return input_error("signing key", "does not start with PRIVATE+KEY+");
  MOAT_TRY(const KeyParts parts, parse_key_parts(text.substr(kPrivatePrefix.size()), "signing key"));
  SignerKey key{parts.name, parts.type, {}};
  std::copy(parts.material.begin(), parts.material.end(), key.seed.begin());
  if (key.verifier().id() != parts.id)
    return input_error("signing key", "its hash does not match its name and key");
  return key;
}

std::string SignedNote::format() const {
  std::string out = text + "\n";
  for (const NoteSignature& s : signatures) {
    out +=
        std::string(kSignaturePrefix) + s.name + " " + base64(big_endian(s.key_id, 4) + s.signature) + "\n";
  }
  return out;
}

Result<SignedNote> parse_note(std::string_view note) {
  if (!note.ends_with('\n')) return input_error("note", "does not end with a newline");
  for (const char c : note) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n')
      return input_error("note", "holds a control character");
  }
  const std::size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return input_error("note", "has no blank line before its signatures");
  SignedNote parsed;
  parsed.text = std::string(note.substr(0, split + 1));
  std::string_view rest = note.substr(split + 2);
  int line = static_cast<int>(std::count(parsed.text.begin(), parsed.text.end(), '\n')) + 1;
  while (!rest.empty()) {
    ++line;
    const std::size_t end = rest.find('\n');
    const std::string_view text = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    const std::string where = "note:" + std::to_string(line);
    if (!text.starts_with(kSignaturePrefix))
      return input_error(where, "is not a signature line (— name signature)");
    const std::string_view body = text.substr(kSignaturePrefix.size());
    const std::size_t space = body.find(' ');
    if (space == std::string_view::npos || space == 0)
      return input_error(where, "has no key name and signature");
    const auto data = unbase64(body.substr(space + 1));
    if (!data || data->size() < 5)
      return input_error(where, "has a signature that is not base64 of a key ID and signature");
    parsed.signatures.push_back(
        {std::string(body.substr(0, space)),
         static_cast<std::uint32_t>(read_big_endian(std::string_view(*data).substr(0, 4))), data->substr(4)});
    if (parsed.signatures.size() > kMaxSignatures) return input_error(where, "too many signatures");
  }
  if (parsed.signatures.empty()) return input_error("note", "carries no signature");
  return parsed;
}

NoteSignature sign_note(std::string_view text, const SignerKey& key) {
  return {key.name, key.verifier().id(), ed25519_sign(text, key.seed)};
}

NoteSignature cosign_note(std::string_view checkpoint_text, const SignerKey& key, std::uint64_t timestamp) {
  SignerKey cosigner = key;
  cosigner.type = KeyType::kCosignature;
  return {key.name, cosigner.verifier().id(),
          big_endian(timestamp, kTimestampBytes) +
              ed25519_sign(cosigned_message(checkpoint_text, timestamp), key.seed)};
}

SignatureCheck check_signature(std::string_view text, const NoteSignature& signature,
                               std::span<const VerifierKey> keys) {
  for (const VerifierKey& key : keys) {
    if (key.name != signature.name || key.id() != signature.key_id) continue;
    if (key.type == KeyType::kEd25519) {
      return ed25519_verify(text, signature.signature, key.public_key) ? SignatureCheck::kValid
                                                                       : SignatureCheck::kInvalid;
    }
    const auto timestamp = cosignature_time(signature);
    if (!timestamp) return SignatureCheck::kInvalid;
    return ed25519_verify(cosigned_message(text, *timestamp),
                          std::string_view(signature.signature).substr(kTimestampBytes), key.public_key)
               ? SignatureCheck::kValid
               : SignatureCheck::kInvalid;
  }
  return SignatureCheck::kUnknownKey;
}

std::optional<std::uint64_t> cosignature_time(const NoteSignature& signature) {
  if (signature.signature.size() != kTimestampBytes + kSignatureBytes) return std::nullopt;
  return read_big_endian(std::string_view(signature.signature).substr(0, kTimestampBytes));
}

}  // namespace moat::ledger
