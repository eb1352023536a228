// SPDX-License-Identifier: Apache-2.0
// Differential libFuzzer target for the planner's instance readers: parse_instance() (simdjson's
// fast reader, which gives up at the first thing to explain, then the full reader) must give
// exactly what the full reader alone gives — the same instance, or the same errors — on any input,
// and the same keys ignored (in an object's order of the text or of the tree: compared as sets, a
// key given twice counted once).
// A difference, a crash or a sanitizer report ends the run.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "plan/instance.h"
#include "plan/instance_reader.h"

namespace {

std::string errors_of(const moat::Error& error) {
  std::string out;
  for (const moat::Diagnostic& d : error.diagnostics()) out += d.where + ": " + d.message + "\n";
  return out;
}

std::set<std::string> ignored(const moat::plan::Instance& instance) {
  return {instance.ignored_keys.begin(), instance.ignored_keys.end()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto either = moat::plan::parse_instance(text, "fuzz.json");
  const auto full = moat::plan::read_instance_fully(text, "fuzz.json");
  if (either.ok() != full.ok()) std::abort();  // one accepted what the other refused
  if (either.ok()) {
    if (moat::plan::instance_json(*either) != moat::plan::instance_json(*full)) std::abort();
    if ((either->ignored_key_count == 0) != (full->ignored_key_count == 0)) std::abort();
    const bool all_kept = either->ignored_key_count <= moat::plan::kMostIgnoredKeys &&
                          full->ignored_key_count <= moat::plan::kMostIgnoredKeys;
    if (all_kept && ignored(*either) != ignored(*full)) std::abort();
  } else if (errors_of(either.error()) != errors_of(full.error())) {
    std::abort();
  }
  return 0;
}
