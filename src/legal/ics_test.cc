// SPDX-License-Identifier: Apache-2.0
#include "legal/ics.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/text.h"
#include "legal/legal_testing.h"

namespace moat::legal {
namespace {

using testing::day;

Deadline deadline(std::string right, std::string title, const char* due) {
  Deadline d;
  d.right = std::move(right);
  d.rule = "paris-priority-cn-patent";
  d.title = std::move(title);
  d.action = "File in China; claim priority";
  d.source = "Paris Convention Art. 4C";
  d.office = "CN";
  d.nominal = day(due);
  d.due = day(due);
  return d;
}

IcsOptions options() {
  IcsOptions o;
  o.dtstamp = "2026-01-15T09:30:00.123Z";
  return o;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  EXPECT_EQ(start, text.size()) << "text after the last CRLF";
  return lines;
}

TEST(Ics, EscapesTextSpecials) {
  EXPECT_EQ(escape_text("a\\b;c,d\ne\rf"), "a\\\\b\\;c\\,d\\ne f");
}

TEST(Ics, FoldsAt75OctetsWithoutSplittingUtf8) {
  std::string line = "DESCRIPTION:";
  for (int i = 0; i < 40; ++i) line += "优先权";  // 3 octets each character
  const std::string folded = fold_line(line);
  for (const std::string& piece : lines_of(folded)) {
    EXPECT_LE(piece.size(), 75U);
    EXPECT_FALSE(first_invalid_utf8(piece.starts_with(' ') ? piece.substr(1) : piece).has_value()) << piece;
  }
  std::string unfolded;
  for (const std::string& piece : lines_of(folded))
    unfolded += piece.starts_with(' ') ? piece.substr(1) : piece;
  EXPECT_EQ(unfolded, line);
}

TEST(Ics, ShortLineIsNotFolded) {
  EXPECT_EQ(fold_line("VERSION:2.0"), "VERSION:2.0\r\n");
}

TEST(Ics, WritesOneAllDayEventPerDeadline) {
  const auto ics = to_ics(
      {deadline("US-1", "File in China", "2025-02-05"), deadline("US-2", "Renew", "2025-03-06")}, options());
  ASSERT_TRUE(ics.ok()) << ics.error().to_string();
  const std::vector<std::string> lines = lines_of(*ics);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  EXPECT_NE(ics->find("VERSION:2.0\r\n"), std::string::npos);
  EXPECT_NE(ics->find("PRODID:"), std::string::npos);
  EXPECT_NE(ics->find("DTSTART;VALUE=DATE:20250205\r\nDTEND;VALUE=DATE:20250206\r\n"), std::string::npos);
  EXPECT_NE(ics->find("DTSTAMP:20260115T093000Z\r\n"), std::string::npos);
  EXPECT_NE(ics->find("SUMMARY:File in China (US-1)\r\n"), std::string::npos);
  EXPECT_NE(ics->find("TRIGGER:-P14D\r\n"), std::string::npos);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "BEGIN:VEVENT"), 2);
}

TEST(Ics, MissedDeadlineSaysSoAndHasNoReminder) {
  Deadline missed = deadline("US-1", "File in China", "2025-02-05");
  missed.missed = true;
  const auto ics = to_ics({missed}, options());
  ASSERT_TRUE(ics.ok());
  EXPECT_NE(ics->find("SUMMARY:MISSED: File in China (US-1)"), std::string::npos);
  EXPECT_EQ(ics->find("VALARM"), std::string::npos);
}

TEST(Ics, UidIsStableAndDistinct) {
  const Deadline a = deadline("US-1", "x", "2025-02-05");
  EXPECT_EQ(event_uid(a), event_uid(deadline("US-1", "other title", "2025-02-05")));
  EXPECT_NE(event_uid(a), event_uid(deadline("US-2", "x", "2025-02-05")));
  EXPECT_NE(event_uid(a), event_uid(deadline("US-1", "x", "2025-02-06")));
  EXPECT_TRUE(event_uid(a).ends_with("@moat"));
}

TEST(Ics, SameInputGivesTheSameBytes) {
  const std::vector<Deadline> all = {deadline("US-1", "x", "2025-02-05")};
  EXPECT_EQ(to_ics(all, options()).value(), to_ics(all, options()).value());
}

TEST(Ics, RejectsAMalformedStamp) {
  IcsOptions bad = options();
  for (const char* stamp : {"", "2026-01-15", "2026-01-15T09:30:00", "2026-01-15 09:30:00Z",
                            "2026-13-15T09:30:00Z", "2026-01-15T24:00:00Z", "2026-01-15T09:60:00Z"}) {
    bad.dtstamp = stamp;
    EXPECT_FALSE(to_ics({}, bad).ok()) << stamp;
  }
}

TEST(Ics, DescriptionExplainsAMovedDueDate) {
  Deadline moved = deadline("US-1", "File in China", "2025-02-05");
  moved.nominal = day("2025-01-28");
  const auto ics = to_ics({moved}, options());
  ASSERT_TRUE(ics.ok());
  std::string unfolded;
  for (const std::string& line : lines_of(*ics))
    unfolded += line.starts_with(' ') ? line.substr(1) : "\n" + line;
  EXPECT_NE(unfolded.find("period ends 2025-01-28\\, a day the CN office is closed"), std::string::npos)
      << unfolded;
}

}  // namespace
}  // namespace moat::legal
