// SPDX-License-Identifier: Apache-2.0
// A plan being built or improved by the heuristic, with what each party holds and each supplier
// makes, so that a change is checked against the rules it can break — for the one party whose
// knowledge grows (a party that loses a package can only become safer) — instead of re-checking
// the whole plan. Exact: from a plan that passes violations() (exposure.h), fits() says whether
// one more source, or one source moved, keeps every rule but the number of sources (the
// incremental check is tested against the full one on random changes) — with no deadline; under
// one, a coalition search it cuts short makes fits() say no, so a yes is still exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "plan/deadline.h"
#include "plan/exposure.h"
#include "plan/problem.h"

namespace moat::plan {

class PlanState {
 public:
  // `deadline`: how long safe()'s coalition searches may take (at collusion 20 on 2,000 packages one
  // search ran past a limit of 30 s); a search it cuts short counts the move as unsafe. For a search
  // that only looks for plans (the heuristic), never for one whose verdicts prove (enumerate.cc).
  explicit PlanState(const Problem& problem, const Deadline& deadline = {});
  void set_deadline(const Deadline& deadline) { deadline_ = deadline; }

  const Choice& choice() const { return choice_; }

  // How many secrets (after inference) option o of package p would newly give its party; 0
  // for a trusted party, whose knowledge does not count.
  std::size_t gain(std::size_t p, std::size_t o) const;

  // Whether package p may take option o (besides the sources it has, except `replacing`).
  bool fits(std::size_t p, std::size_t o, std::optional<std::size_t> replacing = std::nullopt) const;

  // Adds option o as a source of package p, or puts it in the place of the source in `slot`: the
  // caller has asked fits() first (the state does not check again).
  void add(std::size_t p, std::size_t o);
  void replace(std::size_t p, std::size_t slot, std::size_t o);
  // Takes back the source of package p added last (a search that goes back up its branch).
  void remove_last(std::size_t p) { remove(p, choice_[p].size() - 1); }

  // Places one more source of package p, which fits nowhere as the plan stands, by moving one
  // package in its way — one its option's party or a would-be partner holds that bears on a
  // recipe p's secrets lead to, or one on the option's full supplier — to another of its own
  // options. A move only ever goes from a valid plan to a valid plan. False, with the plan
  // unchanged, when no single move within a few tries makes room.
  bool repair(std::size_t p, const Deadline& deadline);

  // Moves the source in `slot` of package p to option o, whose supplier is full, by moving one
  // package off that supplier to another of its options: an ejection chain of two, for when a
  // cheaper supplier is full and a package making room there is dearer elsewhere by less than
  // `saving`. The first such package that fits elsewhere (at its cheapest such option) is moved;
  // returns the net saving, or 0 with the plan unchanged. Only capacity is made room for: when a
  // rule keeps p from o as the plan stands, nothing is tried; at most a few dozen packages on the
  // supplier are, and none once `deadline` has passed. A valid plan stays valid.
  double eject_for(std::size_t p, std::size_t slot, std::size_t o, double saving, const Deadline& deadline);

 private:
  // fits() but for the supplier's capacity: distinct parties, and the rules for o's party.
  bool allowed(std::size_t p, std::size_t o, std::optional<std::size_t> replacing) const;

  // Packages whose removal could let package p take option o.
  std::vector<std::size_t> in_the_way(std::size_t p, std::size_t o) const;

  bool uses_supplier(std::size_t q, std::size_t supplier) const;

  // Moves one source of q to another of its options so that p can take option o; undone when
  // either does not fit.
  bool move_aside(std::size_t q, std::size_t p, std::size_t o);

  bool place_other_than(std::size_t q, std::size_t old);

  void remove(std::size_t p, std::size_t slot);

  void restore(std::size_t p, std::size_t slot, std::size_t o);

  void apply(std::size_t p, std::size_t o, int sign);

  // Untrusted parties that know something relevant to recipe r.
  // (Gathered in a bitset, sorted and without repeats as it is read: sorting the lists was a third
  // of the heuristic's time on deep M at collusion 2.)
  std::vector<std::size_t> knowing(std::size_t r) const;

  bool safe(std::size_t party, const Bitset& grown) const;

  const Problem& problem_;
  Deadline deadline_;
  Choice choice_;
  std::vector<double> load_;
  std::vector<std::vector<std::size_t>> packages_of_;  // per party
  std::vector<Holder> holders_;
  // Per untrusted party: the secrets its sources are given (before inference), and how many of its
  // sources give each, so that a source taken away changes what it holds only when it was the last
  // to give a secret — and then it is closed again from those, not from all its packages.
  std::vector<Bitset> given_;
  std::vector<std::unordered_map<std::size_t, std::uint32_t>> givers_;
  std::vector<Bitset> relevant_;                             // per recipe: its secrets and what leads to them
  std::vector<std::vector<std::size_t>> recipes_by_secret_;  // recipes each secret is relevant to
  std::vector<std::vector<std::size_t>> recipes_with_;       // recipes each secret is part of
  std::vector<std::vector<std::size_t>> parties_by_secret_;  // untrusted parties holding each secret
  mutable Ancestors ancestors_;                              // kept for the coalition searches of safe()
};

}  // namespace moat::plan
