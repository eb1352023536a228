// SPDX-License-Identifier: Apache-2.0
// The ledger's hash chain: every event's hash is BLAKE2b-256 over its canonical encoding, which
// includes the previous event's hash, so that altering, removing, inserting or reordering any
// event breaks every hash after it. Pure: events in, verdicts out; storing them is the store's
// job. The encoding is written down in docs/ledger.md.
//
// What the chain alone cannot show is that the newest events were cut off the end; a witness
// (the last sequence number and hash, kept outside the database) closes that gap.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace moat::ledger {

struct Event {
  std::int64_t seq = 0;               // 1, 2, 3, ... with no gaps
  std::string at;                     // UTC, ISO 8601 with milliseconds: 2026-11-25T03:54:26.123Z
  std::string actor;                  // who did it
  std::string action;                 // "put", "remove", "import", "sign-in", ...
  std::string entity;                 // table or subject kind: "suppliers", "session", ...
  std::string key;                    // the entity's key, parts joined by '/'
  std::optional<std::string> before;  // canonical JSON of the entity before, if it existed
  std::optional<std::string> after;   // ... and after, if it still exists
  std::string prev_hash;              // hex; the genesis value for seq 1
  std::string hash;                   // hex; over canonical_encoding(*this)
};

// 64 hex zeros: what the first event names as its predecessor.
std::string_view genesis_hash();

// The bytes that are hashed: everything but `hash` itself (see docs/ledger.md).
std::string canonical_encoding(const Event& event);
// The same, written over `out` (its capacity kept): for a reader that encodes many events.
void encode_into(const Event& event, std::string& out);

// BLAKE2b-256 of canonical_encoding(event), as lowercase hex.
std::string compute_hash(const Event& event);

// Fills `seq`, `prev_hash` and `hash` so that `event` follows `previous` (nullptr: the first).
Event seal(Event event, const Event* previous);

struct Witness {
  std::int64_t seq = 0;
  std::string hash;
};

struct Verdict {
  bool ok = true;
  std::int64_t events_checked = 0;
  std::optional<std::int64_t> first_bad;  // the seq of the first event found wrong
  std::string problem;                    // what is wrong with it, for a person
};

// Checks `events` (as stored, in ascending seq order) from the genesis on; stops at the first
// fault. With a witness, also checks that the chain reaches it and agrees with it.
Verdict verify(std::span<const Event> events, const std::optional<Witness>& witness = std::nullopt);

// The same check one event at a time, for a reader that streams the events rather than holding
// them: `add` each stored event in the order read, then `verdict()` is what `verify` gives for
// all of them. Keeps nothing of an event but its hash.
class ChainCheck {
 public:
  explicit ChainCheck(std::optional<Witness> witness = std::nullopt) : witness_(std::move(witness)) {}
  // The next stored event and its canonical encoding (encode_into). False once the chain is
  // found broken: the events after the first fault are not looked at.
  bool add(const Event& event, std::string_view encoding);
  bool add(const Event& event) { return add(event, canonical_encoding(event)); }
  // The verdict on the events added, with the witness checked against them.
  Verdict verdict() const;

 private:
  std::optional<Witness> witness_;
  Verdict verdict_;
  std::string previous_hash_ = std::string(genesis_hash());
  std::int64_t next_seq_ = 1;
  bool witnessed_matches_ = false;  // the event the witness names had the witness's hash
};

}  // namespace moat::ledger
