// SPDX-License-Identifier: Apache-2.0
#include "core/text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace moat {
namespace {

constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxDisplayNameLength = 64;  // characters

// Characters that show nothing or change how the text around them reads: controls, bidi marks,
// overrides and isolates (the Arabic letter mark too), zero-width joiners and spaces, soft
// hyphens, the byte-order mark, the combining grapheme joiner, the fillers and invisible vowels
// that render as blanks (Hangul, Khmer, Mongolian, the blank Braille pattern), the shorthand and
// musical format controls, the tag characters, and the format characters that prefix numbers
// (Arabic, Syriac, Kaithi) or join hieroglyphs, and the unassigned specials.
bool is_hidden(char32_t c) {
  const auto in = [c](char32_t first, char32_t last) { return c >= first && c <= last; };
  return c < 0x20 || in(0x7F, 0x9F) || c == 0xAD || c == 0x34F || c == 0x61C || in(0x115F, 0x1160) ||
         in(0x17B4, 0x17B5) || in(0x180B, 0x180F) || in(0x200B, 0x200F) || in(0x2028, 0x202E) ||
         in(0x2060, 0x206F) || c == 0x2800 || c == 0x3164 || c == 0xFEFF || c == 0xFFA0 ||
         in(0xFFF9, 0xFFFB) || in(0x1BCA0, 0x1BCA3) || in(0x1D173, 0x1D17A) || in(0xE0000, 0xE007F) ||
         in(0x600, 0x605) || c == 0x6DD || c == 0x70F || c == 0x8E2 || c == 0x110BD || c == 0x110CD ||
         in(0x13430, 0x1343F) || in(0xFFF0, 0xFFF8);
}

// Spaces other than ASCII's, which show as blanks: no-break, en to hair, the ideographic space.
bool is_unicode_space(char32_t c) {
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// Variation selectors, which change the character before them and show nothing alone.
bool is_variation_selector(char32_t c) {
  return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

// Decodes one UTF-8 sequence at `pos`; returns its length, or 0 when it is malformed.
std::size_t sequence_length(std::string_view text, std::size_t pos, char32_t* code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1Fu, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0Fu, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07u, minimum = 0x10000;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(pos + i) & 0x3Fu);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *code_point = value;
  return length;
}

bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x20000 && c <= 0x3FFFD);
}

// "200E" for U+200E.
std::string hex_code(char32_t c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  // Four digits at least, as many as it takes beyond (U+0009, U+E0041, U+10FFFF).
  const int digits = c > 0xFFFFF ? 6 : c > 0xFFFF ? 5 : 4;
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
  return out;
}

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

// shown_safely and shown_in_cell: `blanks` escapes every character that shows as a blank or
// nothing, and a backslash; without it, only what hides or turns text, and line breaks and tabs
// become spaces.
std::string escaped(std::string_view text, bool blanks) {
  std::string out;
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = sequence_length(text, pos, &code_point);
    if (length == 0) {
      char escaped_byte[8];
      std::snprintf(escaped_byte, sizeof escaped_byte, "\\x%02X", static_cast<unsigned char>(text[pos]));
      out += escaped_byte;
      ++pos;
      continue;
    }
    if (blanks && code_point == '\\') {
      out += "\\\\";
    } else if (!blanks && (code_point == '\n' || code_point == '\r' || code_point == '\t')) {
      out += ' ';
    } else if (is_hidden(code_point) ||
               (blanks && (is_unicode_space(code_point) || is_variation_selector(code_point)))) {
      out += "\\u{" + hex_code(code_point) + "}";
    } else {
      out.append(text.substr(pos, length));
    }
    pos += length;
  }
  return out;
}

}  // namespace

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Eight ASCII bytes at a time (most of a JSON or CSV file), then one sequence.
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    std::uint64_t word = 0;
    while (pos + sizeof word <= text.size()) {
      std::memcpy(&word, text.data() + pos, sizeof word);
      if ((word & kHighBits) != 0) break;
      pos += sizeof word;
    }
    if (pos >= text.size()) break;
    char32_t code_point = 0;
    const std::size_t length = sequence_length(text, pos, &code_point);
    if (length == 0) return pos;
    pos += length;
  }
  return std::nullopt;
}

TextPosition position_of(std::string_view text, std::size_t offset) {
  TextPosition position;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++position.column;  // count characters, not continuation bytes
    }
  }
  return position;
}

bool is_valid_id(std::string_view id) {
  return id_problem(id).empty();
}

std::string id_problem(std::string_view id) {
  if (id.empty()) return "is empty";
  // What it may hold first: a name of 23 Chinese characters is refused for its characters, not as
  // "longer than 64 characters" (it is 69 bytes).
  for (char c : id) {
    if (!is_id_char(c)) return std::string(kIdCharacters);
  }
  if (id.size() > kMaxIdLength) return "is longer than 64 characters";
  if (id[0] == '.' || id[0] == '_' || id[0] == '-') return "must start with a letter or digit";
  return "";
}

std::string display_name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (trim(name).empty()) return "holds only spaces";
  if (trim(name).size() != name.size()) return "begins or ends with a space";
  if (first_invalid_utf8(name)) return "is not valid UTF-8";
  const std::u32string characters = code_points(name);
  for (const char32_t c : characters) {
    if (is_hidden(c)) return "holds a control or invisible character (U+" + hex_code(c) + ")";
  }
  if (is_unicode_space(characters.front()) || is_unicode_space(characters.back()))
    return "begins or ends with a space";
  const bool shows_something = std::any_of(characters.begin(), characters.end(), [](char32_t c) {
    return c != ' ' && !is_unicode_space(c) && !is_variation_selector(c);
  });
  if (!shows_something) return "shows nothing: only spaces or variation selectors";
  if (characters.size() > kMaxDisplayNameLength) return "is longer than 64 characters";
  return "";
}

std::string shown_safely(std::string_view text) {
  return escaped(text, true);
}

std::string shown_in_cell(std::string_view text) {
  return escaped(text, false);
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string> split_list(std::string_view text, std::string_view separators) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = trim(text.substr(start, end - start));
    if (!item.empty()) items.emplace_back(item);
    start = end + 1;
  }
  return items;
}

std::string cut_short(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // not inside a character
  return std::string(text.substr(0, end)) + "…";
}

std::string ascii_separators(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, char>, 4> kSeparators = {
      {{"\uFF0C", ','}, {"\u3001", ','}, {"\uFF1B", ';'}, {"\u3000", ' '}}};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto it = std::find_if(kSeparators.begin(), kSeparators.end(),
                                 [&](const auto& s) { return text.substr(i).starts_with(s.first); });
    if (it != kSeparators.end()) {
      out += it->second;
      i += it->first.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool same_name(std::string_view a, std::string_view b) {
  return to_lower_ascii(trim(a)) == to_lower_ascii(trim(b));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows: the one before last for a transposition of two neighbours.
  std::vector<std::size_t> before(b.size() + 1), last(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) last[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({last[j] + 1, row[j - 1] + 1, last[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, last);
    std::swap(last, row);
  }
  return last[b.size()];
}

std::string near_miss(std::string_view key, const std::vector<std::string_view>& known) {
  // Two edits at most, and one for a key of fewer than six characters ("x" is no typo of "id"),
  // in any case; else a known key the key begins (four characters at least: "max_exposure").
  constexpr std::size_t kFarthest = 2, kShortKey = 6, kShortestPrefix = 4;
  const std::size_t farthest = key.size() < kShortKey ? 1 : kFarthest;
  const std::string lower = to_lower_ascii(key);
  std::string closest;
  std::size_t best = farthest + 1;
  for (const std::string_view k : known) {
    if (k.size() > key.size() + farthest || key.size() > k.size() + farthest) continue;
    const std::size_t distance = edit_distance(lower, to_lower_ascii(k));
    if (distance < best) best = distance, closest = std::string(k);
  }
  if (!closest.empty() || key.size() < kShortestPrefix) return closest;
  std::vector<std::string_view> begun;
  for (const std::string_view k : known) {
    if (to_lower_ascii(k).starts_with(lower)) begun.push_back(k);
  }
  return begun.size() == 1 ? std::string(begun.front()) : "";
}

std::u32string code_points(std::string_view text) {
  std::u32string out;
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = sequence_length(text, pos, &code_point);
    out.push_back(length == 0 ? char32_t{0xFFFD} : code_point);
    pos += length == 0 ? 1 : length;
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    char32_t code_point = 0;
    const std::size_t length = sequence_length(text, pos, &code_point);
    if (length == 0) {
      ++width, ++pos;
      continue;
    }
    width += is_wide(code_point) ? 2U : 1U;
    pos += length;
  }
  return width;
}

}  // namespace moat
