// SPDX-License-Identifier: Apache-2.0
#include "ledger/chain.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace moat::ledger {
namespace {

constexpr std::string_view kDomain = "moat.ledger.v1\n";
constexpr std::size_t kHashBytes = 32;
constexpr std::string_view kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

void append_u64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out += static_cast<char>((value >> shift) & 0xFFu);
  }
}

void append_field(std::string& out, std::string_view field) {
  const auto length = static_cast<std::uint32_t>(field.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += static_cast<char>((length >> shift) & 0xFFu);
  }
  out += field;
}

void append_optional(std::string& out, const std::optional<std::string>& field) {
  out += field ? '\x01' : '\x00';
  if (field) append_field(out, *field);
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    hex += kDigits[bytes[i] >> 4];
    hex += kDigits[bytes[i] & 0x0F];
  }
  return hex;
}

// BLAKE2b-256 of `bytes`.
std::array<unsigned char, kHashBytes> blake2b(std::string_view bytes) {
  static const int sodium_ready = sodium_init();  // idempotent, thread-safe; < 0 only if broken
  if (sodium_ready < 0) throw std::runtime_error("libsodium failed to initialise");
  std::array<unsigned char, kHashBytes> digest{};
  if (crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                         bytes.size(), nullptr, 0) != 0) {
    throw std::runtime_error("BLAKE2b failed");  // only on invalid sizes: a fault of ours
  }
  return digest;
}

// Whether `hex` is the lowercase hex of the hash of `encoding`, without a string made for it.
bool hash_is(std::string_view encoding, std::string_view hex) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  if (hex.size() != kHashBytes * 2) return false;
  const auto digest = blake2b(encoding);
  for (std::size_t i = 0; i < kHashBytes; ++i) {
    if (hex[2 * i] != kDigits[digest[i] >> 4] || hex[2 * i + 1] != kDigits[digest[i] & 0x0F]) return false;
  }
  return true;
}

Verdict fault(const Verdict& so_far, std::int64_t seq, std::string problem) {
  Verdict verdict = so_far;
  verdict.ok = false;
  verdict.first_bad = seq;
  verdict.problem = std::move(problem);
  return verdict;
}

std::string event_name(std::int64_t seq) {
  return "event " + std::to_string(seq);
}

}  // namespace

std::string_view genesis_hash() {
  return kGenesis;
}

void encode_into(const Event& event, std::string& out) {
  out.assign(kDomain);
  append_u64(out, static_cast<std::uint64_t>(event.seq));
  append_field(out, event.at);
  append_field(out, event.actor);
  append_field(out, event.action);
  append_field(out, event.entity);
  append_field(out, event.key);
  append_optional(out, event.before);
  append_optional(out, event.after);
  append_field(out, event.prev_hash);
}

std::string canonical_encoding(const Event& event) {
  std::string out;
  encode_into(event, out);
  return out;
}

std::string compute_hash(const Event& event) {
  const auto digest = blake2b(canonical_encoding(event));
  return to_hex(digest.data(), digest.size());
}

Event seal(Event event, const Event* previous) {
  event.seq = previous ? previous->seq + 1 : 1;
  event.prev_hash = previous ? previous->hash : std::string(kGenesis);
  event.hash = compute_hash(event);
  return event;
}

bool ChainCheck::add(const Event& event, std::string_view encoding) {
  if (!verdict_.ok) return false;
  if (event.seq != next_seq_) {
    const std::string what = event.seq > next_seq_ ? "is missing or out of place (the next stored event is " +
                                                         std::to_string(event.seq) + ")"
                                                   : "is out of order (found " + std::to_string(event.seq) +
                                                         " after " + std::to_string(next_seq_ - 1) + ")";
    verdict_ = fault(verdict_, next_seq_, event_name(next_seq_) + " " + what);
    return false;
  }
  if (event.prev_hash != previous_hash_) {
    verdict_ = fault(verdict_, event.seq,
                     event_name(event.seq) + " does not follow " + event_name(event.seq - 1) +
                         ": its previous-hash differs (an event was removed, inserted or reordered)");
    return false;
  }
  if (!hash_is(encoding, event.hash)) {
    verdict_ = fault(verdict_, event.seq,
                     event_name(event.seq) + " was altered: its contents no longer match its hash");
    return false;
  }
  if (witness_ && event.seq == witness_->seq) witnessed_matches_ = event.hash == witness_->hash;
  previous_hash_ = event.hash;
  ++next_seq_;
  ++verdict_.events_checked;
  return true;
}

Verdict ChainCheck::verdict() const {
  if (!verdict_.ok || !witness_ || witness_->seq <= 0)
    return verdict_;  // no witness that could name an event
  const std::int64_t last = next_seq_ - 1;
  if (witness_->seq > last) {
    return fault(verdict_, last + 1,
                 "the ledger ends at " + event_name(last) + " but its witness records " +
                     event_name(witness_->seq) + ": events were removed from the end");
  }
  if (!witnessed_matches_) {
    return fault(verdict_, witness_->seq,
                 event_name(witness_->seq) + " differs from the witness: the chain was rewritten");
  }
  return verdict_;
}

Verdict verify(std::span<const Event> events, const std::optional<Witness>& witness) {
  ChainCheck check(witness);
  for (const Event& event : events) {
    if (!check.add(event)) break;
  }
  return check.verdict();
}

}  // namespace moat::ledger
