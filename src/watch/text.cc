// SPDX-License-Identifier: Apache-2.0
// Text normalisation with ICU (NFKC, case folding, the UTS #39 confusable skeleton, the
// Han-Latin transliterator) and OpenCC (Traditional to Simplified, from Debian's data files).
#include <opencc.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "watch/normal_form.h"
#include "watch/watch.h"

#ifndef MOAT_OPENCC_DATA_DIR
#define MOAT_OPENCC_DATA_DIR "/usr/share/opencc"
#endif

namespace moat::watch {
namespace {

constexpr std::string_view kOpenccConfig = "t2s.json";

std::string opencc_config_path() {
  return std::string(MOAT_OPENCC_DATA_DIR) + "/" + std::string(kOpenccConfig);
}

// OpenCC's Traditional to Simplified converter, opened once; nullptr with the reason when the
// data files are missing.
struct Converter {
  opencc_t handle = nullptr;
  std::string problem;
};

const Converter& converter() {
  static const Converter instance = [] {
    Converter c;
    const std::string path = opencc_config_path();
    if (!std::filesystem::exists(path)) {
      c.problem =
          "OpenCC's Traditional-to-Simplified data " + path + " is missing (Debian package libopencc-data)";
      return c;
    }
    opencc_t handle = opencc_open(path.c_str());
    if (handle == reinterpret_cast<opencc_t>(-1)) {
      c.problem = "OpenCC cannot open " + path + ": " + opencc_error();
      return c;
    }
    c.handle = handle;
    return c;
  }();
  return instance;
}

opencc_t opencc_handle() {
  const Converter& c = converter();
  if (c.handle == nullptr) throw std::runtime_error("watch: " + c.problem);
  return c.handle;
}

const USpoofChecker* spoof_checker() {
  static const USpoofChecker* checker = [] {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker* c = uspoof_open(&status);
    if (U_FAILURE(status))
      throw std::runtime_error(std::string("watch: ICU spoof checker: ") + u_errorName(status));
    return c;
  }();
  return checker;
}

const icu::Normalizer2& normalizer(const char* name, UNormalization2Mode mode) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getInstance(nullptr, name, mode, status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("watch: ICU normalizer: ") + u_errorName(status));
  return *n;
}

// Han-Latin then Latin-ASCII: toneless pinyin with spaces between syllables. Transliterators
// are not shared between threads.
icu::Transliterator& han_latin() {
  thread_local std::unique_ptr<icu::Transliterator> instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance("Han-Latin; Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status))
      throw std::runtime_error(std::string("watch: ICU Han-Latin: ") + u_errorName(status));
    return t;
  }();
  return *instance;
}

bool is_han(char32_t code) {
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(static_cast<UChar32>(code), &status) == USCRIPT_HAN;
}

bool is_mark(UChar32 code) {
  return (U_GET_GC_MASK(code) & U_GC_M_MASK) != 0;
}

std::u32string to_u32(const icu::UnicodeString& text) {
  std::u32string out;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

// NFKC with case folding, the confusable skeleton, case folding again (the skeleton keeps case:
// 'I' becomes 'l', 'i' stays), diacritics dropped, and i taken for l so that I, l, 1, | and i
// share one form whatever the case they were written in.
std::u32string fold_uncached(char32_t code) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2& casefold = normalizer("nfkc_cf", UNORM2_COMPOSE);
  const icu::UnicodeString folded =
      casefold.normalize(icu::UnicodeString(static_cast<UChar32>(code)), status);
  icu::UnicodeString skeleton;
  uspoof_getSkeletonUnicodeString(spoof_checker(), 0, folded, skeleton, &status);
  const icu::UnicodeString refolded = casefold.normalize(skeleton, status);
  const icu::UnicodeString decomposed = normalizer("nfc", UNORM2_DECOMPOSE).normalize(refolded, status);
  if (U_FAILURE(status)) return {code};
  std::u32string out;
  for (const char32_t c : to_u32(decomposed)) {
    if (!is_mark(static_cast<UChar32>(c))) out.push_back(c == U'i' ? U'l' : c);
  }
  return out;
}

void append_utf8(std::string& out, char32_t code) {
  const auto byte = [&](std::uint32_t value) {
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(value)));
  };
  const auto c = static_cast<std::uint32_t>(code);
  if (c < 0x80) {
    byte(c);
  } else if (c < 0x800) {
    byte(0xC0 | (c >> 6));
    byte(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    byte(0xE0 | (c >> 12));
    byte(0x80 | ((c >> 6) & 0x3F));
    byte(0x80 | (c & 0x3F));
  } else {
    byte(0xF0 | (c >> 18));
    byte(0x80 | ((c >> 12) & 0x3F));
    byte(0x80 | ((c >> 6) & 0x3F));
    byte(0x80 | (c & 0x3F));
  }
}

struct SourceCharacter {
  char32_t code = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

// The source characters of `text`; a byte that is not UTF-8 reads as U+FFFD.
std::vector<SourceCharacter> characters(std::string_view text) {
  std::vector<SourceCharacter> out;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    const int32_t begin = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) c = 0xFFFD;
    out.push_back({static_cast<char32_t>(c), static_cast<std::size_t>(begin), static_cast<std::size_t>(i)});
  }
  return out;
}

// Whether a word starts at `current` after `previous` (both source characters) without any
// separator between them: a change of script, of letters to digits, or of lower to upper case.
bool starts_word(char32_t previous, char32_t current) {
  const auto p = static_cast<UChar32>(previous);
  const auto c = static_cast<UChar32>(current);
  if (is_han(previous) != is_han(current)) return true;
  if ((u_isdigit(p) != 0) != (u_isdigit(c) != 0)) return true;
  return u_islower(p) && u_isupper(c);
}

}  // namespace

std::u32string fold_character(char32_t code) {
  thread_local std::unordered_map<char32_t, std::u32string> cache;
  const auto found = cache.find(code);
  if (found != cache.end()) return found->second;
  std::u32string folded = fold_uncached(code);
  cache.emplace(code, folded);
  return folded;
}

std::u32string compatibility_fold(char32_t code) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString folded =
      normalizer("nfkc_cf", UNORM2_COMPOSE).normalize(icu::UnicodeString(static_cast<UChar32>(code)), status);
  return U_FAILURE(status) ? std::u32string{code} : to_u32(folded);
}

char32_t simplified(char32_t code) {
  if (!is_han(code)) return code;
  thread_local std::unordered_map<char32_t, char32_t> cache;
  const auto found = cache.find(code);
  if (found != cache.end()) return found->second;
  std::string utf8;
  append_utf8(utf8, code);
  static std::mutex opencc_mutex;  // OpenCC does not promise that one converter serves threads at once
  const std::lock_guard lock(opencc_mutex);
  char* converted = opencc_convert_utf8(opencc_handle(), utf8.data(), utf8.size());
  const std::vector<SourceCharacter> out = characters(converted == nullptr ? utf8 : converted);
  if (converted != nullptr) opencc_convert_utf8_free(converted);
  const char32_t result = out.size() == 1 ? out.front().code : code;
  cache.emplace(code, result);
  return result;
}

NormalText normal_form(std::string_view text) {
  NormalText out{std::string(text), {}};
  bool separated = false;
  char32_t previous = 0;
  for (const SourceCharacter& c : characters(text)) {
    const bool han = is_han(c.code);
    const std::u32string folded = fold_character(han ? simplified(c.code) : c.code);
    // A sign that compatibility spells as several letters (™ "tm", ℠ "sm", № "no", ℡ "tel") is a
    // sign after a word, not more of it: a separator, like ®.
    if (folded.size() > 1 && (U_GET_GC_MASK(static_cast<UChar32>(c.code)) & U_GC_S_MASK) != 0) {
      separated = true;
      continue;
    }
    bool first = true;
    for (const char32_t code : folded) {
      if (u_isalnum(static_cast<UChar32>(code)) == 0) {
        separated = true;
        continue;
      }
      const bool boundary = out.units.empty() || separated || (first && starts_word(previous, c.code));
      out.units.push_back({code, c.code, c.begin, c.end, separated && !out.units.empty(), boundary, han});
      separated = false;
      first = false;
    }
    if (!first) previous = c.code;
    if (folded.empty() && !is_mark(static_cast<UChar32>(c.code))) separated = true;
  }
  return out;
}

std::string normalise(std::string_view text) {
  std::string out;
  for (const Unit& unit : normal_form(text).units) append_utf8(out, unit.code);
  return out;
}

std::string pinyin(std::string_view text) {
  std::string out;
  const std::vector<SourceCharacter> source = characters(text);
  for (std::size_t i = 0; i < source.size();) {
    std::size_t j = i;
    const bool han = is_han(source[i].code);
    while (j < source.size() && is_han(source[j].code) == han) ++j;
    const std::string_view run = text.substr(source[i].begin, source[j - 1].end - source[i].begin);
    if (!han) {
      out += normalise(run);
    } else {
      icu::UnicodeString u =
          icu::UnicodeString::fromUTF8(icu::StringPiece(run.data(), static_cast<int32_t>(run.size())));
      han_latin().transliterate(u);
      for (const char32_t code : to_u32(u)) {
        if (code < 0x80 && u_isalnum(static_cast<UChar32>(code)))
          out.push_back(static_cast<char>(u_tolower(static_cast<UChar32>(code))));
      }
    }
    i = j;
  }
  return out;
}

Status text_ready() {
  const Converter& c = converter();
  if (c.handle == nullptr) return internal_error(c.problem);
  return {};
}

}  // namespace moat::watch
