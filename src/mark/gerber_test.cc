// SPDX-License-Identifier: Apache-2.0
#include "mark/gerber.h"
#include "mark/excellon.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "mark/mark.h"
#include "mark/mark_testing.h"

namespace moat::mark {
namespace {

using testing::Folder;

const std::string kKey(32, 'k');

std::vector<std::string> copy_ids() {
  std::vector<std::string> ids;
  for (int i = 1; i <= 12; ++i) ids.push_back("C" + std::to_string(i));
  return ids;
}

// The copies accused when `suspect` is traced against `master` (empty when none or unreadable).
std::vector<std::string> accused(const std::string& suspect, const std::string& master,
                                 const std::string& scheme) {
  const Result<Trace> t = trace(suspect, master, scheme, kKey, copy_ids());
  std::vector<std::string> out;
  if (!t.ok()) return out;
  for (const CopyScore& c : t->copies)
    if (c.accused) out.push_back(c.copy_id);
  return out;
}

// A plain re-plot of a Gerber's operations: rotated by `degrees` about the origin, moved by
// (dx, dy) mm, written in `units` ("MM" or "IN") with `digits` decimals, keeping each operation
// with probability `keep`. Arcs become straight draws (the reader uses end points only).
std::string replot(const std::string& text, double degrees, double dx, double dy, const std::string& units,
                   int digits, double keep, unsigned seed) {
  const GerberFile file = parse_gerber(text).value();
  const std::vector<Point> points = gerber_points(file);
  const double a = degrees * 3.14159265358979323846 / 180,
               scale = std::pow(10.0, digits) / (units == "MM" ? 1 : 25.4);
  std::mt19937 rng(seed);
  std::string out = "%FSLAX" + std::to_string(10 * 2 + digits) + "Y" + std::to_string(10 * 2 + digits) +
                    "*%\n%MO" + units + "*%\n%ADD10C,0.1*%\nD10*\n";
  for (size_t i = 0; i < points.size(); ++i) {
    if (std::uniform_real_distribution<double>(0, 1)(rng) >= keep) continue;
    const double x = std::cos(a) * points[i].x - std::sin(a) * points[i].y + dx;
    const double y = std::sin(a) * points[i].x + std::cos(a) * points[i].y + dy;
    out += "X" + std::to_string(std::llround(x * scale)) + "Y" + std::to_string(std::llround(y * scale)) +
           "D0" + std::to_string(file.ops[i].d == 1 ? 2 : file.ops[i].d) + "*\n";
  }
  return out + "M02*\n";
}

// The copper top layer of the Ploopy trackball (Altium), or a generated board.
std::string copper_layer(const Folder& folder) {
  const auto zip = testing::ploopy() / "gerber" / "Base-R1_004.zip";
  if (std::filesystem::exists(zip) &&
      testing::run(
          "python3 -c \"import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])\" '" +
          zip.string() + "' '" + folder.path().string() + "'"))
    return testing::read_file(folder / "Base-R1_004/Gerber/Base.GTL");
  return testing::generated_gerber(1500, 1);
}

TEST(Gerber, ParsesTheFormatAndOperations) {
  const Result<GerberFile> file =
      parse_gerber("%FSLAX26Y26*%\n%MOIN*%\nX1000000Y-2000000D03*\nY500D01*\nM02*\n");
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_FALSE(file->metric);
  ASSERT_EQ(file->ops.size(), 2u);
  EXPECT_EQ(file->ops[0].y, -2000000);
  EXPECT_EQ(file->ops[1].x, 1000000);  // modal X
  EXPECT_EQ(file->ops[1].d, 1);
  EXPECT_NEAR(file->unit_mm(), 25.4e-6, 1e-12);
}

TEST(Gerber, RejectsAFileWithoutFormatOrWithBadNumbers) {
  EXPECT_FALSE(parse_gerber("X100Y100D03*\n").ok());
  const Result<GerberFile> bad = parse_gerber("%FSLAX26Y26*%\n%MOMM*%\nX12Y*\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where(), "3:5");
}

TEST(Gerber, MarkMovesOnlyCarriersWithinBounds) {
  const std::string master = testing::generated_gerber(400, 2);
  const Result<Marked> copy = mark(master, "gerber", kKey, "C1");
  ASSERT_TRUE(copy.ok()) << copy.error().to_string();
  EXPECT_NE(copy->bytes, master);
  EXPECT_GE(copy->min_shift, 1.0);
  EXPECT_LE(copy->max_shift, 5.0);
  EXPECT_GT(copy->carriers, 300u);
  const GerberFile a = parse_gerber(master).value(), b = parse_gerber(copy->bytes).value();
  ASSERT_EQ(a.ops.size(), b.ops.size());
  size_t moved = 0;
  for (size_t i = 0; i < a.ops.size(); ++i) {
    const double d = std::hypot(static_cast<double>(a.ops[i].x - b.ops[i].x),
                                static_cast<double>(a.ops[i].y - b.ops[i].y));
    EXPECT_LE(d, 5.0);  // 1 µm units
    moved += d > 0;
  }
  EXPECT_GT(moved, 300u);
  // A track end on a pad moves with the pad: the same master point maps to one copy point.
  std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, int64_t>> image;
  for (size_t i = 0; i < a.ops.size(); ++i) {
    const auto [it, fresh] = image.insert({{a.ops[i].x, a.ops[i].y}, {b.ops[i].x, b.ops[i].y}});
    EXPECT_EQ(it->second, std::make_pair(b.ops[i].x, b.ops[i].y));
  }
}

TEST(Gerber, TracesTwoRecipientsThroughEveryTransformation) {
  Folder folder;
  const std::string master = copper_layer(folder);
  std::map<std::string, std::string> copies;
  for (const std::string id : {"C3", "C7"}) copies[id] = mark(master, "gerber", kKey, id).value().bytes;
  for (const auto& [id, bytes] : copies) {
    testing::write_file(folder / (id + ".gbr"), bytes);
    std::map<std::string, std::string> suspects = {
        {"as released", bytes},
        {"re-quantized to 4.6 mm", replot(bytes, 0, 0, 0, "MM", 6, 1, 1)},
        {"re-quantized to 2.5 inch", replot(bytes, 0, 0, 0, "IN", 5, 1, 2)},
        {"rotated 90 and moved", replot(bytes, 90, 120, -35, "MM", 5, 1, 3)},
        {"rotated 17 and moved", replot(bytes, 17, 5, 5, "MM", 5, 1, 4)},
        {"half the objects removed", replot(bytes, 0, 0, 0, "MM", 3, 0.5, 5)},
    };
    if (testing::have("gerbv")) {
      const auto in = (folder / (id + ".gbr")).string();
      ASSERT_TRUE(testing::run("gerbv --export=rs274x --output=" + in + ".x " + in));
      suspects["gerbv --export=rs274x"] = testing::read_file(in + ".x");
      ASSERT_TRUE(testing::run("gerbv --export=rs274x -T 30x-12r33 --output=" + in + ".t " + in));
      suspects["gerbv translated and rotated"] = testing::read_file(in + ".t");
    }
    for (const auto& [how, suspect] : suspects)
      EXPECT_EQ(accused(suspect, master, "gerber"), std::vector<std::string>{id}) << id << " " << how;
  }
  EXPECT_TRUE(accused(master, master, "gerber").empty());
}

// gerbv reads the copy as the master with each object moved by at most 5 µm: its own export
// of both files has the same operations, one by one within 5 µm.
TEST(Gerber, GerbvReadsTheCopyAsTheMasterWithinMicrometres) {
  if (!testing::have("gerbv")) GTEST_SKIP() << "gerbv is not installed";
  Folder folder;
  const std::string master = testing::generated_gerber(300, 9);
  testing::write_file(folder / "master.gbr", master);
  testing::write_file(folder / "copy.gbr", mark(master, "gerber", kKey, "C1").value().bytes);
  std::vector<std::vector<Point>> seen;
  for (const std::string name : {"master", "copy"}) {
    const std::string in = (folder / (name + ".gbr")).string();
    ASSERT_TRUE(testing::run("gerbv --export=rs274x --output=" + in + ".x " + in));
    const Result<GerberFile> exported = parse_gerber(testing::read_file(in + ".x"));
    ASSERT_TRUE(exported.ok()) << exported.error().to_string();
    seen.push_back(gerber_points(*exported));
  }
  ASSERT_EQ(seen[0].size(), seen[1].size());
  size_t moved = 0;
  for (size_t i = 0; i < seen[0].size(); ++i) {
    const double microns = std::hypot(seen[0][i].x - seen[1][i].x, seen[0][i].y - seen[1][i].y) * 1000;
    EXPECT_LE(microns, 5.0 + 0.1);
    moved += microns >= 1.0;
  }
  EXPECT_GT(moved, seen[0].size() / 2);
}

TEST(Gerber, TwoColludersAveragingOrMixingAreNamed) {
  const std::string master = testing::generated_gerber(1500, 4);
  const std::string a = mark(master, "gerber", kKey, "C1").value().bytes;
  const std::string b = mark(master, "gerber", kKey, "C2").value().bytes;
  const GerberFile fa = parse_gerber(a).value(), fb = parse_gerber(b).value();
  // Averaging: each coordinate the mean of the two copies.
  std::string averaged = "%FSLAX43Y43*%\n%MOMM*%\n";
  std::string mixed = averaged;
  for (size_t i = 0; i < fa.ops.size(); ++i) {
    averaged += "X" + std::to_string((fa.ops[i].x + fb.ops[i].x) / 2) + "Y" +
                std::to_string((fa.ops[i].y + fb.ops[i].y) / 2) + "D03*\n";
    const GerberOp& pick =
        fa.ops[i].x < 50000 ? fa.ops[i] : fb.ops[i];  // the left half of one, the right of the other
    mixed += "X" + std::to_string(pick.x) + "Y" + std::to_string(pick.y) + "D03*\n";
  }
  for (const std::string& suspect : {averaged, mixed}) {
    const std::vector<std::string> named = accused(suspect, master, "gerber");
    ASSERT_FALSE(named.empty());
    for (const std::string& id : named) EXPECT_TRUE(id == "C1" || id == "C2") << id;
  }
}

TEST(Excellon, TracesTwoRecipientsAndNotTheMaster) {
  Folder folder;
  const auto zip = testing::ploopy() / "gerber" / "Base-R1_004.zip";
  std::string master = testing::generated_drill(300, 3);
  if (std::filesystem::exists(zip) &&
      testing::run(
          "python3 -c \"import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])\" '" +
          zip.string() + "' '" + folder.path().string() + "'"))
    master = testing::read_file(folder / "Base-R1_004/NC Drill/Base.TXT");
  for (const std::string id : {"C2", "C9"}) {
    const Result<Marked> copy = mark(master, "excellon", kKey, id);
    ASSERT_TRUE(copy.ok()) << copy.error().to_string();
    EXPECT_GE(copy->resists, 1) << copy->report_json;
    EXPECT_EQ(accused(copy->bytes, master, "excellon"), std::vector<std::string>{id});
    if (testing::have("gerbv")) {
      const auto in = (folder / (id + ".drl")).string();
      testing::write_file(in, copy->bytes);
      ASSERT_TRUE(testing::run("gerbv --export=drill -T 10x20r90 --output=" + in + ".x " + in));
      EXPECT_EQ(accused(testing::read_file(in + ".x"), master, "excellon"), std::vector<std::string>{id})
          << "gerbv drill export";
    }
  }
  EXPECT_TRUE(accused(master, master, "excellon").empty());
}

// A coordinate that is no number is refused at its line and column, as a file from outside may
// hold anything; it was once handed to std::stod, which threw.
TEST(Excellon, RefusesAWordThatIsNoNumberWhereItStands) {
  const std::string head = "M48\nMETRIC,LZ\nT1C0.300\n%\nT01\nX010000Y010000\n";
  for (const std::string bad : {"X010000Y.", "X-.Y1", "X1.2.3Y4", "X01-2Y3"}) {
    const Result<Capacity> read = make_excellon_format()->capacity(head + bad + "\nM30\n", "k");
    ASSERT_FALSE(read.ok()) << bad;
    EXPECT_EQ(read.error().where().substr(0, 2), "7:") << bad << ": " << read.error().to_string();
    EXPECT_NE(read.error().to_string().find("not a coordinate"), std::string::npos)
        << read.error().to_string();
  }
  EXPECT_TRUE(make_excellon_format()->capacity(head + "X+1.5Y-2.\nM30\n", "k").ok());
}

}  // namespace
}  // namespace moat::mark
