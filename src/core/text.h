// SPDX-License-Identifier: Apache-2.0
// Text checks every reader shares: UTF-8 validity, moat's id syntax, list splitting, and the
// width a string takes in a terminal (CJK characters take two cells). Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat {

// The byte offset of the first byte that is not part of well-formed UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF included), or nullopt when `text` is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

// Line (from 1) and column in characters (from 1) of byte `offset` in `text`.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

// Ids: 1-64 characters from [A-Za-z0-9._-], starting with a letter or digit.
inline constexpr std::string_view kIdCharacters =
    "may hold only ASCII letters (A-Z, a-z), digits, '.', '_' and '-'";
bool is_valid_id(std::string_view id);
// Why `id` is not valid, for an error message; empty when it is.
std::string id_problem(std::string_view id);

// A person's name as people write it (王小明, Zoë Müller), shown beside an id, never standing for
// one: 1-64 characters of valid UTF-8, no space at either end, and none of the characters that
// show nothing or change how the text around them reads (controls, bidi overrides, zero-width
// characters). Why `name` is not one, for an error message; empty when it is.
std::string display_name_problem(std::string_view name);
// `text` as it may be shown on a terminal from a file nobody vetted: the characters a display name
// may not hold (controls, bidi, zero-width, other invisible ones), spaces other than ASCII's and
// variation selectors written as \u{XXXX}, a byte that is no UTF-8 as \xNN, a backslash as \\.
std::string shown_safely(std::string_view text);
// `text` as a table cell shows it on a terminal: line breaks and tabs as spaces, the characters
// that show nothing or turn the text around them (controls, bidi, zero-width) as \u{XXXX}, a byte
// that is no UTF-8 as \xNN; Chinese text, other spaces and emoji as they are.
std::string shown_in_cell(std::string_view text);

std::string_view trim(std::string_view text);
// Splits on any of `separators`, trims each item and drops empty ones.
std::vector<std::string> split_list(std::string_view text, std::string_view separators = ";");
// `text` cut to at most `limit` bytes (on a UTF-8 character boundary), "…" marking the cut.
std::string cut_short(std::string_view text, std::size_t limit = 80);

// `text` with the separators a Chinese input method types as their ASCII forms: the full-width
// comma and the enumeration comma (，、) as ',', the full-width semicolon (；) as ';', the
// ideographic space as ' '. ("C1，C2、C3" -> "C1,C2,C3")
std::string ascii_separators(std::string_view text);
std::string join(const std::vector<std::string>& items, std::string_view separator);
std::string to_lower_ascii(std::string_view text);
// Names as people type them (an owner, a mark, a company) are one name trimmed and in any ASCII case.
bool same_name(std::string_view a, std::string_view b);

// Edits (insertions, deletions, substitutions of bytes, transpositions of neighbours) from `a` to
// `b`: "colusion" is 1 from "collusion", "form" 1 from "from".
std::size_t edit_distance(std::string_view a, std::string_view b);
// The one of `known` nearest to `key` within two edits, one for a key of fewer than six characters
// (a near miss: a typo), letter case aside; else the one known key `key` begins, when it has four
// characters or more and begins no other; else empty.
std::string near_miss(std::string_view key, const std::vector<std::string_view>& known);

// The code points of `text`, each malformed byte taken as U+FFFD.
std::u32string code_points(std::string_view text);

// Terminal cells `text` occupies (valid UTF-8 assumed; East Asian wide characters take 2).
std::size_t display_width(std::string_view text);

}  // namespace moat
