// SPDX-License-Identifier: Apache-2.0
// For the legal.ics_parses test: writes an iCalendar file from deadlines with long Chinese and
// Latin text, commas, semicolons, backslashes and newlines, and a JSON file of what each event
// must read back as. Usage: legal_ics_sample OUT.ics OUT.json
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "legal/ics.h"

namespace {

using moat::Date;
using moat::legal::Deadline;

Deadline make(std::string right, std::string title, std::string action, const char* due, bool missed) {
  Deadline d;
  d.right = std::move(right);
  d.rule = "paris-priority-cn-patent";
  d.title = std::move(title);
  d.action = std::move(action);
  d.source = "Paris Convention Art. 4C(1)-(3); 专利法第二十九条, 实施细则第五条";
  d.office = "CN";
  d.nominal = *Date::parse(due);
  d.due = *Date::parse(due);
  d.missed = missed;
  return d;
}

std::vector<Deadline> samples() {
  std::string long_chinese;
  for (int i = 0; i < 12; ++i) long_chinese += "在中国提出申请并要求优先权，";
  return {
      make("US-2024-001", "File in China claiming Paris priority (invention, utility model)",
           "File the Chinese application; claim priority, pay fees; keep the \\ receipt.\nThen record it.",
           "2025-02-05", false),
      make("CN-商标-21", "续展注册商标，宽展期；最后一天", long_chinese, "2025-10-09", false),
      make("EP-3", std::string(120, 'x') + ",;" + "é" + std::string(73, 'y') + "优先权", "short",
           "2024-12-31", true),
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: legal_ics_sample OUT.ics OUT.json\n";
    return 2;
  }
  const std::vector<Deadline> deadlines = samples();
  moat::legal::IcsOptions options;
  options.dtstamp = "2026-01-15T09:30:00Z";
  const auto ics = moat::legal::to_ics(deadlines, options);
  if (!ics.ok()) {
    std::cerr << ics.error().to_string() << "\n";
    return 1;
  }
  std::ofstream(argv[1], std::ios::binary) << *ics;
  nlohmann::json expected = nlohmann::json::array();
  for (const Deadline& d : deadlines) {
    expected.push_back({{"uid", moat::legal::event_uid(d)},
                        {"summary", (d.missed ? "MISSED: " : "") + d.title + " (" + d.right + ")"},
                        {"start", d.due.to_string()},
                        {"action", d.action},
                        {"source", d.source},
                        {"alarm", !d.missed}});
  }
  std::ofstream(argv[2], std::ios::binary) << expected.dump(2);
  return 0;
}
