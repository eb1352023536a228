// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the CSV readers: the RFC 4180 scanner and the record reader of every
// kind. Any input must give records or located errors — never a crash, a hang or a sanitizer
// report — and a parsed table must keep its promise that every row has the header's width.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "app/records.h"
#include "core/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const moat::Result<moat::CsvTable> table = moat::parse_csv(text, "fuzz.csv");
  if (table.ok()) {
    for (const moat::CsvRow& row : table->rows) {
      if (row.fields.size() != table->header.fields.size()) std::abort();
    }
  } else if (table.error().where().rfind("fuzz.csv:", 0) != 0) {
    std::abort();  // every CSV error names its place
  }
  const moat::CapabilityCatalog catalog;
  const moat::app::SourceFile file{"fuzz.csv", text};
  for (const moat::store::Table& kind : moat::store::tables()) {
    (void)moat::app::read_csv_records(file, kind, std::string("fuzzed"), catalog);
  }
  return 0;
}
