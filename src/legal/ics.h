// SPDX-License-Identifier: Apache-2.0
// Deadlines as an iCalendar file (RFC 5545) that calendar apps import: one all-day event per
// deadline on its due date, with the action and the rule's source in the description and a
// reminder before it. Output is deterministic — the same deadlines and stamp give the same
// bytes — because UIDs come from right, rule and due date and the stamp is passed in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "legal/deadlines.h"

namespace moat::legal {

struct IcsOptions {
  std::string dtstamp;  // when the file is made, UTC: "2026-01-15T09:30:00Z" (fractions ignored)
  std::string prodid = "-//moat//IP deadlines//EN";
  std::string calendar_name = "moat IP deadlines";
  int alarm_days_before = 14;  // a reminder this many days before; 0 for none (missed ones get none)
};

// The calendar, CRLF-terminated and folded at 75 octets. Fails (kInput) only when `dtstamp`
// is not an ISO 8601 UTC date-time.
Result<std::string> to_ics(const std::vector<Deadline>& deadlines, const IcsOptions& options);

// RFC 5545 TEXT escaping: backslash, semicolon, comma and newline; other control characters
// (CR included) become spaces.
std::string escape_text(std::string_view text);
// One content line folded at 75 octets, never inside a UTF-8 sequence, each piece ending CRLF.
std::string fold_line(std::string_view line);
// A stable UID for one deadline.
std::string event_uid(const Deadline& deadline);

}  // namespace moat::legal
