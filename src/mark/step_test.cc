// SPDX-License-Identifier: Apache-2.0
#include "mark/step.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "mark/mark.h"
#include "mark/mark_testing.h"
#include "mark/space.h"

namespace moat::mark {
namespace {

using testing::Folder;

const std::string kKey(32, 's');

std::vector<std::string> copy_ids() {
  std::vector<std::string> ids;
  for (int i = 1; i <= 12; ++i) ids.push_back("C" + std::to_string(i));
  return ids;
}

std::vector<std::string> accused(const std::string& suspect, const std::string& master) {
  const Result<Trace> t = trace(suspect, master, "step", kKey, copy_ids());
  std::vector<std::string> out;
  if (!t.ok()) return {"error: " + t.error().message()};
  for (const CopyScore& c : t->copies)
    if (c.accused) out.push_back(c.copy_id);
  return out;
}

// A generated model: one B-spline surface with a 24×24 control net over 100 mm, in inches.
std::string generated_step() {
  std::string out = "ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('AUTOMOTIVE_DESIGN'));\nENDSEC;\nDATA;\n";
  out += "#1=(CONVERSION_BASED_UNIT('INCH',#2)LENGTH_UNIT()NAMED_UNIT(#3));\n";
  out +=
      "#2=LENGTH_MEASURE_WITH_UNIT(LENGTH_MEASURE(25.4),#4);\n#3=DIMENSIONAL_EXPONENTS(1.,0.,0.,0.,0.,0.,0.);"
      "\n";
  out += "#4=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));\n";
  out += "#5=UNCERTAINTY_MEASURE_WITH_UNIT(LENGTH_MEASURE(1.E-17),#1,'distance_accuracy_value','');\n";
  out +=
      "#6=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNCERTAINTY_ASSIGNED_CONTEXT((#5))GLOBAL_UNIT_ASSIGNED_"
      "CONTEXT((#1))REPRESENTATION_CONTEXT('',''));\n";
  std::string net = "(";
  int id = 100;
  for (int i = 0; i < 24; ++i) {
    net += i ? ",(" : "(";
    for (int j = 0; j < 24; ++j) {
      char point[160];
      std::snprintf(point, sizeof point, "#%d=CARTESIAN_POINT('',(%.10f,%.10f,%.10f));\n", id, i * 0.17,
                    j * 0.17, 0.3 * std::sin(i * 0.4) * std::cos(j * 0.3));
      out += point;
      net += (j ? ",#" : "#") + std::to_string(id++);
    }
    net += ")";
  }
  net += ")";
  out += "#10=B_SPLINE_SURFACE_WITH_KNOTS('',3,3," + net +
         ",.UNSPECIFIED.,.F.,.F.,.F.,(4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,4),"
         "(4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,4),(0.,1.,2.,3.,4.,5.,6.,7.,8.,9.,10.,11.,12.,13.,14.,"
         "15.,16.,17.,18.,19.,20.,21.),"
         "(0.,1.,2.,3.,4.,5.,6.,7.,8.,9.,10.,11.,12.,13.,14.,15.,16.,17.,18.,19.,20.,21.),.UNSPECIFIED.);\n";
  return out + "ENDSEC;\nEND-ISO-10303-21;\n";
}

// Another exporter's view of the same model: entities renumbered (in reverse order, from
// 5000), one entity per two lines, reals rounded to `digits` significant digits.
std::string rewritten(const std::string& text, int digits) {
  const size_t data = text.find("DATA;");
  std::string out = text.substr(0, data);
  for (size_t i = data; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '#' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      size_t end = i + 1;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
      out += "#" + std::to_string(900000 - std::stol(text.substr(i + 1, end - i - 1)));
      i = end - 1;
    } else if ((c == '-' || std::isdigit(static_cast<unsigned char>(c))) && i > 0 &&
               (text[i - 1] == '(' || text[i - 1] == ',') &&
               text.find_first_of(".,)", i) != std::string::npos &&
               text[text.find_first_not_of("-0123456789", i)] == '.') {
      size_t end = i;
      while (end < text.size() &&
             std::string_view("-+0123456789.E").find(text[end]) != std::string_view::npos)
        ++end;
      char number[48];
      std::snprintf(number, sizeof number, "%.*E", digits - 1, std::stod(text.substr(i, end - i)));
      out += number;
      i = end - 1;
    } else {
      out += c;
      if (c == '=') out += "\n  ";
    }
  }
  return out;
}

TEST(Step, ReadsPointsInMillimetresWhateverTheUnit) {
  const Result<std::vector<Point3>> points = step_points(generated_step());
  ASSERT_TRUE(points.ok()) << points.error().to_string();
  ASSERT_EQ(points->size(), 576u);
  EXPECT_NEAR((*points)[25].x, 0.17 * 25.4, 1e-9);
  EXPECT_NEAR((*points)[25].y, 0.17 * 25.4, 1e-9);
}

TEST(Step, RejectsWhatIsNotStepWithAPlace) {
  EXPECT_FALSE(step_points("solid cube\nendsolid\n").ok());
  const Result<std::vector<Point3>> cut =
      step_points("ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\n#1=CARTESIAN_POINT('',(1.,2.,3.))\n");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().where(), "5:1");
}

// Names and strings hold any text: a type's name inside a string, a quote doubled inside a name,
// a coordinate that is not a number and a list with no coordinates are read or refused where they
// stand, and nothing loops (the strings' last quote is the file's last).
TEST(Step, StringsAndBadNumbersAreReadWhereTheyStand) {
  const std::string head = "ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\n";
  const std::string points =
      "#1=CARTESIAN_POINT('it''s (here)',(1.,2.,3.));\n#2=CARTESIAN_POINT('',(4.,5.,6.));\n"
      "#3=CARTESIAN_POINT('',(7.,8.,-9.E-1));\n";
  const std::string tail =
      "#9=(REPRESENTATION_ITEM('B_SPLINE_CURVE((')CURVE());\nENDSEC;\nEND-ISO-10303-21;\n";
  const Result<std::vector<Point3>> read = step_points(head + points + tail);
  ASSERT_TRUE(read.ok()) << read.error().to_string();
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ((*read)[0], (Point3{1, 2, 3}));
  EXPECT_EQ((*read)[2], (Point3{7, 8, -0.9}));
  const Result<std::unique_ptr<PreparedMaster>> prepared =
      make_step_format()->prepare(head + points + tail, "k");
  EXPECT_TRUE(prepared.ok()) << prepared.error().to_string();
  const Result<std::vector<Point3>> word = step_points(head + "#1=CARTESIAN_POINT('',(1.,2x,3.));\n" + tail);
  ASSERT_FALSE(word.ok());
  EXPECT_EQ(word.error().where(), "5:27");
  EXPECT_NE(word.error().to_string().find("2x"), std::string::npos) << word.error().to_string();
  const Result<std::vector<Point3>> empty = step_points(head + "#1=CARTESIAN_POINT('',());\n" + tail);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().where(), "5:4");
}

TEST(Step, CopyDiffersOnlyInTheDigitsOfPointsMovedAtMostOneMicrometre) {
  const std::string master = generated_step();
  const Result<Marked> copy = mark(master, "step", kKey, "C1");
  ASSERT_TRUE(copy.ok()) << copy.error().to_string();
  EXPECT_GT(copy->carriers, 400u);  // the 22×22 interior poles
  EXPECT_LE(copy->max_shift, 1.0 + 1e-9);
  const std::vector<Point3> a = step_points(master).value(), b = step_points(copy->bytes).value();
  ASSERT_EQ(a.size(), b.size());
  size_t moved = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double microns = norm(a[i] - b[i]) * 1000;
    EXPECT_LE(microns, 1.0 + 1e-6);
    moved += microns > 0.01;
  }
  EXPECT_EQ(moved, copy->carriers);
  EXPECT_EQ(std::count(master.begin(), master.end(), '\n'),
            std::count(copy->bytes.begin(), copy->bytes.end(), '\n'));
}

TEST(Step, GeneratedModelTracedThroughRenumberingAndTenDigits) {
  const std::string master = generated_step();
  for (const std::string id : {"C4", "C11"}) {
    const std::string copy = mark(master, "step", kKey, id).value().bytes;
    EXPECT_EQ(accused(copy, master), std::vector<std::string>{id});
    EXPECT_EQ(accused(rewritten(copy, 10), master), std::vector<std::string>{id}) << "renumbered, 10 digits";
  }
  EXPECT_TRUE(accused(master, master).empty());
  EXPECT_TRUE(accused(rewritten(master, 10), master).empty());
}

// The same text with the DATA section's lines cut every `columns` characters wherever that falls,
// inside a number or a name too (ISO 10303-21 ignores line breaks; some exporters write this).
std::string wrapped(const std::string& text, size_t columns, const std::string& line_end) {
  const size_t data = text.find("DATA;");
  std::string out = text.substr(0, data);
  size_t column = 0;
  for (size_t i = data; i < text.size(); ++i) {
    if (text[i] == '\n') {
      out += line_end;
      column = 0;
      continue;
    }
    if (column == columns) {
      out += line_end;
      column = 0;
    }
    out += text[i];
    ++column;
  }
  return out;
}

TEST(Step, LineBreaksInsideTokensAreIgnoredInMastersAndSuspects) {
  const std::string master = generated_step();
  for (const std::string line_end : {"\n", "\r\n"}) {
    const std::string cut = wrapped(master, 23, line_end);
    size_t numbers_cut = 0;
    for (size_t at = cut.find(line_end); at != std::string::npos; at = cut.find(line_end, at + 1)) {
      const size_t after = at + line_end.size();
      numbers_cut += at > 0 && after < cut.size() && std::isdigit(static_cast<unsigned char>(cut[at - 1])) &&
                     std::isdigit(static_cast<unsigned char>(cut[after]));
    }
    ASSERT_GT(numbers_cut, 100u) << "no number cut: the test reads nothing";
    EXPECT_EQ(step_points(cut).value(), step_points(master).value());
    // A copy of the wrapped master is marked and names its recipient; so does a marked copy that
    // a leaker wrapped.
    const Result<Marked> copy = mark(cut, "step", kKey, "C3");
    ASSERT_TRUE(copy.ok()) << copy.error().to_string();
    EXPECT_GT(copy->carriers, 400u);
    EXPECT_EQ(accused(copy->bytes, cut), std::vector<std::string>{"C3"});
    EXPECT_EQ(accused(wrapped(mark(master, "step", kKey, "C7").value().bytes, 23, line_end), master),
              std::vector<std::string>{"C7"});
  }
}

#ifdef MOAT_STEP_OCCT
std::string occt(const std::string& arguments) {
  std::string out;
  FILE* pipe = popen((std::string(MOAT_STEP_OCCT) + " " + arguments + " 2>/dev/null").c_str(), "r");
  char buffer[256];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  if (pipe) pclose(pipe);
  return out;
}

// The Ploopy trackball's Wedge (STEP Tools exporter): OCCT finds master and copy equally valid
// with the same volume, and every transformation still names the recipient.
TEST(Step, RealModelTracedThroughOpenCascade) {
  const auto path = testing::ploopy() / "step" / "Wedge.stp";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "the real-world STEP files are not present";
  Folder folder;
  const std::string master = testing::read_file(path);
  int valid = 0, faces = 0;
  double master_volume = 0;
  ASSERT_EQ(std::sscanf(occt("check " + path.string()).c_str(), "valid %d volume %lf faces %d", &valid,
                        &master_volume, &faces),
            3);
  for (const std::string id : {"C2", "C8"}) {
    const auto copy = folder / (id + ".stp");
    testing::write_file(copy, mark(master, "step", kKey, id).value().bytes);
    int copy_valid = 0, copy_faces = 0;
    double copy_volume = 0;
    ASSERT_EQ(std::sscanf(occt("check " + copy.string()).c_str(), "valid %d volume %lf faces %d", &copy_valid,
                          &copy_volume, &copy_faces),
              3);
    EXPECT_EQ(copy_valid, valid);
    EXPECT_EQ(copy_faces, faces);
    EXPECT_LT(std::abs(copy_volume - master_volume) / master_volume, 1e-6);
    EXPECT_EQ(accused(rewritten(testing::read_file(copy), 10), master), std::vector<std::string>{id});
    for (const std::string how : {"roundtrip", "move", "half", "assembly"}) {
      const auto out = folder / (id + "." + how + ".stp");
      occt(how + " " + copy.string() + " " + out.string());
      EXPECT_EQ(accused(testing::read_file(out), master), std::vector<std::string>{id}) << how;
    }
  }
  EXPECT_TRUE(accused(master, master).empty());
}
#endif

}  // namespace
}  // namespace moat::mark
