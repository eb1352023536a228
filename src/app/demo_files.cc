// SPDX-License-Identifier: Apache-2.0
#include "app/demo_files.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <numbers>
#include <sstream>

namespace moat::app {
namespace {

namespace fs = std::filesystem;

// `value` with `decimals` digits after the point.
std::string num(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// ---- PDF: one page, drawn with PDF operators, with a correct cross-reference table ---------------

std::string pdf_document(const std::string& page) {
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(page.size()) + " >>\nstream\n" + page + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
      "<< /Title (Aurora drawing) /Author (Aurora Audio Inc.) /Producer (moat demo) >>",
  };
  std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (const std::size_t offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R /Info 6 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string text_at(double x, double y, double size, const std::string& text) {
  return "BT /F1 " + num(size, 0) + " Tf " + num(x, 1) + " " + num(y, 1) + " Td (" + text + ") Tj ET\n";
}

std::string rectangle(double x, double y, double w, double h) {
  return num(x, 1) + " " + num(y, 1) + " " + num(w, 1) + " " + num(h, 1) + " re S\n";
}

std::string pair(double x, double y) {
  return num(x, 2) + " " + num(y, 2) + " ";
}

// A circle of four Bezier arcs.
std::string circle(double cx, double cy, double r) {
  const double k = 0.5523 * r;
  std::string out = pair(cx + r, cy) + "m\n";
  out += pair(cx + r, cy + k) + pair(cx + k, cy + r) + pair(cx, cy + r) + "c\n";
  out += pair(cx - k, cy + r) + pair(cx - r, cy + k) + pair(cx - r, cy) + "c\n";
  out += pair(cx - r, cy - k) + pair(cx - k, cy - r) + pair(cx, cy - r) + "c\n";
  out += pair(cx + k, cy - r) + pair(cx + r, cy - k) + pair(cx + r, cy) + "c S\n";
  return out;
}

std::string title_block(const std::string& number, const std::string& title, const std::string& material) {
  std::string out = "1 w\n" + rectangle(20, 20, 802, 555) + rectangle(542, 20, 280, 90);
  out += text_at(550, 92, 11, "AURORA AUDIO INC.  -  CONFIDENTIAL") + text_at(550, 74, 10, "Title: " + title);
  out += text_at(550, 58, 10, "Drawing: " + number + "   Rev: B   Scale 1:1   Units: mm");
  out += text_at(550, 42, 10, "Material: " + material);
  out += text_at(550, 26, 8, "Do not copy or disclose. Released under NNN to the named recipient only.");
  return out;
}

std::string enclosure_drawing() {
  std::string page = title_block("AUR-ENC-0102", "Top housing ENC-TOP", "PC/ABS, UL94 V-0, VDI 3400 Ref 27");
  page += "0.8 w\n" + circle(200, 330, 150) + circle(200, 330, 138) + circle(200, 330, 40);  // plan view
  for (int i = 0; i < 12; ++i) {  // the mic ports on a 110 mm circle
    const double a = static_cast<double>(i) * std::numbers::pi / 6;
    page += circle(200 + 110 * std::cos(a), 330 + 110 * std::sin(a), 3);
  }
  page += rectangle(420, 250, 300, 60) + rectangle(432, 262, 276, 48);  // section A-A
  page += "0.4 w\n420 330 m 720 330 l S\n";
  page += text_at(150, 500, 10, "PLAN VIEW") + text_at(520, 330, 10, "SECTION A-A");
  page +=
      text_at(60, 160, 9,
              "Outer diameter 120.00 +/-0.10   Wall 2.40   Draft 1.5 deg   12x mic port d3.00 on PCD 110.00");
  page += text_at(60, 146, 9,
                  "Parting line and gate positions per mold design AUR-MD-0102. Texture MT-11010 outside.");
  return pdf_document(page);
}

std::string document_page(const std::string& number, const std::string& title,
                          const std::vector<std::string>& lines) {
  std::string page = title_block(number, title, "-");
  double y = 520;
  for (const std::string& line : lines) {
    page += text_at(50, y, 11, line);
    y -= 18;
  }
  return pdf_document(page);
}

// ---- STEP: a closed B-rep block (the housing's envelope), AP214 -----------------------------------

class StepWriter {
 public:
  int add(const std::string& entity) {
    lines_.push_back("#" + std::to_string(next_) + "=" + entity + ";");
    return next_++;
  }
  static std::string ref(int id) { return "#" + std::to_string(id); }
  std::string text() const {
    std::string out;
    for (const std::string& line : lines_) out += line + "\n";
    return out;
  }

 private:
  int next_ = 1;
  std::vector<std::string> lines_;
};

std::string point(double x, double y, double z) {
  char text[96];
  std::snprintf(text, sizeof text, "CARTESIAN_POINT('',(%.3f,%.3f,%.3f))", x, y, z);
  return text;
}

std::string direction(double x, double y, double z) {
  char text[96];
  std::snprintf(text, sizeof text, "DIRECTION('',(%.1f,%.1f,%.1f))", x, y, z);
  return text;
}

int block_brep(StepWriter& w, double length, double width, double height) {
  using S = StepWriter;
  std::array<std::array<double, 3>, 8> corner{};
  std::array<int, 8> vertex{};
  for (std::size_t i = 0; i < 8; ++i) {
    corner[i] = {static_cast<double>(i & 1U) * length, static_cast<double>((i >> 1) & 1U) * width,
                 static_cast<double>((i >> 2) & 1U) * height};
    vertex[i] =
        w.add("VERTEX_POINT(''," + S::ref(w.add(point(corner[i][0], corner[i][1], corner[i][2]))) + ")");
  }
  const std::size_t pairs[12][2] = {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {0, 2}, {1, 3},
                                    {4, 6}, {5, 7}, {0, 4}, {1, 5}, {2, 6}, {3, 7}};
  std::map<std::pair<std::size_t, std::size_t>, int> edge;
  for (const auto& [a, b] : pairs) {
    const double dx = corner[b][0] - corner[a][0], dy = corner[b][1] - corner[a][1],
                 dz = corner[b][2] - corner[a][2];
    const double size = std::sqrt(dx * dx + dy * dy + dz * dz);
    const int dir = w.add(direction(dx / size, dy / size, dz / size));
    const int vec = w.add("VECTOR(''," + S::ref(dir) + "," + num(size, 3) + ")");
    const int line = w.add("LINE(''," + S::ref(w.add(point(corner[a][0], corner[a][1], corner[a][2]))) + "," +
                           S::ref(vec) + ")");
    edge[{a, b}] =
        w.add("EDGE_CURVE(''," + S::ref(vertex[a]) + "," + S::ref(vertex[b]) + "," + S::ref(line) + ",.T.)");
  }
  struct Face {
    std::array<std::size_t, 4> loop;
    std::array<double, 3> normal, ref;
  };
  const Face faces[6] = {{{0, 2, 3, 1}, {0, 0, -1}, {1, 0, 0}}, {{4, 5, 7, 6}, {0, 0, 1}, {1, 0, 0}},
                         {{0, 1, 5, 4}, {0, -1, 0}, {1, 0, 0}}, {{2, 6, 7, 3}, {0, 1, 0}, {1, 0, 0}},
                         {{0, 4, 6, 2}, {-1, 0, 0}, {0, 1, 0}}, {{1, 3, 7, 5}, {1, 0, 0}, {0, 1, 0}}};
  std::string face_refs;
  for (const Face& f : faces) {
    std::string oriented;
    for (std::size_t i = 0; i < 4; ++i) {
      const std::size_t a = f.loop[i], b = f.loop[(i + 1) % 4];
      const bool forward = edge.contains({a, b});
      const int e = forward ? edge.at({a, b}) : edge.at({b, a});
      oriented +=
          (i ? "," : "") + S::ref(w.add("ORIENTED_EDGE('',*,*," + S::ref(e) + (forward ? ",.T.)" : ",.F.)")));
    }
    const int loop = w.add("EDGE_LOOP('',(" + oriented + "))");
    const int bound = w.add("FACE_OUTER_BOUND(''," + S::ref(loop) + ",.T.)");
    const auto& c = corner[f.loop[0]];
    const int axis = w.add("AXIS2_PLACEMENT_3D(''," + S::ref(w.add(point(c[0], c[1], c[2]))) + "," +
                           S::ref(w.add(direction(f.normal[0], f.normal[1], f.normal[2]))) + "," +
                           S::ref(w.add(direction(f.ref[0], f.ref[1], f.ref[2]))) + ")");
    const int plane = w.add("PLANE(''," + S::ref(axis) + ")");
    face_refs += (face_refs.empty() ? "" : ",") +
                 S::ref(w.add("ADVANCED_FACE('',(" + S::ref(bound) + ")," + S::ref(plane) + ",.T.)"));
  }
  const int shell = w.add("CLOSED_SHELL('',(" + face_refs + "))");
  return w.add("MANIFOLD_SOLID_BREP('ENC-TOP envelope'," + S::ref(shell) + ")");
}

std::string housing_step() {
  StepWriter w;
  using S = StepWriter;
  const int app = w.add("APPLICATION_CONTEXT('automotive design')");
  w.add("APPLICATION_PROTOCOL_DEFINITION('international standard','automotive_design',2000," + S::ref(app) +
        ")");
  const int product_context = w.add("PRODUCT_CONTEXT(''," + S::ref(app) + ",'mechanical')");
  const int product = w.add("PRODUCT('ENC-TOP','Top housing envelope','Aurora top housing, PC/ABS',(" +
                            S::ref(product_context) + "))");
  w.add("PRODUCT_RELATED_PRODUCT_CATEGORY('part',$,(" + S::ref(product) + "))");
  const int formation = w.add("PRODUCT_DEFINITION_FORMATION('B',''," + S::ref(product) + ")");
  const int definition_context =
      w.add("PRODUCT_DEFINITION_CONTEXT('part definition'," + S::ref(app) + ",'design')");
  const int definition =
      w.add("PRODUCT_DEFINITION('design',''," + S::ref(formation) + "," + S::ref(definition_context) + ")");
  const int shape =
      w.add("PRODUCT_DEFINITION_SHAPE(''," + std::string("''") + "," + S::ref(definition) + ")");
  const int length = w.add("(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.))");
  const int angle = w.add("(NAMED_UNIT(*)PLANE_ANGLE_UNIT()SI_UNIT($,.RADIAN.))");
  const int solid_angle = w.add("(NAMED_UNIT(*)SI_UNIT($,.STERADIAN.)SOLID_ANGLE_UNIT())");
  const int uncertainty = w.add("UNCERTAINTY_MEASURE_WITH_UNIT(LENGTH_MEASURE(1.E-07)," + S::ref(length) +
                                ",'distance_accuracy_value','confusion accuracy')");
  const int context =
      w.add("(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNCERTAINTY_ASSIGNED_CONTEXT((" +
            S::ref(uncertainty) + "))GLOBAL_UNIT_ASSIGNED_CONTEXT((" + S::ref(length) + "," + S::ref(angle) +
            "," + S::ref(solid_angle) + "))REPRESENTATION_CONTEXT('ENC-TOP','3D'))");
  const int origin = w.add("AXIS2_PLACEMENT_3D(''," + S::ref(w.add(point(0, 0, 0))) + "," +
                           S::ref(w.add(direction(0, 0, 1))) + "," + S::ref(w.add(direction(1, 0, 0))) + ")");
  const int brep = block_brep(w, 120, 120, 42.5);
  const int representation = w.add("ADVANCED_BREP_SHAPE_REPRESENTATION('ENC-TOP',(" + S::ref(origin) + "," +
                                   S::ref(brep) + ")," + S::ref(context) + ")");
  w.add("SHAPE_DEFINITION_REPRESENTATION(" + S::ref(shape) + "," + S::ref(representation) + ")");
  return "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('Aurora top housing ENC-TOP, envelope'),'2;1');\n"
         "FILE_NAME('enc-top-housing.step','2026-11-02T09:30:00',('Aurora Audio Inc.'),('Aurora Audio Inc.'),"
         "'moat demo','moat','');\nFILE_SCHEMA(('AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 "
         "}'));\nENDSEC;\nDATA;\n" +
         w.text() + "ENDSEC;\nEND-ISO-10303-21;\n";
}

// ---- Gerber RS-274X and Excellon: the round mic/LED ring board ------------------------------------

constexpr double kRingRadius = 52.0;  // mm: where the mics and LEDs sit
constexpr int kRingSites = 12;

std::string gerber_coordinate(double mm) {  // format 4.6, leading zeros omitted
  return std::to_string(std::lround(mm * 1e6));
}

std::string gerber_header(const std::string& function) {
  return "G04 Aurora ring board PCB-RING rev B*\n%TF.FileFunction," + function +
         "*%\n%FSLAX46Y46*%\n%MOMM*%\n%LPD*%\n";
}

std::string ring_copper() {
  std::string out = gerber_header("Copper,L1,Top") +
                    "%ADD10C,0.250000*%\n%ADD11R,1.200000X0.900000*%\n%ADD12C,1.600000*%\nG01*\n";
  out += "D11*\n";
  for (int i = 0; i < kRingSites; ++i) {  // mic and LED pads
    const double a = static_cast<double>(i) * 2 * std::numbers::pi / kRingSites;
    out += "X" + gerber_coordinate(kRingRadius * std::cos(a)) + "Y" +
           gerber_coordinate(kRingRadius * std::sin(a)) + "D03*\n";
  }
  out += "D10*\n";
  for (int i = 0; i < kRingSites; ++i) {  // traces to the inner connector
    const double a = static_cast<double>(i) * 2 * std::numbers::pi / kRingSites;
    out += "X" + gerber_coordinate(kRingRadius * std::cos(a)) + "Y" +
           gerber_coordinate(kRingRadius * std::sin(a)) + "D02*\n";
    out += "X" + gerber_coordinate(30 * std::cos(a)) + "Y" + gerber_coordinate(30 * std::sin(a)) + "D01*\n";
  }
  out += "D12*\nX0Y0D03*\nM02*\n";
  return out;
}

std::string ring_outline() {
  std::string out = gerber_header("Profile,NP") + "%ADD10C,0.100000*%\nD10*\nG75*\n";
  out += "X" + gerber_coordinate(60) + "Y0D02*\nG03*\nX" + gerber_coordinate(60) + "Y0I" +
         gerber_coordinate(-60) + "J0D01*\n";
  out += "G01*\nX" + gerber_coordinate(25) + "Y0D02*\nG03*\nX" + gerber_coordinate(25) + "Y0I" +
         gerber_coordinate(-25) + "J0D01*\nM02*\n";
  return out;
}

std::string ring_drill() {
  std::string out =
      "M48\n; Aurora ring board PCB-RING rev B, plated "
      "holes\nMETRIC,TZ\nT1C0.300\nT2C3.200\n%\nG90\nG05\nT1\n";
  for (int i = 0; i < kRingSites; ++i) {
    const double a = (static_cast<double>(i) + 0.5) * 2 * std::numbers::pi / kRingSites;
    out += "X" + num(40 * std::cos(a), 3) + "Y" + num(40 * std::sin(a), 3) + "\n";
  }
  out += "T2\nX0.000Y57.000\nX0.000Y-57.000\nM30\n";
  return out;
}

// Firmware: an image header and pseudo-random payload (the real one is signed and far larger).
std::string firmware_image() {
  std::string out = "AURFW\x01\x00\x02";
  std::uint32_t state = 0x2545F491;
  for (int i = 0; i < 4096; ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    out += static_cast<char>(state & 0xFF);
  }
  return out;
}

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return in ? out.str() : std::string();
}

}  // namespace

DemoFile package_drawing(const std::string& package, const std::string& package_name) {
  return {package,
          package + "-first-article-drawing.pdf",
          document_page("AUR-" + package + "-FA", package_name + ": first-article inspection",
                        {"Critical dimensions marked CD1 to CD12 are measured on 5 pieces per cavity.",
                         "Cosmetic class A surfaces per AUR-QS-0004. Report with the sample shipment."}),
          {}};
}

std::vector<DemoFile> demo_design_files(const fs::path& realworld) {
  std::vector<DemoFile> files = {
      {"WP01", "aurora-enclosure-drawing.pdf", enclosure_drawing(), {}},
      {"WP01", "enc-top-housing.step", housing_step(), {}},
      {"WP07", "PCB-RING-F_Cu.gbr", ring_copper(), {}},
      {"WP07", "PCB-RING-Edge_Cuts.gbr", ring_outline(), {}},
      {"WP07", "PCB-RING.drl", ring_drill(), {}},
      {"WP15",
       "final-assembly-drawing.pdf",
       document_page(
           "AUR-ASM-0001", "Final assembly ENC-ASSY",
           {"Assembly sequence: chassis, acoustic module, main PCBA, ring PCBA, top housing, fabric sleeve.",
            "Light guide LED-GUIDE seated on the ring board before the top housing (see optics notes).",
            "Screw torque M2.5: 0.35 Nm. Foam gasket compression 30 %."}),
       {"S01", "S11"}},
      {"WP15", "aurora-fw-1.4.2.bin", firmware_image(), {"S05"}},
      {"WP15",
       "eol-test-procedure.pdf",
       document_page(
           "AUR-TST-0007", "End-of-line test procedure",
           {"Acoustic sweep 60 Hz - 20 kHz, limits per AUR-TST-0007 table 3.",
            "Mic array sensitivity -26 dBFS +/-1 dB.", "Wi-Fi RSSI at 1 m >= -45 dBm. Fixture FX-EOL-02."}),
       {"S08"}},
      {"WP15",
       "packaging-artwork.pdf",
       document_page(
           "AUR-PKG-0003", "Retail box and label artwork",
           {"AURORA word mark and halo logo, Pantone 2767 C.", "Dieline RB-180, spot UV on the halo."}),
       {"S10"}},
  };
  const fs::path base = realworld / "ploopy-classic-trackball";
  std::error_code error;
  if (!fs::is_directory(base, error)) return files;
  if (std::string step = read_whole(base / "step" / "Wedge.stp"); !step.empty()) {
    files.push_back({"WP01", "Wedge.stp", std::move(step), {}});
  }
  if (std::string zip = read_whole(base / "gerber" / "Base-R1_004.zip"); !zip.empty()) {
    files.push_back({"WP07", "Base-R1_004.zip", std::move(zip), {}});
  }
  return files;
}

}  // namespace moat::app
