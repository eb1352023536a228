// SPDX-License-Identifier: Apache-2.0
#include "mark/pdf.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <regex>

#include "mark/mark.h"
#include "mark/mark_testing.h"

namespace moat::mark {
namespace {

using testing::Folder;

const std::string kKey(32, 'p');
const std::string kStamp = "王小明 · Acme Robotics · 2026-12-05 · R3";

std::vector<std::string> copy_ids() {
  std::vector<std::string> ids;
  for (int i = 1; i <= 12; ++i) ids.push_back("C" + std::to_string(i));
  return ids;
}

std::vector<std::string> accused(const std::string& suspect, const std::string& master) {
  const Result<Trace> t = trace(suspect, master, "pdf", kKey, copy_ids());
  if (!t.ok()) return {"error: " + t.error().message()};
  std::vector<std::string> out;
  for (const CopyScore& c : t->copies)
    if (c.accused) out.push_back(c.copy_id);
  return out;
}

std::string master_pdf() {
  const auto real = testing::ploopy() / "pdf" / "Base-R1_005-schematic.pdf";
  return std::filesystem::exists(real) ? testing::read_file(real) : testing::generated_pdf();
}

std::string output_of(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  char buffer[4096];
  size_t n = 0;
  while (pipe && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  if (pipe) pclose(pipe);
  return out;
}

// The stamp deleted as an editor would: the layer's marked content cut out of every page
// (qpdf --qdf to expose the streams, fix-qdf to repair the lengths).
std::string without_stamp(const Folder& folder, const std::string& copy) {
  testing::write_file(folder / "in.pdf", copy);
  if (!testing::run("qpdf --qdf --object-streams=disable " + (folder / "in.pdf").string() + " " +
                    (folder / "in.qdf").string()))
    return "";
  const std::string qdf = testing::read_file(folder / "in.qdf");
  testing::write_file(folder / "cut.qdf",
                      std::regex_replace(qdf, std::regex("/OC /MoatStamp BDC[^]*?EMC"), ""));
  return output_of("fix-qdf " + (folder / "cut.qdf").string());
}

// Pixels of `b` that no pixel of `a` within one pixel explains (gray levels ± 32), outside the
// stamp's strip at the bottom: a sub-pixel move shows at most as a one-pixel shift of an edge.
size_t unexplained(const std::string& a, const std::string& b, size_t width, size_t height, size_t strip) {
  size_t count = 0;
  for (size_t r = 1; r + 1 < height - strip; ++r)
    for (size_t c = 1; c + 1 < width; ++c) {
      const int v = static_cast<unsigned char>(b[r * width + c]);
      int lo = 255, hi = 0;
      for (size_t dr = r - 1; dr <= r + 1; ++dr)
        for (size_t dc = c - 1; dc <= c + 1; ++dc) {
          const int u = static_cast<unsigned char>(a[dr * width + dc]);
          lo = std::min(lo, u), hi = std::max(hi, u);
        }
      count += v < lo - 32 || v > hi + 32;
    }
  return count;
}

TEST(Pdf, MarksEveryPageWithAStampAndPassesQpdfCheck) {
  if (!testing::have("qpdf") || !testing::have("pdftotext")) GTEST_SKIP() << "qpdf or poppler-utils missing";
  Folder folder;
  const std::string master = master_pdf();
  const Result<Marked> copy = mark(master, "pdf", kKey, "C1", kStamp);
  ASSERT_TRUE(copy.ok()) << copy.error().to_string();
  EXPECT_GE(copy->resists, 1) << copy->report_json;
  testing::write_file(folder / "copy.pdf", copy->bytes);
  EXPECT_TRUE(testing::run("qpdf --check " + (folder / "copy.pdf").string()));
  const std::string text = output_of("pdftotext " + (folder / "copy.pdf").string() + " -");
  EXPECT_NE(text.find("王小明"), std::string::npos);
  EXPECT_NE(text.find("Acme"), std::string::npos);
  // The stamp's font goes with the copy: every reader and printer shows the same text.
  const std::string fonts = output_of("pdffonts " + (folder / "copy.pdf").string());
  EXPECT_TRUE(
      std::regex_search(fonts, std::regex(R"(NotoSansCJK\S*\s+CID Type 0C\s+Identity-H\s+yes yes yes)")))
      << fonts;
  const std::string cut = without_stamp(folder, copy->bytes);
  ASSERT_FALSE(cut.empty());
  testing::write_file(folder / "cut.pdf", cut);
  EXPECT_EQ(output_of("pdftotext " + (folder / "cut.pdf").string() + " -").find("王小明"), std::string::npos);
}

// A stamp no installed font holds every character of (here one of plane 16's private use) names
// Adobe-GB1's STSong for readers to substitute, and still reads as its text.
TEST(Pdf, StampNamesAFontWhenNoInstalledOneHoldsItsText) {
  if (!testing::have("pdffonts") || !testing::have("pdftotext")) GTEST_SKIP() << "poppler-utils missing";
  Folder folder;
  const Result<Marked> copy = mark(master_pdf(), "pdf", kKey, "C1", "王小明 \U0010FFFD Acme");
  ASSERT_TRUE(copy.ok()) << copy.error().to_string();
  testing::write_file(folder / "copy.pdf", copy->bytes);
  const std::string fonts = output_of("pdffonts " + (folder / "copy.pdf").string());
  EXPECT_NE(fonts.find("STSong-Light"), std::string::npos) << fonts;
  EXPECT_EQ(fonts.find("NotoSansCJK"), std::string::npos) << fonts;
  const std::string text = output_of("pdftotext " + (folder / "copy.pdf").string() + " -");
  EXPECT_NE(text.find("王小明"), std::string::npos);
  EXPECT_NE(text.find("Acme"), std::string::npos);
}

// The stamp is where a reader shows the page's bottom left, upright, inside its crop box, on
// pages turned by /Rotate as on others: its red pixels, rendered by poppler.
TEST(Pdf, StampIsUprightAtTheBottomLeftOfThePageAsShown) {
  if (!testing::have("pdftoppm")) GTEST_SKIP() << "poppler-utils missing";
  Folder folder;
  for (const int turn : {0, 90, 180, 270}) {
    const std::string master =
        testing::generated_pdf(1, 250, 3, "/Rotate " + std::to_string(turn) + " /CropBox [40 30 752 582]");
    const Result<Marked> copy = mark(master, "pdf", kKey, "C1", kStamp);
    ASSERT_TRUE(copy.ok()) << copy.error().to_string();
    testing::write_file(folder / "copy.pdf", copy->bytes);
    ASSERT_TRUE(testing::run("pdftoppm -r 72 -cropbox -singlefile " + (folder / "copy.pdf").string() + " " +
                             (folder / "shown").string()));
    const std::string ppm = testing::read_file(folder / "shown.ppm");
    size_t width = 0, height = 0;
    int header = 0;
    ASSERT_EQ(std::sscanf(ppm.c_str(), "P6 %zu %zu 255%*c%n", &width, &height, &header), 2);
    const auto offset = static_cast<size_t>(header);
    ASSERT_EQ(ppm.size() - offset, width * height * 3);
    EXPECT_EQ(width, turn % 180 ? 552u : 712u) << turn << ": the crop box, turned";
    size_t x0 = width, y0 = height, x1 = 0, y1 = 0;
    for (size_t y = 0; y < height; ++y)
      for (size_t x = 0; x < width; ++x) {
        const auto* rgb = reinterpret_cast<const unsigned char*>(ppm.data() + offset + 3 * (y * width + x));
        if (rgb[0] > 120 && rgb[1] < 100 && rgb[2] < 100)
          x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
      }
    ASSERT_LT(x0, x1) << turn << ": no stamp shown";
    EXPECT_GT(x1 - x0, 10 * (y1 - y0)) << turn << ": a line of text across the page";
    EXPECT_GE(x0, 4u) << turn;
    EXPECT_LE(x0, 10u) << turn;
    EXPECT_LT(x1, width / 2) << turn;
    EXPECT_GT(y0, height - 16) << turn;
    EXPECT_LT(y1, height - 2) << turn;
  }
}

TEST(Pdf, RenderingIsUnchangedOutsideTheStamp) {
  if (!testing::have("pdftoppm")) GTEST_SKIP() << "poppler-utils missing";
  Folder folder;
  const std::string master = master_pdf();
  testing::write_file(folder / "master.pdf", master);
  testing::write_file(folder / "copy.pdf", mark(master, "pdf", kKey, "C1", kStamp).value().bytes);
  std::vector<std::string> pixels;
  size_t width = 0, height = 0;
  for (const std::string name : {"master", "copy"}) {
    const std::string pgm =
        output_of("pdftoppm -r 150 -gray -f 1 -l 1 " + (folder / (name + ".pdf")).string());
    ASSERT_GT(pgm.size(), 20u);
    std::sscanf(pgm.c_str(), "P5 %zu %zu", &width, &height);
    size_t header = 0;
    for (int newlines = 0; newlines < 3 && header < pgm.size(); ++header) newlines += pgm[header] == '\n';
    pixels.push_back(pgm.substr(header));
  }
  ASSERT_EQ(pixels[0].size(), width * height);
  ASSERT_EQ(pixels[1].size(), width * height);
  const size_t strip = 20 * 150 / 72;
  EXPECT_EQ(unexplained(pixels[0], pixels[1], width, height, strip), 0u);
  EXPECT_EQ(unexplained(pixels[1], pixels[0], width, height, strip), 0u);
}

TEST(Pdf, TracesTwoRecipientsThroughEveryRewriter) {
  Folder folder;
  const std::string master = master_pdf();
  for (const std::string id : {"C2", "C5"}) {
    const std::string copy = mark(master, "pdf", kKey, id, kStamp).value().bytes;
    const std::string in = (folder / (id + ".pdf")).string();
    testing::write_file(in, copy);
    std::map<std::string, std::string> suspects = {{"as released", copy}};
    struct Rewriter {
      std::string how, tool, command;
    };
    const std::vector<Rewriter> rewriters = {
        {"qpdf", "qpdf", "qpdf --object-streams=generate {in} {out}"},
        {"mutool", "mutool", "mutool clean -gggz {in} {out}"},
        {"gs", "gs", "gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sOutputFile={out} {in}"},
        {"pdftocairo", "pdftocairo", "pdftocairo -pdf {in} {out}"},
        // Printed to other paper, fitted to it: scaled (and turned, where the paper's orientation
        // differs from the page's).
        {"gs to Letter, fitted", "gs",
         "gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sPAPERSIZE=letter -dFIXEDMEDIA -dPDFFitPage "
         "-sOutputFile={out} {in}"},
        {"gs to A3, fitted", "gs",
         "gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sPAPERSIZE=a3 -dFIXEDMEDIA -dPDFFitPage "
         "-sOutputFile={out} {in}"},
        {"pdftocairo to Letter", "pdftocairo", "pdftocairo -pdf -paper letter {in} {out}"},
        // Printed through PostScript (a CUPS queue's filter, or a PostScript printer's driver) and
        // distilled back: Ghostscript needs the stamp's font embedded to do it.
        {"pdftops, then ps2pdf", "ps2pdf", "pdftops {in} {out}.ps && ps2pdf {out}.ps {out}"}};
    for (const auto& [how, tool, command] : rewriters) {
      if (!testing::have(tool)) continue;
      const std::string out = in + "." + std::to_string(suspects.size()) + ".pdf";
      // Placeholders no temporary folder's name can hold (a random "IN" in it once broke the path).
      std::string line = command;
      for (size_t at; (at = line.find("{out}")) != std::string::npos;) line.replace(at, 5, out);
      line.replace(line.find("{in}"), 4, in);
      ASSERT_TRUE(testing::run(line)) << line;
      suspects[how] = testing::read_file(out);
    }
    if (testing::have("qpdf")) suspects["stamp deleted"] = without_stamp(folder, copy);
    for (const auto& [how, suspect] : suspects)
      EXPECT_EQ(accused(suspect, master), std::vector<std::string>{id}) << id << " " << how;
  }
  EXPECT_TRUE(accused(master, master).empty());
}

// A page taken out of the set (sent alone: the schematic's page 7, of 100 carriers, enough to name
// one leaker), and the pages put in another order: each page is read against the master page it
// registers on.
TEST(Pdf, TracesAPageSentAloneOrMovedInTheSet) {
  if (!testing::have("qpdf")) GTEST_SKIP() << "qpdf missing";
  Folder folder;
  const auto real = testing::ploopy() / "pdf" / "Base-R1_005-schematic.pdf";
  const std::string master =
      std::filesystem::exists(real) ? testing::read_file(real) : testing::generated_pdf(4);
  const std::string copy = mark(master, "pdf", kKey, "C7", kStamp).value().bytes;
  const std::string in = (folder / "copy.pdf").string();
  testing::write_file(in, copy);
  for (const std::string pages : {"7", "z-1", "3,1"}) {
    const std::string out = (folder / "pages.pdf").string();
    ASSERT_TRUE(testing::run("qpdf --empty --pages " + in + " " + pages + " -- " + out));
    const std::string suspect = testing::read_file(out);
    EXPECT_EQ(accused(suspect, master), std::vector<std::string>{"C7"}) << "pages " << pages;
    const Result<Trace> traced = trace(suspect, master, "pdf", kKey, copy_ids());
    ASSERT_TRUE(traced.ok());
    EXPECT_NE(traced->reading.transform.find("from another page"), std::string::npos)
        << traced->reading.transform;
  }
}

}  // namespace
}  // namespace moat::mark
