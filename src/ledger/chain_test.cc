// SPDX-License-Identifier: Apache-2.0
// Corrupt-then-detect tests for the hash chain, in the manner of LevelDB's corruption_test:
// build a sound chain, damage it the ways storage or a forger could, and check that verify()
// names the first event that is wrong.
#include "ledger/chain.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace moat::ledger {
namespace {

constexpr std::size_t kEvents = 10;

Event raw_event(std::size_t i) {
  Event event;
  event.at = "2026-11-25T03:54:" + std::to_string(10 + i) + ".123Z";
  event.actor = i % 2 == 0 ? "alice" : "bob";
  event.action = i % 3 == 0 ? "import" : "put";
  event.entity = "suppliers";
  event.key = "F" + std::to_string(i + 1);
  if (i % 4 != 0) event.before = R"({"id":"F)" + std::to_string(i + 1) + R"(","v":1})";
  if (i % 5 != 4) event.after = R"({"id":"F)" + std::to_string(i + 1) + R"(","v":2})";
  return event;
}

std::vector<Event> sealed_chain(std::size_t count = kEvents) {
  std::vector<Event> events;
  for (std::size_t i = 0; i < count; ++i) {
    events.push_back(seal(raw_event(i), events.empty() ? nullptr : &events.back()));
  }
  return events;
}

Witness witness_of(const std::vector<Event>& events) {
  return Witness{events.back().seq, events.back().hash};
}

std::size_t index_of(std::int64_t seq) {
  return static_cast<std::size_t>(seq - 1);
}

bool mentions(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(ChainTest, SealNumbersAndLinksEvents) {
  const std::vector<Event> events = sealed_chain();
  ASSERT_EQ(events.size(), kEvents);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[0].prev_hash, genesis_hash());
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(events[i].prev_hash, events[i - 1].hash);
  }
  for (const Event& event : events) {
    EXPECT_EQ(event.hash.size(), 64U);
    EXPECT_EQ(event.hash.find_first_not_of("0123456789abcdef"), std::string::npos) << event.hash;
    EXPECT_EQ(event.hash, compute_hash(event));
  }
}

TEST(ChainTest, GenesisIsSixtyFourZeros) {
  EXPECT_EQ(genesis_hash(), std::string(64, '0'));
}

TEST(ChainTest, SealIgnoresGivenSeqAndPrevHash) {
  Event event = raw_event(0);
  event.seq = 42;
  event.prev_hash = "junk";
  const Event sealed = seal(event, nullptr);
  EXPECT_EQ(sealed.seq, 1);
  EXPECT_EQ(sealed.prev_hash, genesis_hash());
}

TEST(ChainTest, VerifiesSoundChain) {
  const std::vector<Event> events = sealed_chain();
  const Verdict verdict = verify(events);
  EXPECT_TRUE(verdict.ok) << verdict.problem;
  EXPECT_EQ(verdict.events_checked, static_cast<std::int64_t>(kEvents));
  EXPECT_FALSE(verdict.first_bad.has_value());
  EXPECT_EQ(verdict.problem, "");
}

TEST(ChainTest, VerifiesSoundChainReachingItsWitness) {
  const std::vector<Event> events = sealed_chain();
  const Verdict verdict = verify(events, witness_of(events));
  EXPECT_TRUE(verdict.ok) << verdict.problem;
  EXPECT_EQ(verdict.events_checked, static_cast<std::int64_t>(kEvents));
}

TEST(ChainTest, AcceptsChainThatGrewPastItsWitness) {
  const std::vector<Event> events = sealed_chain();
  const Witness older{5, events[4].hash};
  EXPECT_TRUE(verify(events, older).ok);
}

TEST(ChainTest, EmptyChainVerifies) {
  const Verdict verdict = verify({});
  EXPECT_TRUE(verdict.ok);
  EXPECT_EQ(verdict.events_checked, 0);
  EXPECT_FALSE(verdict.first_bad.has_value());
  EXPECT_TRUE(verify({}, Witness{0, ""}).ok);
}

TEST(ChainTest, EmptyChainFailsAgainstWitnessOfEvents) {
  const std::vector<Event> events = sealed_chain();
  const Verdict verdict = verify({}, witness_of(events));
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 1);
  EXPECT_TRUE(mentions(verdict.problem, "removed")) << verdict.problem;
}

// One way to alter a single field of a stored event.
struct Alteration {
  std::string name;
  std::function<void(Event&)> apply;
};

class AlteredFieldTest : public testing::TestWithParam<Alteration> {};

TEST_P(AlteredFieldTest, DetectsAlteredEventAtItsSeq) {
  for (const std::int64_t k : {std::int64_t{1}, std::int64_t{5}, std::int64_t{10}}) {
    std::vector<Event> events = sealed_chain();
    Event& victim = events[index_of(k)];
    const Event original = victim;
    GetParam().apply(victim);
    ASSERT_NE(canonical_encoding(victim), canonical_encoding(original)) << "alteration is a no-op";
    const Verdict verdict = verify(events);
    EXPECT_FALSE(verdict.ok) << "event " << k;
    EXPECT_EQ(verdict.first_bad, k);
    EXPECT_EQ(verdict.events_checked, k - 1);
    EXPECT_TRUE(mentions(verdict.problem, "event " + std::to_string(k))) << verdict.problem;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fields, AlteredFieldTest,
    testing::Values(Alteration{"At", [](Event& e) { e.at[e.at.size() - 2] = '9'; }},
                    Alteration{"Actor", [](Event& e) { e.actor = "mallory"; }},
                    Alteration{"ActorOneCharacter", [](Event& e) { e.actor[0] = 'A'; }},
                    Alteration{"Action", [](Event& e) { e.action = "remove"; }},
                    Alteration{"Entity", [](Event& e) { e.entity = "people"; }},
                    Alteration{"Key", [](Event& e) { e.key += "x"; }},
                    Alteration{"BeforeChanged", [](Event& e) { e.before = R"({"id":"F0","v":0})"; }},
                    Alteration{"BeforeToggled",
                               [](Event& e) {
                                 if (e.before) {
                                   e.before.reset();
                                 } else {
                                   e.before = "";
                                 }
                               }},
                    Alteration{"AfterChanged", [](Event& e) { e.after = R"({"id":"F0","v":3})"; }},
                    Alteration{"AfterToggled",
                               [](Event& e) {
                                 if (e.after) {
                                   e.after.reset();
                                 } else {
                                   e.after = "";
                                 }
                               }},
                    Alteration{"PrevHash",
                               [](Event& e) { e.prev_hash[0] = e.prev_hash[0] == 'a' ? 'b' : 'a'; }}),
    [](const testing::TestParamInfo<Alteration>& case_info) { return case_info.param.name; });

TEST(ChainTest, DetectsAlteredStoredHash) {
  std::vector<Event> events = sealed_chain();
  events[4].hash[10] = events[4].hash[10] == '0' ? '1' : '0';
  const Verdict verdict = verify(events);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 5);
}

TEST(ChainTest, DetectsAlteredEventEvenWhenItsHashIsRecomputed) {
  // A forger who rewrites event 4 and reseals it still breaks event 5's link.
  std::vector<Event> events = sealed_chain();
  events[3].actor = "mallory";
  events[3].hash = compute_hash(events[3]);
  const Verdict verdict = verify(events);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 5);
  EXPECT_TRUE(mentions(verdict.problem, "does not follow")) << verdict.problem;
}

TEST(ChainTest, DetectsDeletedMiddleEvent) {
  for (const std::int64_t k : {std::int64_t{2}, std::int64_t{5}, std::int64_t{9}}) {
    std::vector<Event> events = sealed_chain();
    events.erase(events.begin() + static_cast<std::ptrdiff_t>(index_of(k)));
    const Verdict verdict = verify(events);
    EXPECT_FALSE(verdict.ok);
    EXPECT_EQ(verdict.first_bad, k);
    EXPECT_TRUE(mentions(verdict.problem, "missing")) << verdict.problem;
  }
}

TEST(ChainTest, DetectsDeletedMiddleEventWhenLaterEventsAreRenumbered) {
  std::vector<Event> events = sealed_chain();
  events.erase(events.begin() + 4);
  for (std::size_t i = 4; i < events.size(); ++i) events[i].seq = static_cast<std::int64_t>(i + 1);
  const Verdict verdict = verify(events);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 5);
}

TEST(ChainTest, DetectsDeletedFirstEvent) {
  std::vector<Event> events = sealed_chain();
  events.erase(events.begin());
  const Verdict verdict = verify(events);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 1);
  EXPECT_EQ(verdict.events_checked, 0);
}

TEST(ChainTest, DetectsDeletedFirstEventWhenRestAreRenumbered) {
  std::vector<Event> events = sealed_chain();
  events.erase(events.begin());
  for (std::size_t i = 0; i < events.size(); ++i) events[i].seq = static_cast<std::int64_t>(i + 1);
  const Verdict verdict = verify(events);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 1);
}

TEST(ChainTest, DetectsSwappedEvents) {
  for (const auto& [a, b] : {std::pair<std::size_t, std::size_t>{3, 4}, {0, 1}, {2, 7}, {8, 9}}) {
    std::vector<Event> events = sealed_chain();
    std::swap(events[a], events[b]);
    const Verdict verdict = verify(events);
    EXPECT_FALSE(verdict.ok) << a << "<->" << b;
    EXPECT_EQ(verdict.first_bad, static_cast<std::int64_t>(a + 1)) << a << "<->" << b;
  }
}

TEST(ChainTest, DetectsSwappedEventsWithSeqsSwappedBack) {
  // The reorder keeps 1, 2, 3, ... in the seq column; only the hashes can tell.
  std::vector<Event> events = sealed_chain();
  std::swap(events[3], events[4]);
  std::swap(events[3].seq, events[4].seq);
  const Verdict verdict = verify(events);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 4);
}

Event forged_after(const Event& previous) {
  Event forged;
  forged.at = "2026-11-25T03:54:30.000Z";
  forged.actor = "mallory";
  forged.action = "put";
  forged.entity = "suppliers";
  forged.key = "F99";
  forged.after = R"({"id":"F99"})";
  return seal(forged, &previous);  // a correct hash for itself
}

TEST(ChainTest, DetectsInsertedForgedEvent) {
  std::vector<Event> events = sealed_chain();
  const Event forged = forged_after(events[4]);  // claims to be event 6
  ASSERT_EQ(forged.seq, 6);
  ASSERT_EQ(forged.hash, compute_hash(forged));
  events.insert(events.begin() + 5, forged);
  const Verdict verdict = verify(events);
  EXPECT_FALSE(verdict.ok);
  // The forged event itself is consistent; the genuine event 6 after it is where the chain breaks.
  EXPECT_EQ(verdict.first_bad, 7);
  EXPECT_EQ(verdict.events_checked, 6);
}

TEST(ChainTest, DetectsInsertedForgedEventWhenLaterEventsAreRenumbered) {
  std::vector<Event> events = sealed_chain();
  events.insert(events.begin() + 5, forged_after(events[4]));
  for (std::size_t i = 6; i < events.size(); ++i) events[i].seq = static_cast<std::int64_t>(i + 1);
  const Verdict verdict = verify(events);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 7);
  EXPECT_TRUE(mentions(verdict.problem, "does not follow")) << verdict.problem;
}

TEST(ChainTest, TruncatedTailPassesWithoutWitness) {
  std::vector<Event> events = sealed_chain();
  events.resize(7);
  const Verdict verdict = verify(events);
  EXPECT_TRUE(verdict.ok) << verdict.problem;
  EXPECT_EQ(verdict.events_checked, 7);
}

TEST(ChainTest, DetectsTruncatedTailWithWitness) {
  std::vector<Event> events = sealed_chain();
  const Witness witness = witness_of(events);
  for (const std::size_t kept : {std::size_t{9}, std::size_t{7}, std::size_t{1}}) {
    std::vector<Event> truncated(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(kept));
    const Verdict verdict = verify(truncated, witness);
    EXPECT_FALSE(verdict.ok) << "kept " << kept;
    EXPECT_EQ(verdict.first_bad, static_cast<std::int64_t>(kept + 1));
    EXPECT_EQ(verdict.events_checked, static_cast<std::int64_t>(kept));
    EXPECT_TRUE(mentions(verdict.problem, "removed")) << verdict.problem;
  }
}

TEST(ChainTest, DetectsWitnessHashMismatch) {
  const std::vector<Event> events = sealed_chain();
  Witness witness = witness_of(events);
  witness.hash[0] = witness.hash[0] == 'f' ? 'e' : 'f';
  const Verdict verdict = verify(events, witness);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, static_cast<std::int64_t>(kEvents));
  EXPECT_TRUE(mentions(verdict.problem, "witness")) << verdict.problem;
}

TEST(ChainTest, DetectsRewrittenChainAgainstOlderWitness) {
  // Rebuild the whole chain from event 3 on with a different event 3: every link is sound, but
  // the witness still holds the original event 5.
  const std::vector<Event> original = sealed_chain();
  const Witness witness{5, original[4].hash};
  std::vector<Event> rewritten(original.begin(), original.begin() + 2);
  for (std::size_t i = 2; i < kEvents; ++i) {
    Event event = raw_event(i);
    if (i == 2) event.actor = "mallory";
    rewritten.push_back(seal(event, &rewritten.back()));
  }
  ASSERT_TRUE(verify(rewritten).ok);
  const Verdict verdict = verify(rewritten, witness);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 5);
}

TEST(ChainTest, StopsAtFirstFault) {
  std::vector<Event> events = sealed_chain();
  events[2].actor = "mallory";
  events[7].key = "changed";
  const Verdict verdict = verify(events);
  EXPECT_EQ(verdict.first_bad, 3);
  EXPECT_EQ(verdict.events_checked, 2);
}

TEST(CanonicalEncodingTest, DistinguishesAbsentFromEmptyBefore) {
  Event absent = raw_event(0);
  absent.before.reset();
  Event empty = absent;
  empty.before = "";
  EXPECT_NE(canonical_encoding(absent), canonical_encoding(empty));
  EXPECT_NE(compute_hash(absent), compute_hash(empty));
}

TEST(CanonicalEncodingTest, DistinguishesAbsentFromEmptyAfter) {
  Event absent = raw_event(0);
  absent.after.reset();
  Event empty = absent;
  empty.after = "";
  EXPECT_NE(canonical_encoding(absent), canonical_encoding(empty));
  EXPECT_NE(compute_hash(absent), compute_hash(empty));
}

TEST(CanonicalEncodingTest, DistinguishesBeforeFromAfter) {
  Event in_before = raw_event(0);
  in_before.before = "x";
  in_before.after.reset();
  Event in_after = raw_event(0);
  in_after.before.reset();
  in_after.after = "x";
  EXPECT_NE(compute_hash(in_before), compute_hash(in_after));
}

struct Boundary {
  std::string name;
  std::function<void(Event&)> first;
  std::function<void(Event&)> second;
};

class FieldBoundaryTest : public testing::TestWithParam<Boundary> {};

TEST_P(FieldBoundaryTest, ShiftingBytesAcrossFieldsChangesHash) {
  Event a = raw_event(1);
  Event b = raw_event(1);
  GetParam().first(a);
  GetParam().second(b);
  EXPECT_NE(canonical_encoding(a), canonical_encoding(b));
  EXPECT_NE(compute_hash(a), compute_hash(b));
}

INSTANTIATE_TEST_SUITE_P(Fields, FieldBoundaryTest,
                         testing::Values(Boundary{"ActorAction",
                                                  [](Event& e) {
                                                    e.actor = "ab";
                                                    e.action = "c";
                                                  },
                                                  [](Event& e) {
                                                    e.actor = "a";
                                                    e.action = "bc";
                                                  }},
                                         Boundary{"AtActor",
                                                  [](Event& e) {
                                                    e.at = "2026-01-01Z";
                                                    e.actor = "x";
                                                  },
                                                  [](Event& e) {
                                                    e.at = "2026-01-01";
                                                    e.actor = "Zx";
                                                  }},
                                         Boundary{"EntityKey",
                                                  [](Event& e) {
                                                    e.entity = "suppliers/";
                                                    e.key = "F1";
                                                  },
                                                  [](Event& e) {
                                                    e.entity = "suppliers";
                                                    e.key = "/F1";
                                                  }},
                                         Boundary{"KeyBefore",
                                                  [](Event& e) {
                                                    e.key = "F1x";
                                                    e.before = "y";
                                                  },
                                                  [](Event& e) {
                                                    e.key = "F1";
                                                    e.before = "xy";
                                                  }},
                                         Boundary{"BeforeAfter",
                                                  [](Event& e) {
                                                    e.before = "ab";
                                                    e.after = "c";
                                                  },
                                                  [](Event& e) {
                                                    e.before = "a";
                                                    e.after = "bc";
                                                  }},
                                         Boundary{"EmptyActorFullAction",
                                                  [](Event& e) {
                                                    e.actor = "";
                                                    e.action = "ab";
                                                  },
                                                  [](Event& e) {
                                                    e.actor = "ab";
                                                    e.action = "";
                                                  }}),
                         [](const testing::TestParamInfo<Boundary>& case_info) {
                           return case_info.param.name;
                         });

TEST(CanonicalEncodingTest, CoversSeqAndPrevHashButNotHash) {
  const Event base = sealed_chain(2)[1];
  Event other_seq = base;
  other_seq.seq = 3;
  EXPECT_NE(compute_hash(other_seq), base.hash);
  Event other_prev = base;
  other_prev.prev_hash = std::string(genesis_hash());
  EXPECT_NE(compute_hash(other_prev), base.hash);
  Event other_hash = base;
  other_hash.hash = "anything";
  EXPECT_EQ(canonical_encoding(other_hash), canonical_encoding(base));
}

TEST(CanonicalEncodingTest, IsStableAcrossCalls) {
  const Event event = raw_event(3);
  EXPECT_EQ(canonical_encoding(event), canonical_encoding(event));
  EXPECT_EQ(compute_hash(event), compute_hash(event));
}

}  // namespace
}  // namespace moat::ledger
