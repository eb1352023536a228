// SPDX-License-Identifier: Apache-2.0
#include "watch/text_match.h"

#include <unicode/uchar.h>

#include <algorithm>

#include "watch/watch.h"

namespace moat::watch {
namespace {

// How much each difference from the registered form costs (a product of the factors applies).
// Case is how listings write marks; full-width forms and Traditional characters are ordinary in
// Chinese listings; homoglyphs, inserted spacing and pinyin are deliberate disguises of a match
// that is still certain; a Latin mark running into other letters may be an unrelated word.
constexpr double kCase = 0.98;
constexpr double kWidth = 0.95;
constexpr double kTraditional = 0.92;
constexpr double kHomoglyph = 0.85;
constexpr double kSpacing = 0.8;
constexpr double kPinyin = 0.8;
constexpr double kRunsOn = 0.6;       // starts a word but more letters follow ("Auroraspeaker")
constexpr double kInsideWord = 0.4;   // neither end at a word boundary
constexpr double kDescription = 0.9;  // found in the description rather than the title

// Latin references shorter than this must stand as a word of their own, written without inserted
// spacing; shorter than kMinDisguised also without homoglyphs.
constexpr std::size_t kMinRunOn = 5;
constexpr std::size_t kMinSpaced = 4;
constexpr std::size_t kMinDisguised = 3;
constexpr std::size_t kExcerptBytes = 80;

enum Difference : unsigned {
  kNone = 0,
  kCaseDiff = 1u << 0,
  kWidthDiff = 1u << 1,
  kTraditionalDiff = 1u << 2,
  kHomoglyphDiff = 1u << 3,
  kSpacingDiff = 1u << 4,
};

unsigned difference(const Unit& listing, const Unit& reference) {
  if (listing.original == reference.original) return kNone;
  const auto l = static_cast<UChar32>(listing.original);
  const auto r = static_cast<UChar32>(reference.original);
  if (u_foldCase(l, U_FOLD_CASE_DEFAULT) == u_foldCase(r, U_FOLD_CASE_DEFAULT)) return kCaseDiff;
  if (listing.han || reference.han) {
    return simplified(listing.original) == simplified(reference.original) ? kTraditionalDiff : kHomoglyphDiff;
  }
  if (compatibility_fold(listing.original) == compatibility_fold(reference.original)) return kWidthDiff;
  return kHomoglyphDiff;
}

bool is_letter(char32_t code) {
  return u_isalpha(static_cast<UChar32>(code)) != 0;
}

// Whether the units around the occurrence [at, at + n) that run on without a word boundary are
// letters on both sides of the junction.
bool letters_meet(const std::vector<Unit>& t, std::size_t at, std::size_t n) {
  if (!t[at].boundary && !(is_letter(t[at - 1].original) && is_letter(t[at].original))) return false;
  const std::size_t end = at + n;
  if (end < t.size() && !t[end].boundary && !(is_letter(t[end - 1].original) && is_letter(t[end].original)))
    return false;
  return true;
}

struct Occurrence {
  std::size_t at = 0;
  unsigned differences = kNone;
  double factor = 1;
};

// The units [at, at + n) of `text` equal the pattern's; how they differ from its source.
std::optional<Occurrence> judge(const Pattern& pattern, const NormalText& text, std::size_t at) {
  const std::vector<Unit>& p = pattern.form.units;
  const std::vector<Unit>& t = text.units;
  const std::size_t n = p.size();
  Occurrence o{at, kNone, 1};
  for (std::size_t k = 0; k < n; ++k) {
    if (!pattern.pinyin) o.differences |= difference(t[at + k], p[k]);
    if (k > 0 && t[at + k].separated && !p[k].separated && !pattern.pinyin) o.differences |= kSpacingDiff;
  }
  const bool starts = t[at].boundary;
  const bool ends = at + n == t.size() || t[at + n].boundary;
  if (pattern.han) return (n > 1 || (starts && ends)) ? std::optional(o) : std::nullopt;
  if ((o.differences & kSpacingDiff) != 0 && n < kMinSpaced) return std::nullopt;
  if ((o.differences & kHomoglyphDiff) != 0 && n < kMinDisguised) return std::nullopt;
  if (!starts || !ends) {
    // A number running on is another number ("AU-3600" is not "AU-360").
    if (n < kMinRunOn || !letters_meet(t, at, n)) return std::nullopt;
    o.factor = starts ? kRunsOn : kInsideWord;
  }
  return o;
}

double score_of(const Occurrence& o, bool pinyin) {
  double score = o.factor * (pinyin ? kPinyin : 1.0);
  if ((o.differences & kCaseDiff) != 0) score *= kCase;
  if ((o.differences & kWidthDiff) != 0) score *= kWidth;
  if ((o.differences & kTraditionalDiff) != 0) score *= kTraditional;
  if ((o.differences & kHomoglyphDiff) != 0) score *= kHomoglyph;
  if ((o.differences & kSpacingDiff) != 0) score *= kSpacing;
  return score;
}

std::string how(const Occurrence& o, bool pinyin) {
  std::vector<std::string> words;
  if (pinyin) words.emplace_back("pinyin");
  if ((o.differences & kCaseDiff) != 0) words.emplace_back("case");
  if ((o.differences & kWidthDiff) != 0) words.emplace_back("full-width");
  if ((o.differences & kTraditionalDiff) != 0) words.emplace_back("Traditional");
  if ((o.differences & kHomoglyphDiff) != 0) words.emplace_back("homoglyph");
  if ((o.differences & kSpacingDiff) != 0) words.emplace_back("spacing");
  if (o.factor == kRunsOn) words.emplace_back("runs into a longer word");
  if (o.factor == kInsideWord) words.emplace_back("inside a word");
  if (words.empty()) return "exact";
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string excerpt(const NormalText& text, std::size_t at, std::size_t n) {
  const std::size_t begin = text.units[at].begin;
  const std::size_t end = text.units[at + n - 1].end;
  std::string out = text.source.substr(begin, end - begin);
  if (out.size() <= kExcerptBytes) return out;
  std::size_t cut = kExcerptBytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "…";
}

bool equal_at(const std::vector<Unit>& text, std::size_t at, const std::vector<Unit>& pattern) {
  for (std::size_t k = 0; k < pattern.size(); ++k) {
    if (text[at + k].code != pattern[k].code) return false;
  }
  return true;
}

// `text` without the tone numbers of numbered pinyin ("ji2 guang1"): a digit 1 to 5 that ends a
// run of letters. The syllable before a tone number spans it in the source, so that a match is
// quoted as the listing wrote it ('ji2 guang1', not 'ji2 guang').
NormalText without_tone_numbers(const NormalText& text) {
  NormalText out{text.source, {}};
  const std::vector<Unit>& u = text.units;
  for (std::size_t i = 0; i < u.size(); ++i) {
    const bool tone = u[i].original >= U'1' && u[i].original <= U'5' && i > 0 &&
                      is_letter(u[i - 1].original) && (i + 1 == u.size() || u[i + 1].boundary);
    if (!tone) {
      out.units.push_back(u[i]);
    } else if (!out.units.empty()) {
      out.units.back().end = u[i].end;
    }
  }
  return out;
}

}  // namespace

std::vector<Pattern> patterns_of(std::string_view reference_text) {
  std::vector<Pattern> out;
  NormalText written = normal_form(reference_text);
  if (written.units.empty()) return out;
  const bool any_han =
      std::any_of(written.units.begin(), written.units.end(), [](const Unit& u) { return u.han; });
  const bool all_han =
      std::all_of(written.units.begin(), written.units.end(), [](const Unit& u) { return u.han; });
  out.push_back({std::move(written), false, all_han});
  if (any_han) {
    NormalText spoken = normal_form(pinyin(reference_text));
    if (!spoken.units.empty()) out.push_back({std::move(spoken), true, false});
  }
  return out;
}

std::optional<TextMatch> find_pattern(const std::vector<Pattern>& patterns, std::string_view shown,
                                      const NormalText& spelled, std::string_view field) {
  std::optional<TextMatch> best;
  const double field_factor = field == "title" ? 1.0 : kDescription;
  std::optional<NormalText> toneless;
  for (const Pattern& pattern : patterns) {
    if (pattern.pinyin && !toneless) toneless = without_tone_numbers(spelled);
    const NormalText& text = pattern.pinyin ? *toneless : spelled;
    const std::size_t n = pattern.form.units.size();
    for (std::size_t at = 0; n > 0 && at + n <= text.units.size(); ++at) {
      if (!equal_at(text.units, at, pattern.form.units)) continue;
      const std::optional<Occurrence> o = judge(pattern, text, at);
      if (!o) continue;
      const double score = score_of(*o, pattern.pinyin) * field_factor;
      if (best && best->score >= score) continue;
      best = TextMatch{score,
                       "'" + excerpt(text, at, n) + "' in " + std::string(field) + " as '" +
                           std::string(shown) + "' (" + how(*o, pattern.pinyin) + ")",
                       o->factor < 1};
    }
  }
  return best;
}

}  // namespace moat::watch
