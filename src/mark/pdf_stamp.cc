// SPDX-License-Identifier: Apache-2.0
#include "mark/pdf_stamp.h"

#define POINTERHOLDER_TRANSITION 4  // qpdf 11: std::shared_ptr throughout
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <qpdf/BufferInputSource.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "core/text.h"

namespace moat::mark {
namespace {

// The stamp's size and colour, and its distance from the page's bottom left corner, in points.
constexpr double kFontSize = 7;
constexpr double kInset = 6;
constexpr double kRed = 0.75, kGreen = 0.1, kBlue = 0.1;
// The fonts asked for first, in order: a name in Chinese is the stamp's usual content.
constexpr const char* kFamilies[] = {"Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC",
                                     "WenQuanYi Zen Hei", "AR PL UMing CN"};

// The text as a hex UTF-16BE string, for the font that is not embedded.
std::string utf16_hex(const std::u32string& text) {
  std::string out = "<";
  char hex[8];
  for (char32_t c : text) {
    if (c >= 0x10000) {
      c -= 0x10000;
      std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(0xD800 + (c >> 10)));
      out += hex;
      c = 0xDC00 + (c & 0x3FF);
    }
    std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(c));
    out += hex;
  }
  return out + ">";
}

struct FcPatternFree {
  void operator()(FcPattern* p) const { FcPatternDestroy(p); }
};
using Pattern = std::unique_ptr<FcPattern, FcPatternFree>;

// An installed font holding every character of `text` that is not a space: one of kFamilies if
// any does, else the best fontconfig finds for Chinese that does.
Pattern font_for(const std::u32string& text) {
  if (!FcInit()) return nullptr;
  const auto covers = [&](FcPattern* font) {
    FcCharSet* charset = nullptr;
    if (FcPatternGetCharSet(font, FC_CHARSET, 0, &charset) != FcResultMatch) return false;
    for (char32_t c : text)
      if (c > 0x20 && !FcCharSetHasChar(charset, c)) return false;
    return true;
  };
  const auto match = [&](const char* family) -> Pattern {
    Pattern wanted(FcPatternCreate());
    if (family) FcPatternAddString(wanted.get(), FC_FAMILY, reinterpret_cast<const FcChar8*>(family));
    FcPatternAddString(wanted.get(), FC_LANG, reinterpret_cast<const FcChar8*>("zh-cn"));
    FcPatternAddBool(wanted.get(), FC_OUTLINE, FcTrue);
    FcConfigSubstitute(nullptr, wanted.get(), FcMatchPattern);
    FcDefaultSubstitute(wanted.get());
    FcResult result = FcResultNoMatch;
    Pattern found(FcFontMatch(nullptr, wanted.get(), &result));
    if (!found || result != FcResultMatch || !covers(found.get())) return nullptr;
    return found;
  };
  for (const char* family : kFamilies)
    if (Pattern found = match(family)) return found;
  return match(nullptr);
}

// `text` set in `font` by cairo as a one-page PDF as tall as the font and as wide as the text;
// the baseline `descent` above the page's bottom.
struct Typeset {
  std::string pdf;
  double descent = 0;
};
std::optional<Typeset> typeset(const std::string& text, FcPattern* font) {
  cairo_font_face_t* face = cairo_ft_font_face_create_for_pattern(font);
  // The text's extent, measured on a surface that writes nothing.
  cairo_surface_t* measuring = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr);
  cairo_t* cr = cairo_create(measuring);
  cairo_set_font_face(cr, face);
  cairo_set_font_size(cr, kFontSize);
  cairo_font_extents_t font_extents{};
  cairo_text_extents_t extents{};
  cairo_font_extents(cr, &font_extents);
  cairo_text_extents(cr, text.c_str(), &extents);
  const bool measured = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
  cairo_destroy(cr);
  cairo_surface_destroy(measuring);
  if (!measured) {
    cairo_font_face_destroy(face);
    return std::nullopt;
  }
  Typeset out;
  out.descent = font_extents.descent;
  const double width = std::max(1.0, extents.x_advance);
  const double height = font_extents.ascent + font_extents.descent;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
      [](void* closure, const unsigned char* data, unsigned int length) {
        try {  // no exception may cross cairo's C frames
          static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
          return CAIRO_STATUS_SUCCESS;
        } catch (...) {
          return CAIRO_STATUS_NO_MEMORY;
        }
      },
      &out.pdf, width, height);
  cr = cairo_create(surface);
  cairo_set_font_face(cr, face);
  cairo_set_font_size(cr, kFontSize);
  cairo_set_source_rgb(cr, kRed, kGreen, kBlue);
  cairo_move_to(cr, 0, font_extents.ascent);
  cairo_show_text(cr, text.c_str());
  const bool drawn = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const bool written = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(surface);
  cairo_font_face_destroy(face);
  if (!drawn || !written) return std::nullopt;
  return out;
}

// The layer every page's stamp is drawn in, added to the document's optional content.
QPDFObjectHandle stamp_layer(QPDF& pdf) {
  QPDFObjectHandle ocg =
      pdf.makeIndirectObject(QPDFObjectHandle::parse("<< /Type /OCG /Name (moat stamp) >>"));
  QPDFObjectHandle root = pdf.getRoot();
  QPDFObjectHandle properties = root.getKey("/OCProperties");
  if (!properties.isDictionary()) {
    properties = QPDFObjectHandle::parse("<< /OCGs [] /D << /ON [] /Order [] >> >>");
    root.replaceKey("/OCProperties", properties);
  }
  properties.getKey("/OCGs").appendItem(ocg);
  QPDFObjectHandle defaults = properties.getKey("/D");
  for (const char* list : {"/ON", "/Order"}) {
    if (!defaults.getKey(list).isArray()) defaults.replaceKey(list, QPDFObjectHandle::newArray());
    defaults.getKey(list).appendItem(ocg);
  }
  return ocg;
}

// The font named when none installed holds the text: Adobe-GB1's STSong, not embedded.
QPDFObjectHandle named_font(QPDF& pdf) {
  return pdf.makeIndirectObject(QPDFObjectHandle::parse(
      "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [ << "
      "/Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
      "/Ordering (GB1) /Supplement 4 >> /DW 1000 /W [1 95 500] /FontDescriptor << /Type /FontDescriptor "
      "/FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 "
      "/Descent -120 /CapHeight 880 /StemV 93 >> >> ] >>"));
}

// The part of a page a reader shows: its crop box (inherited, or else its media box) within its
// media box.
QPDFObjectHandle::Rectangle shown(QPDFPageObjectHelper& page) {
  const QPDFObjectHandle::Rectangle media = page.getMediaBox().getArrayAsRectangle();
  QPDFObjectHandle::Rectangle crop = page.getCropBox().getArrayAsRectangle();
  const auto ordered = [](QPDFObjectHandle::Rectangle r) {
    return QPDFObjectHandle::Rectangle(std::min(r.llx, r.urx), std::min(r.lly, r.ury), std::max(r.llx, r.urx),
                                       std::max(r.lly, r.ury));
  };
  const QPDFObjectHandle::Rectangle m = ordered(media), c = ordered(crop);
  const QPDFObjectHandle::Rectangle both(std::max(m.llx, c.llx), std::max(m.lly, c.lly),
                                         std::min(m.urx, c.urx), std::min(m.ury, c.ury));
  return both.llx < both.urx && both.lly < both.ury ? both : m;
}

// The matrix that puts the stamp's baseline kInset from the bottom left corner of the page as a
// reader shows it (its crop box, turned by its /Rotate), upright there; its text drawn from
// `descent` below the origin (the typeset form's bottom edge).
std::string placement(QPDFPageObjectHelper& page, double descent) {
  const QPDFObjectHandle::Rectangle box = shown(page);
  QPDFObjectHandle rotate = page.getAttribute("/Rotate", false);
  const long long turn = rotate.isInteger() ? ((rotate.getIntValue() % 360) + 360) % 360 : 0;
  // A page turned clockwise by /Rotate shows its media's right, top or left edge at the bottom:
  // the text runs along that edge, from the corner that is shown at the bottom left.
  double a = 1, b = 0, x = box.llx + kInset, y = box.lly + kInset;
  if (turn == 90) a = 0, b = 1, x = box.urx - kInset, y = box.lly + kInset;
  if (turn == 180) a = -1, b = 0, x = box.urx - kInset, y = box.ury - kInset;
  if (turn == 270) a = 0, b = -1, x = box.llx + kInset, y = box.ury - kInset;
  // The text's up is its run turned a quarter counter-clockwise: (a b) then (-b a).
  const double c = -b, d = a;
  char out[128];
  std::snprintf(out, sizeof out, "%g %g %g %g %.2f %.2f cm ", a, b, c, d, x - c * descent, y - d * descent);
  return out;
}

}  // namespace

StampSource stamp(QPDF& pdf, std::string_view text) {
  const std::u32string points = code_points(text);
  StampSource source;
  QPDFObjectHandle form;  // the typeset text, when a font holds it
  double descent = 0;
  if (Pattern font = font_for(points)) {
    if (std::optional<Typeset> set = typeset(std::string(text), font.get())) {
      source = std::make_shared<QPDF>();
      source->setSuppressWarnings(true);
      // Read from a copy of its own: the document lives on until the stamped one is written.
      source->processInputSource(std::make_shared<BufferInputSource>("stamp", set->pdf));
      QPDFPageObjectHelper page = QPDFPageDocumentHelper(*source).getAllPages().at(0);
      page.coalesceContentStreams();
      const auto content = page.getObjectHandle().getKey("/Contents").getStreamData(qpdf_dl_generalized);
      form = QPDFObjectHandle::newStream(
          &pdf, std::string(reinterpret_cast<const char*>(content->getBuffer()), content->getSize()));
      QPDFObjectHandle dict = form.getDict();
      dict.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
      dict.replaceKey("/Subtype", QPDFObjectHandle::newName("/Form"));
      dict.replaceKey("/BBox", QPDFObjectHandle::newArray(page.getMediaBox().getArrayAsRectangle()));
      dict.replaceKey("/Resources", pdf.copyForeignObject(page.getAttribute("/Resources", false)));
      descent = set->descent;
    }
  }
  const QPDFObjectHandle layer = stamp_layer(pdf);
  const QPDFObjectHandle font = form.isInitialized() ? QPDFObjectHandle() : named_font(pdf);
  for (QPDFPageObjectHelper page : QPDFPageDocumentHelper(pdf).getAllPages()) {
    QPDFObjectHandle resources = page.getAttribute("/Resources", true);
    if (!resources.isDictionary()) {
      resources = QPDFObjectHandle::newDictionary();
      page.getObjectHandle().replaceKey("/Resources", resources);
    }
    const char* kind = form.isInitialized() ? "/XObject" : "/Font";
    for (const char* wanted : {"/Properties", kind})
      if (!resources.getKey(wanted).isDictionary())
        resources.replaceKey(wanted, QPDFObjectHandle::newDictionary());
    resources.getKey("/Properties").replaceKey("/MoatStamp", layer);
    std::string drawing = placement(page, descent);
    if (form.isInitialized()) {
      resources.getKey("/XObject").replaceKey("/MoatStampText", form);
      drawing += "/MoatStampText Do";
    } else {
      resources.getKey("/Font").replaceKey("/MoatStampFont", font);
      char set[96];
      std::snprintf(set, sizeof set, "BT %.2f %.2f %.2f rg /MoatStampFont %g Tf ", kRed, kGreen, kBlue,
                    kFontSize);
      drawing += set + utf16_hex(points) + " Tj ET";
    }
    page.addPageContents(QPDFObjectHandle::newStream(&pdf, "\n/OC /MoatStamp BDC q " + drawing + " Q EMC\n"),
                         false);
  }
  return source;
}

}  // namespace moat::mark
