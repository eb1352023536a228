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

std::string canonical_encoding(const Event& event) {
  std::string out(kDomain);
  append_u64(out, static_cast<std::uint64_t>(event.seq));
  append_field(out, event.at);
  append_field(out, event.actor);
  append_field(out, event.action);
  append_field(out, event.entity);
  append_field(out, event.key);
  append_optional(out, event.before);
  append_optional(out, event.after);
  append_field(out, event.prev_hash);
  return out;
}

std::string compute_hash(const Event& event) {
  static const int sodium_ready = sodium_init();  // idempotent, thread-safe; < 0 only if broken
  if (sodium_ready < 0) throw std::runtime_error("libsodium failed to initialise");
  const std::string encoding = canonical_encoding(event);
  std::array<unsigned char, kHashBytes> digest{};
  if (crypto_generichash(digest.data(), digest.size(),
                         reinterpret_cast<const unsigned char*>(encoding.data()), encoding.size(), nullptr,
                         0) != 0) {
    throw std::runtime_error("BLAKE2b failed");  // only on invalid sizes: a fault of ours
  }
  return to_hex(digest.data(), digest.size());
}

Event seal(Event event, const Event* previous) {
  event.seq = previous ? previous->seq + 1 : 1;
  event.prev_hash = previous ? previous->hash : std::string(kGenesis);
  event.hash = compute_hash(event);
  return event;
}

Verdict verify(std::span<const Event> events, const std::optional<Witness>& witness) {
  Verdict verdict;
  std::string_view expected_prev = kGenesis;
  std::int64_t expected_seq = 1;
  for (const Event& event : events) {
    if (event.seq != expected_seq) {
      const std::string what =
          event.seq > expected_seq
              ? "is missing or out of place (the next stored event is " + std::to_string(event.seq) + ")"
              : "is out of order (found " + std::to_string(event.seq) + " after " +
                    std::to_string(expected_seq - 1) + ")";
      return fault(verdict, expected_seq, event_name(expected_seq) + " " + what);
    }
    if (event.prev_hash != expected_prev) {
      return fault(verdict, event.seq,
                   event_name(event.seq) + " does not follow " + event_name(event.seq - 1) +
                       ": its previous-hash differs (an event was removed, inserted or reordered)");
    }
    if (compute_hash(event) != event.hash) {
      return fault(verdict, event.seq,
                   event_name(event.seq) + " was altered: its contents no longer match its hash");
    }
    expected_prev = event.hash;
    ++expected_seq;
    ++verdict.events_checked;
  }
  if (!witness || witness->seq <= 0) return verdict;  // no witness yet (or none that could name an event)
  const std::int64_t last = expected_seq - 1;
  if (witness->seq > last) {
    return fault(verdict, last + 1,
                 "the ledger ends at " + event_name(last) + " but its witness records " +
                     event_name(witness->seq) + ": events were removed from the end");
  }
  const Event& witnessed = events[static_cast<std::size_t>(witness->seq - 1)];
  if (witnessed.hash != witness->hash) {
    return fault(verdict, witness->seq,
                 event_name(witness->seq) + " differs from the witness: the chain was rewritten");
  }
  return verdict;
}

}  // namespace moat::ledger
