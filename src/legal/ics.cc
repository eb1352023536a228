// SPDX-License-Identifier: Apache-2.0
#include "legal/ics.h"

#include <cstdint>
#include <cstdio>

namespace moat::legal {
namespace {

constexpr std::size_t kMaxLineOctets = 75;  // RFC 5545 3.1, without the CRLF
constexpr std::string_view kCrlf = "\r\n";
constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = kFnvOffset;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

std::string basic_date(Date date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d%02u%02u", date.year(), date.month(), date.day());
  return buffer;
}

// "2026-01-15T09:30:00Z" or with fractions → "20260115T093000Z"; empty when malformed.
std::string basic_timestamp(std::string_view iso) {
  if (iso.size() < 20 || iso[10] != 'T' || iso[13] != ':' || iso[16] != ':' || iso.back() != 'Z') return {};
  const auto date = Date::parse(iso.substr(0, 10));
  if (!date) return {};
  std::string time;
  for (const std::size_t at : {11U, 12U, 14U, 15U, 17U, 18U}) {
    if (iso[at] < '0' || iso[at] > '9') return {};
    time += iso[at];
  }
  if (iso.size() > 20 && iso[19] != '.') return {};
  if (time.substr(0, 2) > "23" || time.substr(2, 2) > "59" || time.substr(4, 2) > "60")
    return {};  // 60: leap second
  return basic_date(*date) + "T" + time + "Z";
}

std::string summary(const Deadline& deadline) {
  return std::string(deadline.missed ? "MISSED: " : "") + deadline.title + " (" + deadline.right + ")";
}

std::string description(const Deadline& deadline) {
  std::string text = deadline.action + "\nDue " + deadline.due.to_string();
  if (deadline.due != deadline.nominal) {
    text += " (period ends " + deadline.nominal.to_string() + ", a day the " + deadline.office +
            " office is closed)";
  }
  if (deadline.opens) text += "\nWindow opens " + deadline.opens->to_string();
  if (!deadline.note.empty()) text += "\nNote: " + deadline.note;
  return text + "\nRule: " + deadline.rule + "\nSource: " + deadline.source;
}

void add(std::string& out, std::string_view name, std::string_view value) {
  out += fold_line(std::string(name) + ":" + std::string(value));
}

void add_event(std::string& out, const Deadline& deadline, const std::string& stamp, int alarm_days) {
  add(out, "BEGIN", "VEVENT");
  add(out, "UID", event_uid(deadline));
  add(out, "DTSTAMP", stamp);
  add(out, "DTSTART;VALUE=DATE", basic_date(deadline.due));
  add(out, "DTEND;VALUE=DATE", basic_date(add_days(deadline.due, 1)));
  add(out, "SUMMARY", escape_text(summary(deadline)));
  add(out, "DESCRIPTION", escape_text(description(deadline)));
  add(out, "CATEGORIES", escape_text(category_name(deadline.category)));
  add(out, "TRANSP", "TRANSPARENT");
  if (alarm_days > 0 && !deadline.missed) {
    add(out, "BEGIN", "VALARM");
    add(out, "ACTION", "DISPLAY");
    add(out, "DESCRIPTION", escape_text(summary(deadline)));
    add(out, "TRIGGER", "-P" + std::to_string(alarm_days) + "D");
    add(out, "END", "VALARM");
  }
  add(out, "END", "VEVENT");
}

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += (static_cast<unsigned char>(c) < 0x20U || c == 0x7F) ? ' ' : c;
    }
  }
  return out;
}

std::string fold_line(std::string_view line) {
  std::string out;
  std::size_t limit = kMaxLineOctets;  // continuation lines lose one octet to the leading space
  while (line.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && is_continuation_byte(line[cut])) --cut;
    if (cut == 0) cut = limit;  // not UTF-8: cut anywhere rather than loop
    out.append(line.substr(0, cut)).append(kCrlf).append(" ");
    line.remove_prefix(cut);
    limit = kMaxLineOctets - 1;
  }
  return out.append(line).append(kCrlf);
}

std::string event_uid(const Deadline& deadline) {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(
                    fnv1a(deadline.right + '\x1f' + deadline.rule + '\x1f' + deadline.due.to_string())));
  return basic_date(deadline.due) + "-" + hash + "@moat";
}

Result<std::string> to_ics(const std::vector<Deadline>& deadlines, const IcsOptions& options) {
  const std::string stamp = basic_timestamp(options.dtstamp);
  if (stamp.empty())
    return input_error("dtstamp",
                       "expected a UTC time like 2026-01-15T09:30:00Z, got '" + options.dtstamp + "'");
  std::string out;
  add(out, "BEGIN", "VCALENDAR");
  add(out, "VERSION", "2.0");
  add(out, "PRODID", options.prodid);
  add(out, "CALSCALE", "GREGORIAN");
  add(out, "METHOD", "PUBLISH");
  add(out, "X-WR-CALNAME", escape_text(options.calendar_name));
  for (const Deadline& deadline : deadlines) add_event(out, deadline, stamp, options.alarm_days_before);
  add(out, "END", "VCALENDAR");
  return out;
}

}  // namespace moat::legal
