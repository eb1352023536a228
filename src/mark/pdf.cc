// SPDX-License-Identifier: Apache-2.0
#include "mark/pdf.h"

#define POINTERHOLDER_TRANSITION 4  // qpdf 11: std::shared_ptr throughout
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "mark/pdf_stamp.h"
#include "mark/planar.h"
#include "mark/prf.h"

namespace moat::mark {
namespace {

// Page coordinates are scaled into the planar engine's units so that its tolerances (20 µm to
// match, 25 µm of isolation, 3 µm shifts) become 0.33 pt, 0.42 pt and 0.05 pt.
constexpr double kUnitsPerPoint = 0.003 / kPdfShift;

// A page whose rigid registration explains fewer of its points than this is tried at other scales;
// one whose scale is within this of 1 is not scaled (the rigid registration is the better fit).
constexpr double kScaledBelow = 0.5;
constexpr double kSameScale = 1e-4;
// A suspect page the master's page of the same place does not explain is tried against this many
// other master pages at most, and a whole file against this many in all: a long unrelated file
// must not cost pages times pages.
constexpr size_t kOtherPagesTried = 8;
constexpr size_t kOtherPagesTriedInAll = 64;

using Matrix = std::array<double, 6>;  // a b c d e f, as PDF writes it

Matrix multiply(const Matrix& m, const Matrix& n) {  // m then n
  return {m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],        m[2] * n[0] + m[3] * n[2],
          m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]};
}

// One path point as written: which content stream, where its two numbers are, its value in the
// stream's space and in page space, and the matrix in force.
struct PathPoint {
  size_t stream = 0;
  size_t x_offset = 0, x_length = 0, y_offset = 0, y_length = 0;
  double x = 0, y = 0;
  Point page;
  Matrix ctm{};
  size_t subpath = 0;  // the subpath (from its m or re) the point belongs to, per page
  bool fixed = false;  // inside a form drawn more than once
};

struct Page {
  std::vector<PathPoint> points;
  size_t subpaths = 0;
  double width = 0, height = 0;  // of its media box, in points (0: unread)
};

// The content streams of a document (page contents, forms) and their decoded bytes.
struct Contents {
  std::vector<QPDFObjectHandle> streams;
  std::vector<std::string> data;
  std::vector<Page> pages;
};

class Interpreter : public QPDFObjectHandle::ParserCallbacks {
 public:
  Interpreter(Contents& contents, Page& page, size_t stream, QPDFObjectHandle resources, Matrix ctm,
              std::map<QPDFObjGen, int>& drawn, bool fixed)
      : contents_(contents),
        page_(page),
        stream_(stream),
        resources_(resources),
        drawn_(drawn),
        fixed_(fixed) {
    stack_.push_back(ctm);
  }
  void handleObject(QPDFObjectHandle object, size_t offset, size_t length) override {
    if (!object.isOperator()) {
      operands_.push_back({object, offset, length});
      return;
    }
    run(object.getOperatorValue());
    operands_.clear();
  }
  void handleEOF() override {}

 private:
  struct Operand {
    QPDFObjectHandle object;
    size_t offset = 0, length = 0;
  };
  double number(size_t i) { return operands_[i].object.getNumericValue(); }
  bool numbers(size_t count) {
    if (operands_.size() != count) return false;
    for (Operand& o : operands_)
      if (!o.object.isNumber()) return false;
    return true;
  }
  void point(size_t ix) {
    const Matrix& m = stack_.back();
    PathPoint p{stream_,
                operands_[ix].offset,
                operands_[ix].length,
                operands_[ix + 1].offset,
                operands_[ix + 1].length,
                number(ix),
                number(ix + 1),
                {},
                m,
                page_.subpaths,
                fixed_};
    p.page = {(m[0] * p.x + m[2] * p.y + m[4]) * kUnitsPerPoint,
              (m[1] * p.x + m[3] * p.y + m[5]) * kUnitsPerPoint};
    page_.points.push_back(p);
  }
  void run(const std::string& op) {
    if (op == "q")
      stack_.push_back(stack_.back());
    else if (op == "Q" && stack_.size() > 1)
      stack_.pop_back();
    else if (op == "cm" && numbers(6))
      stack_.back() =
          multiply({number(0), number(1), number(2), number(3), number(4), number(5)}, stack_.back());
    else if ((op == "m" || op == "re") && operands_.size() >= 2 && numbers(operands_.size()))
      ++page_.subpaths, point(0);
    else if (op == "l" && numbers(2))
      point(0);
    else if (op == "c" && numbers(6))
      point(0), point(2), point(4);
    else if ((op == "v" || op == "y") && numbers(4))
      point(0), point(2);
    else if (op == "Do" && operands_.size() == 1 && operands_[0].object.isName())
      draw(operands_[0].object.getName());
  }
  void draw(const std::string& name) {
    if (!resources_.isDictionary()) return;
    QPDFObjectHandle xobjects = resources_.getKey("/XObject");
    if (!xobjects.isDictionary()) return;
    QPDFObjectHandle form = xobjects.getKey(name);
    if (!form.isStream() || !form.getDict().getKey("/Subtype").isNameAndEquals("/Form") || stack_.size() > 64)
      return;
    Matrix matrix{1, 0, 0, 1, 0, 0};
    QPDFObjectHandle m = form.getDict().getKey("/Matrix");
    if (m.isArray() && m.getArrayNItems() == 6)
      for (int i = 0; i < 6; ++i) matrix[static_cast<size_t>(i)] = m.getArrayItem(i).getNumericValue();
    const bool again = ++drawn_[form.getObjGen()] > 1;
    QPDFObjectHandle resources = form.getDict().getKey("/Resources");
    const size_t index = contents_.streams.size();
    contents_.streams.push_back(form);
    const auto buffer = form.getStreamData(qpdf_dl_generalized);
    contents_.data.emplace_back();
    contents_.data.back().assign(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
    Interpreter inner(contents_, page_, index, resources.isDictionary() ? resources : resources_,
                      multiply(matrix, stack_.back()), drawn_, fixed_ || again);
    QPDFObjectHandle::parseContentStream(form, &inner);
  }

  Contents& contents_;
  Page& page_;
  size_t stream_;
  QPDFObjectHandle resources_;
  std::map<QPDFObjGen, int>& drawn_;
  bool fixed_;
  std::vector<Matrix> stack_;
  std::vector<Operand> operands_;
};

// Opens a PDF from memory. Fails (kInput) when qpdf cannot read it.
Result<std::unique_ptr<QPDF>> open(std::string_view bytes) {
  auto pdf = std::make_unique<QPDF>();
  pdf->setSuppressWarnings(true);
  try {
    pdf->processMemoryFile("pdf", bytes.data(), bytes.size());
  } catch (const std::exception& e) {
    return input_error("", std::string("not a readable PDF: ") + e.what());
  }
  return pdf;
}

// Every page's path points, each page's contents coalesced into one stream first.
Result<Contents> interpret(QPDF& pdf) {
  Contents contents;
  try {
    std::map<QPDFObjGen, int> drawn;
    for (QPDFPageObjectHelper page : QPDFPageDocumentHelper(pdf).getAllPages()) {
      page.coalesceContentStreams();
      QPDFObjectHandle stream = page.getObjectHandle().getKey("/Contents");
      contents.pages.emplace_back();
      if (QPDFObjectHandle box = page.getMediaBox(); box.isRectangle()) {
        const QPDFObjectHandle::Rectangle r = box.getArrayAsRectangle();
        contents.pages.back().width = std::abs(r.urx - r.llx),
        contents.pages.back().height = std::abs(r.ury - r.lly);
      }
      if (!stream.isStream()) continue;
      contents.streams.push_back(stream);
      const auto buffer = stream.getStreamData(qpdf_dl_generalized);
      contents.data.emplace_back(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
      Interpreter interpreter(contents, contents.pages.back(), contents.streams.size() - 1,
                              page.getAttribute("/Resources", false), {1, 0, 0, 1, 0, 0}, drawn, false);
      QPDFObjectHandle::parseContentStream(stream, &interpreter);
    }
  } catch (const std::exception& e) {
    return input_error("", std::string("unreadable page content: ") + e.what());
  }
  return contents;
}

// The carriers: subpaths (moved whole, so that shapes and their alignment to the page's axes are
// kept) drawn by streams drawn once. Their points are read where no other subpath's point lies
// within the isolation distance.
struct PdfCarriers {
  std::vector<std::pair<size_t, size_t>> subpath;  // page, subpath
  std::vector<Point> shift;                        // page-space shift for symbol 1 (scaled)
  Layout layout;                                   // over subpaths
  // The points read: page, position (scaled), carrier index.
  std::vector<std::tuple<size_t, Point, size_t>> readable;
};

std::pair<int64_t, int64_t> key(Point p) {
  return {std::llround(p.x / kUnitsPerPoint * 1000), std::llround(p.y / kUnitsPerPoint * 1000)};
}

PdfCarriers carriers_of(const Contents& contents, std::string_view secret) {
  PdfCarriers out;
  for (size_t page = 0; page < contents.pages.size(); ++page) {
    const std::vector<PathPoint>& points = contents.pages[page].points;
    std::vector<bool> fixed(contents.pages[page].subpaths + 1, false);
    for (const PathPoint& p : points) fixed[p.subpath] = fixed[p.subpath] || p.fixed;
    std::map<std::pair<int64_t, int64_t>, std::set<size_t>> owners;  // who draws each position
    for (const PathPoint& p : points) owners[key(p.page)].insert(p.subpath);
    std::vector<Point> distinct;
    std::vector<size_t> alone_candidates;
    std::vector<size_t> owner;
    for (const auto& [k, subpaths] : owners) {
      if (subpaths.size() == 1 && !fixed[*subpaths.begin()]) alone_candidates.push_back(distinct.size());
      distinct.push_back({static_cast<double>(k.first) * kUnitsPerPoint / 1000,
                          static_cast<double>(k.second) * kUnitsPerPoint / 1000});
      owner.push_back(*subpaths.begin());
    }
    std::map<size_t, size_t> carrier_of;  // subpath → carrier index
    for (const size_t i : isolated(distinct, alone_candidates)) {
      const auto [it, fresh] = carrier_of.insert({owner[i], out.subpath.size()});
      if (fresh) out.subpath.push_back({page, owner[i]});
      out.readable.push_back({page, distinct[i], it->second});
    }
  }
  const std::vector<Point> direction = directions(out.subpath.size(), secret);
  for (const Point d : direction)
    out.shift.push_back({d.x * kPdfShift * kUnitsPerPoint, d.y * kPdfShift * kUnitsPerPoint});
  out.layout = assign_positions(out.subpath.size(), secret);
  return out;
}

std::string format_number(double value, double step) {
  const int decimals =
      std::clamp(static_cast<int>(std::ceil(-std::log10(std::max(std::abs(step) * 0.01, 1e-9)))), 0, 8);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string write(QPDF& pdf) {
  QPDFWriter writer(pdf);
  writer.setOutputMemory();
  writer.setDeterministicID(true);
  writer.write();
  const auto buffer = writer.getBufferSharedPointer();
  return {reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize()};
}

// How a suspect's page lies on a master page: the rigid registration of its points, as read (or
// taken back to the master's scale first, with that scale).
struct PageRegistration {
  Registration registration;
  std::vector<Point> points;
  std::optional<double> scale;
};

// The scales a page of `master` size printed to paper of `suspect` size and fitted to it takes, in
// either orientation: the lesser of the two sides' ratios.
std::vector<double> fitted_scales(const Page& master, const Page& suspect) {
  if (!(master.width > 0 && master.height > 0 && suspect.width > 0 && suspect.height > 0)) return {};
  return {std::min(suspect.width / master.width, suspect.height / master.height),
          std::min(suspect.width / master.height, suspect.height / master.width)};
}

// Registers a suspect page on a master page: rigidly, and where that explains under half of its
// points, at the scale the page was printed at ("fit to page" on other paper) when that fits better.
std::optional<PageRegistration> register_page(const PlanarMaster& master, const std::vector<Point>& suspect,
                                              const std::vector<double>& scales) {
  Result<Registration> rigid = register_points(master, suspect);
  std::optional<PageRegistration> out;
  if (rigid.ok()) out = PageRegistration{*rigid, suspect, std::nullopt};
  if (out && out->registration.matched >= kScaledBelow) return out;
  const Result<ScaledRegistration> scaled = register_scaled(master, suspect, scales);
  if (!scaled.ok() || std::abs(scaled->transform.scale - 1) <= kSameScale) return out;
  std::vector<Point> unscaled;
  unscaled.reserve(suspect.size());
  for (const Point p : suspect) unscaled.push_back(scaled->transform.invert(p));
  Result<Registration> again = register_points(master, unscaled);
  if (again.ok() && (!out || again->matched > out->registration.matched)) {
    out = PageRegistration{*again, std::move(unscaled), scaled->transform.scale};
  }
  return out;
}

// The master pages a suspect's page `page` of `points` points is tried against, in order: the page
// of the same place, then up to kOtherPagesTried others, those nearest in number of points first
// (a writer may draw a rectangle as its corner alone, an overlay may add points).
std::vector<size_t> pages_to_try(const std::vector<std::vector<Point>>& master_pages, size_t page,
                                 size_t points) {
  std::vector<size_t> out;
  if (page < master_pages.size()) out.push_back(page);
  std::vector<std::pair<double, size_t>> others;
  const auto n = static_cast<double>(points);
  for (size_t m = 0; m < master_pages.size(); ++m) {
    if (m == page) continue;
    others.emplace_back(std::abs(std::log((n + 1) / (static_cast<double>(master_pages[m].size()) + 1))), m);
  }
  std::sort(others.begin(), others.end());
  if (others.size() > kOtherPagesTried) others.resize(kOtherPagesTried);
  for (const auto& [distance, m] : others) out.push_back(m);
  return out;
}

// The master's pages as point sets, each prepared for registration when a suspect page is first
// tried on it.
class MasterPages {
 public:
  explicit MasterPages(const Contents& master) : contents_(master), prepared_(master.pages.size()) {
    for (const Page& page : master.pages) {
      points_.emplace_back();
      for (const PathPoint& p : page.points) points_.back().push_back(p.page);
    }
  }
  const std::vector<std::vector<Point>>& points() const { return points_; }
  const Page& page(size_t m) const { return contents_.pages[m]; }
  const PlanarMaster& prepared(size_t m) {
    if (!prepared_[m]) prepared_[m].emplace(points_[m]);
    return *prepared_[m];
  }

 private:
  const Contents& contents_;
  std::vector<std::vector<Point>> points_;
  std::vector<std::optional<PlanarMaster>> prepared_;
};

// A suspect page laid on one master page.
struct LaidPage {
  size_t master_page = 0;
  PageRegistration laid;
};

// The best registration of `points` (a page of `box`'s size) on a master page: the page `first` first,
// which ends the search when it explains most of them, then others of about as many points while
// `others` (counting every other page tried, for the whole file) stays under `most_others`.
std::optional<LaidPage> best_registration(MasterPages& master, const std::vector<Point>& points,
                                          const Page& box, size_t first, size_t& others, size_t most_others) {
  std::optional<LaidPage> best;
  for (const size_t m : pages_to_try(master.points(), first, points.size())) {
    if (m != first && others++ >= most_others) break;
    std::optional<PageRegistration> found =
        register_page(master.prepared(m), points, fitted_scales(master.page(m), box));
    if (found && (!best || found->registration.matched > best->laid.registration.matched)) {
      best = LaidPage{m, std::move(*found)};
    }
    if (m == first && best && best->laid.registration.matched >= kScaledBelow) break;
  }
  return best;
}

// Marking and reading one PDF: each call opens the documents anew (a copy is written by qpdf from
// a document of its own), so a prepared PDF master keeps only its bytes and its capacity.
struct PdfCodec {
  static Result<Capacity> capacity(std::string_view master, std::string_view secret) {
    MOAT_TRY(auto pdf, open(master));
    MOAT_TRY(const Contents contents, interpret(*pdf));
    const PdfCarriers c = carriers_of(contents, secret);
    return Capacity{c.subpath.size(), c.layout.length};
  }

  static Result<Embedded> embed(std::string_view master, std::string_view secret,
                                const std::vector<uint8_t>& codeword, std::string_view text) {
    MOAT_TRY(auto pdf, open(master));
    MOAT_TRY(Contents contents, interpret(*pdf));
    const PdfCarriers c = carriers_of(contents, secret);
    if (codeword.size() != c.layout.length)
      return internal_error("codeword length does not match the master");
    std::map<std::pair<size_t, size_t>, Point> moves;  // (page, subpath) → shift in points
    for (size_t i = 0; i < c.subpath.size(); ++i) {
      const double sign = codeword[c.layout.position[i]] ? 1 : -1;
      moves[c.subpath[i]] = {sign * c.shift[i].x / kUnitsPerPoint, sign * c.shift[i].y / kUnitsPerPoint};
    }
    std::vector<std::map<size_t, std::pair<size_t, std::string>>> edits(contents.streams.size());
    for (size_t page = 0; page < contents.pages.size(); ++page)
      for (const PathPoint& p : contents.pages[page].points) {
        const auto found = moves.find({page, p.subpath});
        if (found == moves.end()) continue;
        const Matrix& m = p.ctm;  // the page-space shift in the stream's own space
        const double det = m[0] * m[3] - m[1] * m[2];
        if (std::abs(det) < 1e-12) continue;
        const double dx = (m[3] * found->second.x - m[2] * found->second.y) / det;
        const double dy = (-m[1] * found->second.x + m[0] * found->second.y) / det;
        const double step = std::max(std::abs(dx), std::abs(dy));
        edits[p.stream][p.x_offset] = {p.x_length, format_number(p.x + dx, step)};
        edits[p.stream][p.y_offset] = {p.y_length, format_number(p.y + dy, step)};
      }
    try {
      for (size_t s = 0; s < contents.streams.size(); ++s) {
        if (edits[s].empty()) continue;
        std::string data;
        size_t copied = 0;
        for (const auto& [offset, edit] : edits[s]) {
          if (offset < copied) continue;  // a form drawn twice: already edited
          data.append(contents.data[s], copied, offset - copied);
          data += edit.second;
          copied = offset + edit.first;
        }
        data.append(contents.data[s], copied);
        contents.streams[s].replaceStreamData(data, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
      }
      const StampSource drawn_from = text.empty() ? nullptr : stamp(*pdf, text);
      Embedded out;
      out.bytes = write(*pdf);
      out.carriers = c.subpath.size();
      out.min_shift = out.max_shift = c.subpath.empty() ? 0 : kPdfShift * 25400 / 72;  // micrometres
      out.details = "{\"pages\":" + std::to_string(contents.pages.size()) +
                    ",\"shift_pt\":" + format_number(kPdfShift, 0.01) + ",\"stamp_layer\":\"moat stamp\"}";
      return out;
    } catch (const std::exception& e) {
      return internal_error(std::string("cannot write the marked PDF: ") + e.what());
    }
  }

  // The carriers of `page`'s master page read where it lies, into each carrier's `shifts`
  // (averaged over the suspect pages that read it, `readings` of them: a page repeated).
  static void read_page(const PdfCarriers& c, const LaidPage& page, std::vector<double>& shifts,
                        std::vector<double>& readings) {
    std::vector<Point> carriers, carrier_shifts;
    std::vector<size_t> index;
    for (size_t i = 0; i < c.readable.size(); ++i) {
      const auto& [on_page, at, carrier] = c.readable[i];
      if (on_page != page.master_page) continue;
      carriers.push_back(at), carrier_shifts.push_back(c.shift[carrier]), index.push_back(i);
    }
    const std::vector<double> read =
        read_shifts(carriers, carrier_shifts, page.laid.points, page.laid.registration.transform);
    for (size_t k = 0; k < read.size(); ++k) {
      if (std::isnan(read[k])) continue;
      double& shift = shifts[index[k]];
      if (std::isnan(shift)) {
        shift = read[k], readings[index[k]] = 1;
      } else {
        shift = (shift * readings[index[k]] + read[k]) / (readings[index[k]] + 1), ++readings[index[k]];
      }
    }
  }

  static Result<Reading> read(std::string_view suspect, std::string_view master, std::string_view secret) {
    MOAT_TRY(auto master_pdf, open(master));
    MOAT_TRY(const Contents master_contents, interpret(*master_pdf));
    MOAT_TRY(auto suspect_pdf, open(suspect));
    MOAT_TRY(const Contents suspect_contents, interpret(*suspect_pdf));
    const PdfCarriers c = carriers_of(master_contents, secret);
    std::vector<double> shifts(c.readable.size(), std::nan(""));
    std::vector<double> readings(c.readable.size(), 0);  // how many pages read each carrier
    double matched = 0;
    size_t registered = 0;
    std::vector<double> scales;  // of the pages taken back to the master's scale
    MasterPages master_pages(master_contents);
    std::vector<size_t> moved;  // suspect pages read against another page of the master
    size_t others_tried = 0;
    for (size_t page = 0; page < suspect_contents.pages.size(); ++page) {
      std::vector<Point> suspect_points;
      for (const PathPoint& p : suspect_contents.pages[page].points) suspect_points.push_back(p.page);
      // The master's page of the same place first; where that does not explain most of the page,
      // the others of about as many points (a page taken out of the set, or the pages reordered).
      const std::optional<LaidPage> laid =
          best_registration(master_pages, suspect_points, suspect_contents.pages[page], page, others_tried,
                            kOtherPagesTriedInAll);
      if (!laid) continue;
      ++registered;
      matched += laid->laid.registration.matched;
      if (laid->laid.scale) scales.push_back(*laid->laid.scale);
      if (laid->master_page != page) moved.push_back(page);
      read_page(c, *laid, shifts, readings);
    }
    if (registered == 0) return input_error("", "no page of the file matches the master");
    Layout by_point{c.layout.length, {}};
    for (const auto& [page, at, carrier] : c.readable)
      by_point.position.push_back(c.layout.position[carrier]);
    size_t found = 0;
    for (const double s : shifts) found += std::isnan(s) ? 0u : 1u;
    Reading out;
    out.symbols = symbols(by_point, shifts);
    out.confidence =
        c.readable.empty() ? 0 : static_cast<double>(found) / static_cast<double>(c.readable.size());
    out.matched = matched / static_cast<double>(registered);
    out.transform = std::to_string(registered) + " page(s) registered";
    if (!moved.empty()) out.transform += ", " + std::to_string(moved.size()) + " of them from another page";
    if (!scales.empty()) {
      const auto [least, most] = std::minmax_element(scales.begin(), scales.end());
      out.transform += ", " + std::to_string(scales.size()) + " of them scaled (" +
                       format_number(*least, 1e-4) +
                       (*most > *least ? "–" + format_number(*most, 1e-4) : std::string()) + "×)";
    }
    return out;
  }
};

class PreparedPdf final : public PreparedMaster {
 public:
  PreparedPdf(std::string master, std::string secret, Capacity capacity)
      : master_(std::move(master)), secret_(std::move(secret)), capacity_(capacity) {}
  Capacity capacity() const override { return capacity_; }
  Result<Embedded> embed(const std::vector<uint8_t>& codeword, std::string_view stamp) const override {
    return PdfCodec::embed(master_, secret_, codeword, stamp);
  }
  Result<Reading> read(std::string_view suspect, const Progress&) const override {
    return PdfCodec::read(suspect, master_, secret_);
  }

 private:
  std::string master_, secret_;
  Capacity capacity_;
};

class PdfFormat final : public Format {
 public:
  std::string_view scheme() const override { return "pdf"; }
  bool detect(std::string_view bytes) const override { return looks_like_pdf(bytes); }
  Result<std::unique_ptr<PreparedMaster>> prepare(std::string_view master,
                                                  std::string_view secret) const override {
    MOAT_TRY(const Capacity capacity, PdfCodec::capacity(master, secret));
    return std::unique_ptr<PreparedMaster>(
        std::make_unique<PreparedPdf>(std::string(master), std::string(secret), capacity));
  }
};

}  // namespace

std::unique_ptr<Format> make_qpdf_format() {
  return std::make_unique<PdfFormat>();
}

}  // namespace moat::mark
