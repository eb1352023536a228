// SPDX-License-Identifier: Apache-2.0
// The planner's contract (DESIGN.md, "The planner's contract"): the instance it reads and the
// plan it writes, as plain values, with their JSON forms. Outside tools read and check these
// files, so the field names and meanings here are fixed by the contract, not by moat.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "plan/deadline.h"

namespace moat::plan {

struct Policy {
  int collusion = 1;                // coalitions of up to this many untrusted parties
  double max_exposure_share = 1.0;  // of the total secret weight, per untrusted party
  bool allow_conditional = false;
};

struct Secret {
  std::string id;
  double weight = 1;
};

struct Derive {
  std::vector<std::string> from;
  std::string gives;
};

struct Recipe {
  std::string id;
  std::vector<std::string> secrets;
};

struct Package {
  std::string id;
  std::string capability;
  std::vector<std::string> exposes;
  double volume = 0;
  int sources = 1;
};

struct Supplier {
  std::string id;
  std::string party;
  std::vector<std::string> capabilities;
  double capacity = 0;
  std::string status = "qualified";
  bool trusted = false;
  std::optional<double> max_exposure_share;
};

struct Quote {
  std::string package;
  std::string supplier;
  double unit_cost = 0;
  double fixed_cost = 0;
};

// A quote's package and supplier by their positions in the instance's lists.
struct QuoteRef {
  std::uint32_t package = 0;
  std::uint32_t supplier = 0;
};

struct Instance {
  Policy policy;
  std::vector<Secret> secrets;
  std::vector<Derive> derives;
  std::vector<Recipe> recipes;  // empty: one recipe of all secrets
  std::vector<Package> packages;
  std::vector<Supplier> suppliers;
  std::vector<Quote> quotes;
  // Not part of the contract (never written or read as JSON): each quote's references as the
  // reader resolved them while checking them, so that compiling a million quotes does not look
  // their ids up a second time. Empty when not resolved; a quote's entry is used only where the
  // ids at its positions are still the quote's, so an instance changed since is compiled right.
  std::vector<QuoteRef> quote_refs;
  // Not part of the contract either: where the text had keys this moat does not read, as JSON
  // pointers (the first kMostIgnoredKeys the reader met), and how many there were. Such keys
  // are ignored (a newer moat's, or the user's notes), and so is a misspelt one ("colusion"),
  // which is why `moat plan --instance` names them.
  std::vector<std::string> ignored_keys;
  std::size_t ignored_key_count = 0;
  // Not part of the contract either: quotes a workspace left out because they lapsed before the
  // day planned for, (package, supplier) → the last day each was valid. Never planned with; named
  // in the reason a supplier may not make a package ("F3's quote was valid until 2026-11-30", not
  // "F3 has no quote").
  std::map<std::pair<std::string, std::string>, std::string> lapsed_quotes = {};
};

constexpr std::size_t kMostIgnoredKeys = 20;

// One warning per key of `instance.ignored_keys` ("plan.json#/policy/colusion: an unknown key,
// ignored: did you mean collusion?"), and a last one counting those beyond them.
std::vector<std::string> ignored_key_warnings(const Instance& instance, std::string_view file);

struct Assignment {
  std::string package;
  std::string supplier;
  double units = 0;
};

struct PartyExposure {
  std::string party;
  std::vector<std::string> secrets;  // held, after inference
  double share = 0;                  // of the total secret weight
};

struct RecipeExposure {
  std::string recipe;
  std::optional<int> min_coalition;    // smallest number of untrusted parties that hold it
  std::vector<std::string> coalition;  // one such set of parties
};

enum class PlanStatus { kOptimal, kFeasible, kInfeasible, kUnknown };

struct Plan {
  PlanStatus status = PlanStatus::kUnknown;
  std::optional<double> cost;
  std::optional<double> lower_bound;
  std::vector<Assignment> assignments;
  std::vector<PartyExposure> parties;
  std::vector<RecipeExposure> recipes;
  std::vector<std::string> reasons;
};

std::string_view status_name(PlanStatus status);

// Costs beyond what a double holds: the first quote whose cost for its package's units
// (unit_cost × volume / sources + fixed_cost) is not finite, or, when every quote's is, whether the
// dearest plan's total is not (a plan's cost would print as nothing, or as a negative number).
struct CostOverflow {
  std::optional<std::size_t> quote;
  bool total = false;
  bool any() const { return quote || total; }
};
CostOverflow cost_overflow(const Instance& instance);

// Reads an instance. Errors name `file` and a JSON pointer (or line:col for syntax), and cover
// unknown references, duplicate ids and a party mixing trusted and untrusted suppliers.
Result<Instance> parse_instance(std::string_view text, std::string_view file);
// The same, given up (nullopt) once `deadline` has passed while reading, for a caller whose time
// limit would otherwise be spent reading a file too large for it: a well-formed instance, or one
// with something to explain (the full reader's parse stops at the deadline too). `padded`:
// the kInstanceTextPadding bytes after `text` can be read, so it is parsed in place, not copied.
constexpr std::size_t kInstanceTextPadding = 64;
Result<std::optional<Instance>> parse_instance_within(std::string_view text, std::string_view file,
                                                      const Deadline& deadline, bool padded = false);
std::string instance_json(const Instance& instance);
std::string plan_json(const Plan& plan);

// The heap an instance text of this many bytes is read and planned in, to be taken at once (on
// huge pages: moat::heap_on_huge_pages): 49–85 MiB at XL, 11–145 MB of text (each package's set
// of secrets counts for more than the text). Address space only, until written.
constexpr std::size_t heap_for_instance(std::size_t text_bytes) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  return std::clamp(8 * text_bytes, 16 * kMiB, 512 * kMiB);
}

}  // namespace moat::plan
