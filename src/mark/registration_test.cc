// SPDX-License-Identifier: Apache-2.0
// Registration and reading take the master point of the same index without a search when a
// suspect keeps the master's order. These tests hold that shortcut to the searched answer: the
// same suspect read in the master's order and shuffled gives the same motion, matches and shifts.
#include <gtest/gtest.h>

#include <map>

#include <algorithm>
#include <cmath>
#include <random>

#include "mark/format.h"
#include "mark/planar.h"
#include "mark/space.h"

namespace moat::mark {
namespace {

// A master of scattered points with a few duplicates and close pairs, some carriers isolated
// at kIsolation, and a suspect: the master with its carriers moved by `shift` mm.
struct Planar {
  std::vector<Point> master, suspect, carriers, shifts;
  std::vector<size_t> carrier_index;
};

Planar planar_case(unsigned seed, double shift) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> at(0, 50);
  Planar c;
  for (int i = 0; i < 3000; ++i) c.master.push_back({at(rng), at(rng)});
  for (int i = 0; i < 100; ++i) c.master.push_back(c.master[rng() % c.master.size()]);  // duplicates
  for (int i = 0; i < 100; ++i) {  // neighbours closer than the match tolerance
    const Point p = c.master[rng() % c.master.size()];
    c.master.push_back({p.x + 0.004, p.y - 0.003});
  }
  std::vector<size_t> candidates(c.master.size());
  for (size_t i = 0; i < candidates.size(); ++i) candidates[i] = i;
  for (const size_t i : isolated(c.master, candidates))
    if (rng() % 3 == 0) c.carrier_index.push_back(i);
  c.suspect = c.master;
  for (const size_t i : c.carrier_index) {
    const double angle = static_cast<double>(rng() % 360) * 3.14159265358979 / 180;
    const Point s{shift * std::cos(angle), shift * std::sin(angle)};
    c.carriers.push_back(c.master[i]);
    c.shifts.push_back(s);
    c.suspect[i] = {c.master[i].x + s.x, c.master[i].y + s.y};
  }
  return c;
}

TEST(Registration, PlanarShortcutGivesTheSearchedAnswer) {
  for (const double shift : {0.0, 0.002, 0.008, 0.011}) {
    const Planar c = planar_case(7, shift);
    ASSERT_GT(c.carriers.size(), 100u);
    // Every point at a carrier's coordinates names that carrier, or kSeveralCarriers where
    // carriers share them (the case's duplicates can both be carriers).
    std::map<std::pair<double, double>, uint32_t> carrier_at;
    for (size_t k = 0; k < c.carriers.size(); ++k) {
      const auto [it, added] = carrier_at.emplace(std::pair{c.carriers[k].x, c.carriers[k].y}, k);
      if (!added) it->second = PlanarMaster::kSeveralCarriers;
    }
    std::vector<uint32_t> carrier_of(c.master.size(), PlanarMaster::kNoCarrier);
    for (size_t i = 0; i < c.master.size(); ++i)
      if (const auto it = carrier_at.find({c.master[i].x, c.master[i].y}); it != carrier_at.end())
        carrier_of[i] = it->second;
    const PlanarMaster with_carriers(c.master, carrier_of), plain(c.master);
    std::vector<Point> shuffled = c.suspect;
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(3));
    const Result<Registration> fast = register_points(with_carriers, c.suspect);
    const Result<Registration> searched = register_points(plain, shuffled);
    ASSERT_TRUE(fast.ok() && searched.ok());
    EXPECT_EQ(fast->inliers, searched->inliers) << shift;
    EXPECT_NEAR(fast->transform.dx, searched->transform.dx, 1e-9);
    EXPECT_NEAR(fast->transform.dy, searched->transform.dy, 1e-9);
    EXPECT_NEAR(fast->transform.sin, searched->transform.sin, 1e-12);
    const std::vector<double> a =
        read_shifts(c.carriers, c.shifts, c.suspect, fast->transform, &with_carriers);
    const std::vector<double> b = read_shifts(c.carriers, c.shifts, shuffled, fast->transform);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::isnan(b[i]))
        EXPECT_TRUE(std::isnan(a[i])) << i;
      else
        EXPECT_DOUBLE_EQ(a[i], b[i]) << i;
    }
  }
}

// A master as dense as outlined silkscreen lettering (clusters of points a few tens of µm apart), so that
// almost any transform puts one suspect point on some master point. The search must then count
// the inliers of few candidate transforms: counting them for every master pair of the right
// length whose transform puts one more point on the master took minutes on a real silkscreen.
TEST(Registration, DenseMasterScoresFewCandidates) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> at(0, 60);
  std::vector<Point> master;
  for (int cluster = 0; cluster < 400; ++cluster) {
    const Point centre{at(rng), at(rng)};
    std::uniform_real_distribution<double> near(0, 0.15);
    for (int i = 0; i < 30; ++i) master.push_back({centre.x + near(rng), centre.y + near(rng)});
  }
  const double angle = 0.3, c = std::cos(angle), s = std::sin(angle);
  std::vector<Point> suspect;
  for (const Point p : master) suspect.push_back({c * p.x - s * p.y + 12.5, s * p.x + c * p.y - 7.25});
  std::shuffle(suspect.begin(), suspect.end(), rng);
  const Result<Registration> found = register_points(master, suspect);
  ASSERT_TRUE(found.ok());
  EXPECT_NEAR(found->transform.sin, s, 1e-6);
  EXPECT_NEAR(found->transform.dx, 12.5, 1e-4);
  EXPECT_GT(found->matched, 0.5);
  EXPECT_GT(found->candidates_scored, 0u);
  // 6 with every check, each apart from the triangle's second point and the others; 5,042 with
  // checks anywhere; 43,330 when only the triangle's third point is checked.
  EXPECT_LT(found->candidates_scored, 500u);
}

// Lettering as a silkscreen outlines it: small glyphs of points along their strokes, spread over
// a board, so that a point put at random falls near none of them.
std::vector<Point> lettering(unsigned seed, int glyphs) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> at(0, 90), stroke(0, 1.2);
  std::vector<Point> out;
  for (int g = 0; g < glyphs; ++g) {
    const Point origin{at(rng), at(rng) * 0.8};
    for (int k = 0; k < 24; ++k) {
      const double t = stroke(rng);  // along one of three strokes: up, across, down
      const Point p = k % 3 == 0 ? Point{0, t} : k % 3 == 1 ? Point{t * 0.6, 1.2} : Point{0.6, 1.2 - t};
      out.push_back({origin.x + p.x, origin.y + p.y});
    }
  }
  return out;
}

// The search walks every master pair of the right length for each suspect triangle; most put the
// triangle's other points far from every master point and are ruled out by a first look at where
// those points land, before a transform is formed. Forming and checking every one (as before)
// made a trace against a silkscreen take seconds. A suspect with most points unknown to the
// master runs every attempt of the search.
TEST(Registration, FirstLookRulesOutMostPairs) {
  const std::vector<Point> master = lettering(5, 500);
  const double angle = -1.1, c = std::cos(angle), s = std::sin(angle);
  std::vector<Point> suspect;
  for (const Point p : master) suspect.push_back({c * p.x - s * p.y - 3.5, s * p.x + c * p.y + 40});
  for (const Point p : lettering(6, 600)) suspect.push_back(p);  // more points the master lacks
  std::shuffle(suspect.begin(), suspect.end(), std::mt19937_64(9));
  std::vector<size_t> told;  // the steps done, as the search told them
  const Result<Registration> found =
      register_points(PlanarMaster(master), suspect, [&](size_t done, size_t total) {
        EXPECT_EQ(total, kSearchSteps);
        told.push_back(done);
      });
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_NEAR(found->transform.sin, s, 1e-6);
  EXPECT_NEAR(found->transform.dy, 40, 1e-4);
  ASSERT_GT(told.size(), 10u);
  EXPECT_TRUE(std::is_sorted(told.begin(), told.end()));
  EXPECT_EQ(told.back(), kSearchSteps);
  EXPECT_GT(found->pairs_looked_at, 100'000u);
  // Each pair gives two transforms: 152 of 526,776 are formed.
  EXPECT_LT(found->transforms_formed, found->pairs_looked_at / 100);
}

// A file may write a point many times (a region's outline closed where it began, a track's ends
// joined). A check at the place of the triangle's second point, or of another check, lands on a
// master point for every pair and rules out nothing: where a suspect point has one other point
// at the triangle's distance, written several times, nearly every pair's transform had its
// inliers counted (a rotated silkscreen took half a minute to trace).
TEST(Registration, RepeatedPointsAreNoChecks) {
  std::mt19937_64 rng(12);
  std::uniform_real_distribution<double> at(0, 90);
  std::vector<Point> master;
  for (int i = 0; i < 3000; ++i) master.push_back({at(rng), at(rng) * 0.8});
  const double angle = 2.0, c = std::cos(angle), s = std::sin(angle);
  std::vector<Point> suspect;
  for (size_t i = 0; i < 300; ++i)
    for (int copy = 0; copy < 5; ++copy)
      suspect.push_back({c * master[i].x - s * master[i].y + 20, s * master[i].x + c * master[i].y - 9});
  std::shuffle(suspect.begin(), suspect.end(), rng);
  const Result<Registration> found = register_points(master, suspect);
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_NEAR(found->transform.sin, s, 1e-6);
  // 1 with the checks apart; 2,972 (every pair, both ways) with checks where b is.
  EXPECT_LT(found->candidates_scored, 100u);
}

TEST(Registration, SpaceShortcutGivesTheSearchedAnswer) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> at(0, 20);
  std::vector<Point3> master;
  for (int i = 0; i < 4000; ++i) master.push_back({at(rng), at(rng), at(rng)});
  for (int i = 0; i < 100; ++i) master.push_back(master[rng() % master.size()]);
  for (int i = 0; i < 100; ++i) {
    const Point3 p = master[rng() % master.size()];
    master.push_back({p.x + 0.002, p.y, p.z - 0.001});
  }
  std::vector<size_t> candidates(master.size());
  for (size_t i = 0; i < candidates.size(); ++i) candidates[i] = i;
  std::vector<size_t> carrier_index;
  for (const size_t i : isolated3(master, candidates))
    if (rng() % 3 == 0) carrier_index.push_back(i);
  ASSERT_GT(carrier_index.size(), 100u);
  for (const double shift : {0.0, 0.001, 0.004, 0.006}) {
    std::vector<Point3> suspect = master, carriers, shifts;
    for (const size_t i : carrier_index) {
      const Point3 s{shift * 0.6, -shift * 0.8, 0};
      carriers.push_back(master[i]);
      shifts.push_back(s);
      suspect[i] = {master[i].x + s.x, master[i].y + s.y, master[i].z};
    }
    std::vector<Point3> shuffled = suspect;
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(5));
    const SpaceMaster with_carriers(master, carrier_index), plain(master);
    const Result<Registration3> fast = register_space(with_carriers, suspect);
    const Result<Registration3> searched = register_space(plain, shuffled);
    ASSERT_TRUE(fast.ok() && searched.ok());
    EXPECT_DOUBLE_EQ(fast->matched, searched->matched) << shift;
    EXPECT_NEAR(fast->motion.shift.x, searched->motion.shift.x, 1e-9);
    EXPECT_NEAR(fast->motion.shift.y, searched->motion.shift.y, 1e-9);
    EXPECT_NEAR(fast->motion.shift.z, searched->motion.shift.z, 1e-9);
    const std::vector<double> a = read_shifts3(with_carriers, carriers, shifts, suspect, fast->motion);
    const SpaceMaster no_order({}, {});
    const std::vector<double> b = read_shifts3(no_order, carriers, shifts, shuffled, fast->motion);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::isnan(b[i]))
        EXPECT_TRUE(std::isnan(a[i])) << i;
      else
        EXPECT_DOUBLE_EQ(a[i], b[i]) << i;
    }
  }
}

// A page printed to other paper: scaled, turned a quarter, moved, and with its boxes drawn as one
// corner each (as pdfwrite writes rectangles), so that the suspect has a quarter of their points.
// The drawing's other lines (points of their own) tell the right corner from the others.
TEST(Registration, ScaledSuspectIsTakenBackToTheMaster) {
  std::mt19937_64 rng(21);
  std::uniform_real_distribution<double> jitter(-0.4, 0.4), at(0, 120);
  std::vector<Point> master, suspect;
  for (int i = 0; i < 400; ++i) {  // a drawing's 20 x 20 boxes, each a little out of line
    const Point corner{6 + (i % 20) * 6 + jitter(rng), 6 + (i / 20) * 5.5 + jitter(rng)};
    for (const Point d : {Point{0, 0}, Point{1.8, 0}, Point{1.8, 1.35}, Point{0, 1.35}})
      master.push_back({corner.x + d.x, corner.y + d.y});
  }
  const size_t boxes = master.size();
  for (int i = 0; i < 100; ++i) master.push_back({at(rng), at(rng)});
  std::vector<size_t> kept;
  for (size_t i = 3; i < boxes; i += 4) kept.push_back(i);
  for (size_t i = boxes; i < master.size(); ++i) kept.push_back(i);
  const PlanarMaster prepared(master);
  for (const double scale : {0.940618, 1.414214, 0.5}) {
    const Similarity truth{scale, Rigid{0, 1, 31.5, -7.25}};
    suspect.clear();
    for (const size_t i : kept) suspect.push_back(truth.apply(master[i]));
    const Result<ScaledRegistration> found = register_scaled(prepared, suspect);
    ASSERT_TRUE(found.ok()) << scale << ": " << found.error().message();
    EXPECT_NEAR(found->transform.scale, scale, scale * 1e-9);
    EXPECT_EQ(found->matched, 1.0);
    for (size_t i = 0; i < suspect.size(); ++i) {
      const Point back = found->transform.invert(suspect[i]);
      EXPECT_NEAR(back.x, master[kept[i]].x, 1e-6);
      EXPECT_NEAR(back.y, master[kept[i]].y, 1e-6);
    }
  }
  // Points added where the master has none (a clip rectangle at the page's edge, a line in a
  // corner, one point far away) move how far the points spread by a percent or two, too far for the
  // votes: the caller's guess (for a page, from the paper sizes) carries it.
  std::vector<Point> added = suspect;
  const Similarity last{0.5, Rigid{0, 1, 31.5, -7.25}};
  for (int i = 0; i < 8; ++i) added.push_back({-40.0 + i, 200.0});
  added.push_back({1e5, 1e5});
  EXPECT_FALSE(register_scaled(prepared, added).ok());
  const Result<ScaledRegistration> despite = register_scaled(prepared, added, {0.7, last.scale});
  ASSERT_TRUE(despite.ok()) << despite.error().message();
  EXPECT_NEAR(despite->transform.scale, last.scale, 1e-9);
  EXPECT_GT(despite->matched, 0.95);
  // Points that are not the master's at any scale.
  std::vector<Point> other;
  for (int i = 0; i < 400; ++i) other.push_back({at(rng), at(rng)});
  EXPECT_FALSE(register_scaled(prepared, other).ok());
}

}  // namespace
}  // namespace moat::mark
