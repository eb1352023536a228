// SPDX-License-Identifier: Apache-2.0
#include "core/uscc.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/csv.h"

namespace moat {
namespace {

constexpr std::string_view kValid = "91110000600037341L";
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

bool mentions(const std::string& message, std::string_view part) {
  return message.find(part) != std::string::npos;
}

TEST(UsccTest, AcceptsValidCode) {
  EXPECT_TRUE(is_valid_uscc(kValid));
  EXPECT_EQ(uscc_problem(kValid), "");
}

TEST(UsccTest, ComputesCheckCharacter) {
  EXPECT_EQ(uscc_check_character(kValid.substr(0, 17)), 'L');
}

TEST(UsccTest, CheckCharacterNeedsSeventeenAlphabetCharacters) {
  EXPECT_EQ(uscc_check_character(kValid.substr(0, 16)), std::nullopt);
  EXPECT_EQ(uscc_check_character(kValid), std::nullopt);
  EXPECT_EQ(uscc_check_character(""), std::nullopt);
  EXPECT_EQ(uscc_check_character("9111000060003734I"), std::nullopt);
  EXPECT_EQ(uscc_check_character("9111000060003734a"), std::nullopt);
}

TEST(UsccTest, CheckCharacterMakesAnyPrefixValid) {
  // A prefix whose check character is '0' (weighted sum divisible by 31) must not give "31".
  const std::vector<std::string> prefixes = {"91110000600037341", "00000000000000000", "91440300MA53U1DB8",
                                             "YY000000YYYYYYYYY"};
  for (const std::string& prefix : prefixes) {
    const std::optional<char> check = uscc_check_character(prefix);
    ASSERT_TRUE(check.has_value()) << prefix;
    // Whatever else is wrong with it (no such province, the organisation code), not its check character.
    EXPECT_FALSE(mentions(uscc_problem(prefix + *check), "check character is")) << prefix + *check;
  }
  EXPECT_EQ(uscc_check_character("00000000000000000"), '0');
}

TEST(UsccTest, RejectsWrongCheckCharacter) {
  for (const char c : kAlphabet) {
    if (c == kValid.back()) continue;
    std::string code(kValid);
    code[17] = c;
    const std::string problem = uscc_problem(code);
    EXPECT_FALSE(is_valid_uscc(code)) << code;
    EXPECT_TRUE(mentions(problem, "check character is '" + std::string(1, c) + "'")) << problem;
    EXPECT_TRUE(mentions(problem, "give 'L'")) << problem;
  }
}

TEST(UsccTest, RejectsEverySingleCharacterSubstitution) {
  for (std::size_t position = 0; position < kValid.size(); ++position) {
    for (const char c : kAlphabet) {
      if (c == kValid[position]) continue;
      std::string code(kValid);
      code[position] = c;
      EXPECT_FALSE(is_valid_uscc(code)) << code << " (position " << position + 1 << ")";
    }
  }
}

TEST(UsccTest, RejectsWrongLength) {
  for (const std::string code : {"", "9111000060003734", "91110000600037341", "91110000600037341L0"}) {
    const std::string problem = uscc_problem(code);
    EXPECT_TRUE(mentions(problem, "must have 18 characters, not " + std::to_string(code.size())))
        << "'" << code << "': " << problem;
  }
}

// A full-width digit is one character (of three bytes): the code has 18 characters, one not allowed.
TEST(UsccTest, NamesAFullWidthCharacterCountingCharactersNotBytes) {
  const std::string problem = uscc_problem(
      "\xEF\xBC\x99"
      "1110000600037341L");  // ９1110000600037341L
  EXPECT_TRUE(mentions(problem, "has '\xEF\xBC\x99' at position 1")) << problem;
  EXPECT_TRUE(mentions(problem, "half-width")) << problem;
  EXPECT_TRUE(mentions(uscc_problem("\xEF\xBC\x99"
                                    "11100006000373411L"),
                       "must have 18 characters, not 19"));
}

TEST(UsccTest, RejectsLettersOutsideAlphabetNamingPosition) {
  for (const char letter : std::string_view("IOSVZ")) {
    for (const std::size_t position : {std::size_t{0}, std::size_t{9}, std::size_t{17}}) {
      std::string code(kValid);
      code[position] = letter;
      const std::string problem = uscc_problem(code);
      EXPECT_TRUE(
          mentions(problem, "'" + std::string(1, letter) + "' at position " + std::to_string(position + 1)))
          << code << ": " << problem;
    }
  }
}

TEST(UsccTest, RejectsLowercaseAndPunctuation) {
  std::string lower(kValid);
  lower[17] = 'l';
  EXPECT_TRUE(mentions(uscc_problem(lower), "'l' at position 18")) << uscc_problem(lower);
  std::string dash(kValid);
  dash[4] = '-';
  EXPECT_TRUE(mentions(uscc_problem(dash), "'-' at position 5")) << uscc_problem(dash);
}

TEST(UsccTest, RejectsLetterInDivisionCodeNamingPosition) {
  for (std::size_t position = 2; position < 8; ++position) {
    std::string code(kValid);
    code[position] = 'A';
    // Give it a correct check character so that only the division code is at fault.
    code[17] = *uscc_check_character(std::string_view(code).substr(0, 17));
    const std::string problem = uscc_problem(code);
    EXPECT_TRUE(mentions(problem, "positions 3-8")) << code << ": " << problem;
    EXPECT_TRUE(mentions(problem, "position " + std::to_string(position + 1) + " is 'A'"))
        << code << ": " << problem;
  }
}

// python-stdnum accepts these; they name no province, or carry a wrong organisation code.
TEST(UsccTest, RejectsADivisionOfNoProvince) {
  for (const std::string division : {"000000", "990100", "101010", "290000"}) {
    std::string code = "91" + division + "MA53U1DB8";
    code += *uscc_check_character(code);
    EXPECT_TRUE(mentions(uscc_problem(code), "administrative division " + division))
        << code << ": " << uscc_problem(code);
  }
  std::string national = "11100000000013127";  // a ministry, registered at the national level
  national += *uscc_check_character(national);
  EXPECT_TRUE(is_valid_uscc(national)) << uscc_problem(national);
}

TEST(UsccTest, RejectsAWrongOrganisationCodeCheckCharacter) {
  // 91440300MA53U1DB8E is right: MA53U1DB's GB 11714 check character is 8. Any other, with the
  // credit code's own check character recomputed, is caught.
  for (const char c : std::string_view("0123456790X")) {
    if (c == '8') continue;
    std::string code = std::string("91440300MA53U1DB") + c;
    code += *uscc_check_character(code);
    const std::string problem = uscc_problem(code);
    EXPECT_TRUE(mentions(problem, "organisation code MA53U1DB" + std::string(1, c)))
        << code << ": " << problem;
    EXPECT_TRUE(mentions(problem, "GB 11714 gives '8'")) << problem;
  }
  EXPECT_TRUE(is_valid_uscc("91110000600037341L"));  // 60003734: check character 1
}

TEST(UsccTest, AllowsLettersOutsideDivisionCode) {
  // Real codes carry letters in the registration number, e.g. "MA" for newer companies.
  EXPECT_TRUE(is_valid_uscc("91440300MA53U1DB8E"));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(UsccTest, AuroraSuppliersCarryValidCodes) {
  const char* source_dir = std::getenv("MOAT_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "MOAT_SOURCE_DIR must name the repository root";
  const std::filesystem::path path =
      std::filesystem::path(source_dir) / "examples" / "aurora" / "suppliers.csv";
  const std::string text = read_file(path);
  ASSERT_FALSE(text.empty()) << "cannot read " << path;

  const Result<CsvTable> table = parse_csv(text, "suppliers.csv");
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  std::size_t column = table->header.fields.size();
  for (std::size_t i = 0; i < table->header.fields.size(); ++i) {
    if (table->header.fields[i].value == "uscc") column = i;
  }
  ASSERT_LT(column, table->header.fields.size()) << "no uscc column";
  ASSERT_FALSE(table->rows.empty());
  for (const CsvRow& row : table->rows) {
    const CsvField& code = row.fields[column];
    EXPECT_EQ(uscc_problem(code.value), "")
        << csv_location("suppliers.csv", code.line, code.column) << ": " << code.value;
  }
}

}  // namespace
}  // namespace moat
