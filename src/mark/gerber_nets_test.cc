// SPDX-License-Identifier: Apache-2.0
#include "mark/gerber_nets.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "mark/mark.h"
#include "mark/mark_testing.h"

namespace moat::mark {
namespace {

using testing::Folder;

// Two pads joined by a track (one net), a third pad 0.2 mm from the first (another net), a
// rounded-rectangle pad of an Altium-style macro touching the track, and a ground pour with a
// clear cut-out around the lone pad.
std::string small_board(const std::string& lone_pad = "X0Y-1200D03*") {
  return "%FSLAX43Y43*%\n%MOMM*%\n"
         "%AMROUNDEDRECT*\n21,1,1.000,0.600,0,0,0.0*\n1,1,0.200,0.400,0.200*\n%\n"
         "%ADD10C,1.000*%\n%ADD11C,0.250*%\n%ADD12ROUNDEDRECT*%\n"
         "D10*\nX0Y0D03*\nX5000Y0D03*\n" +
         lone_pad +
         "\n"
         "D11*\nX0Y0D02*\nX5000Y0D01*\n"
         "D12*\nX3000Y400D03*\n"
         "%LPD*%\nG36*\nX-2000Y3000D02*\nX8000Y3000D01*\nX8000Y6000D01*\nX-2000Y6000D01*\nX-2000Y3000D01*"
         "\nD02*\nG37*\n"
         "M02*\n";
}

TEST(GerberNets, FindsNetsAndTheSmallestClearance) {
  const Result<NetReport> report = gerber_nets(small_board());
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->shapes, 6u);
  EXPECT_EQ(report->nets, 3u) << "the joined pads with the track and the macro pad; the lone pad; the pour";
  EXPECT_NEAR(report->min_clearance, 0.2, 1e-9) << "1.2 mm between the pads' centres less two 0.5 mm radii";
}

// Long diagonal tracks are indexed along their length, not by the square their box spans: a
// pad beside the middle of a 400 mm track, a parallel track and one crossing at a shallow angle
// are found at their true clearance, and two far apart are not near.
TEST(GerberNets, FindsClearancesAlongLongDiagonalTracks) {
  auto board = [](const std::string& pad) {
    return "%FSLAX43Y43*%\n%MOMM*%\n%ADD10C,0.250*%\n%ADD11C,1.000*%\n"
           "D10*\nX0Y0D02*\nX300000Y200000D01*\n"  // 360.6 mm, direction (3, 2) / sqrt(13)
           "X0Y100000D02*\nX300000Y300000D01*\n"   // parallel, far away
           "D11*\n" +
           pad + "\nM02*\n";
  };
  // The pad's centre 0.9 mm from the first track's middle along the normal (-2, 3) / sqrt(13):
  // 0.9 - 0.125 - 0.5 = 0.275 mm of clearance.
  const double n = std::sqrt(13.0);
  const auto x = static_cast<long>(std::lround((150.0 - 0.9 * 2 / n) * 1000)),
             y = static_cast<long>(std::lround((100.0 + 0.9 * 3 / n) * 1000));
  const Result<NetReport> near =
      gerber_nets(board("X" + std::to_string(x) + "Y" + std::to_string(y) + "D03*"));
  ASSERT_TRUE(near.ok()) << near.error().to_string();
  EXPECT_EQ(near->nets, 3u);
  EXPECT_NEAR(near->min_clearance, 0.275, 2e-3);
  const Result<NetReport> far = gerber_nets(board("X150000Y150000D03*"));
  ASSERT_TRUE(far.ok());
  EXPECT_GT(far->min_clearance, 0.29) << "nothing within the search distance";
  // Pads 800 mm wide (no board, but a file can say so) are filed under cells widened to suit.
  const Result<NetReport> wide =
      gerber_nets("%FSLAX43Y43*%\n%MOMM*%\n%ADD11C,800*%\nD11*\nX0Y0D03*\nX2000000Y0D03*\nM02*\n");
  ASSERT_TRUE(wide.ok()) << wide.error().to_string();
  EXPECT_EQ(wide->nets, 2u);
}

TEST(GerberNets, RefusesACopyThatBringsTwoNetsCloser) {
  const std::string master = small_board();
  const Result<NetComparison> closer = compare_nets(master, small_board("X0Y-1190D03*"));
  ASSERT_TRUE(closer.ok()) << closer.error().to_string();
  EXPECT_FALSE(closer->ok());
  EXPECT_TRUE(closer->same_nets);
  EXPECT_EQ(closer->moved, 1u);
  EXPECT_NEAR(closer->moved_clearance, 0.19, 1e-9);
  const Result<NetComparison> joined = compare_nets(master, small_board("X0Y-1000D03*"));
  ASSERT_TRUE(joined.ok());
  EXPECT_FALSE(joined->same_nets) << "the lone pad now touches the first";
  const Result<NetComparison> away = compare_nets(master, small_board("X0Y-1210D03*"));
  ASSERT_TRUE(away.ok());
  EXPECT_TRUE(away->ok()) << away->problem;
  EXPECT_FALSE(compare_nets(master, "%FSLAX43Y43*%\n%MOMM*%\nM02*\n").ok()) << "shapes missing";
  const Result<NetReport> bad = gerber_nets("%FSLAX43Y43*%\n%MOMM*%\nX12Y*\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().diagnostics().front().where, "3:5");
}

TEST(GerberNets, CrowdedPointsAreThoseNearAnotherNet) {
  // The lone pad sits at the smallest clearance: it and the pad it faces may not move; the far
  // pad and the macro pad may.
  const Result<std::vector<std::pair<int64_t, int64_t>>> crowded = crowded_points(small_board(), 0.005);
  ASSERT_TRUE(crowded.ok()) << crowded.error().to_string();
  const auto has = [&](int64_t x, int64_t y) {
    return std::find(crowded->begin(), crowded->end(), std::pair<int64_t, int64_t>{x, y}) != crowded->end();
  };
  EXPECT_TRUE(has(0, -1200));
  EXPECT_TRUE(has(0, 0));
  EXPECT_FALSE(has(5000, 0));
  EXPECT_FALSE(has(3000, 400));
}

// Every copper layer of the Ploopy board (or a generated one), marked for two recipients: the same
// nets as the master, and no moved pad or track end nearer to another net than the master's
// smallest clearance.
TEST(GerberNets, MarkedCopiesKeepTheMastersNetsAndClearance) {
  Folder folder;
  std::vector<std::pair<std::string, std::string>> layers;
  const auto zip = testing::ploopy() / "gerber" / "Base-R1_004.zip";
  if (std::filesystem::exists(zip) &&
      testing::run(
          "python3 -c \"import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])\" '" +
          zip.string() + "' '" + folder.path().string() + "'")) {
    for (const char* name : {"Base.GTL", "Base.GBL"})
      layers.emplace_back(name, testing::read_file(folder / "Base-R1_004/Gerber" / name));
  } else {
    layers.emplace_back("generated", testing::generated_gerber(600, 3));
  }
  for (const auto& [name, master] : layers) {
    const Result<Master> prepared = Master::prepare(master, "gerber", std::string(32, 'n'));
    ASSERT_TRUE(prepared.ok()) << name << ": " << prepared.error().to_string();
    for (const char* copy_id : {"C1", "C2"}) {
      const Result<Marked> copy = prepared->mark(copy_id);
      ASSERT_TRUE(copy.ok()) << copy.error().to_string();
      ASSERT_GT(copy->carriers, 0u) << name;
      const Result<NetComparison> nets = compare_nets(master, copy->bytes);
      ASSERT_TRUE(nets.ok()) << name << ": " << nets.error().to_string();
      EXPECT_TRUE(nets->ok()) << name << " " << copy_id << ": " << nets->problem;
      EXPECT_TRUE(nets->same_nets) << name;
      EXPECT_GT(nets->master.nets, 1u) << name;
      EXPECT_GT(nets->moved, 0u) << name;
      EXPECT_GE(nets->moved_clearance, nets->master.min_clearance - 1e-9) << name;
    }
  }
}

}  // namespace
}  // namespace moat::mark
