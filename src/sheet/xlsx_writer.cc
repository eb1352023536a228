// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#include "core/files.h"
#include "sheet/xlsx.h"

namespace moat::sheet {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxSheetName = 31;
constexpr std::size_t kMaxCellText = 32'767;

// Excel's rules: at most 31 characters, none of []:*?/\ , unique in the workbook (case aside).
std::string sheet_name(const std::string& wanted, std::set<std::string>& taken) {
  std::string name;
  for (const char c : wanted)
    name += std::string_view("[]:*?/\\").find(c) == std::string_view::npos ? c : '-';
  if (name.empty()) name = "Sheet";
  std::string candidate = name.substr(0, kMaxSheetName);
  for (int n = 2; taken.contains(candidate); ++n) {
    const std::string suffix = " (" + std::to_string(n) + ")";
    candidate = name.substr(0, kMaxSheetName - suffix.size()) + suffix;
  }
  std::string lower = candidate;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  taken.insert(lower);
  return candidate;
}

class WorkbookWriter {
 public:
  explicit WorkbookWriter(const std::string& path) : book_(workbook_new(path.c_str())) {}
  ~WorkbookWriter() {
    if (book_) workbook_close(book_);
  }
  WorkbookWriter(const WorkbookWriter&) = delete;
  WorkbookWriter& operator=(const WorkbookWriter&) = delete;

  bool ok() const { return book_ != nullptr; }

  Status add(const Table& table, std::set<std::string>& taken) {
    const std::string name = sheet_name(table.name, taken);
    lxw_worksheet* sheet = workbook_add_worksheet(book_, name.c_str());
    if (!sheet) return Error(ErrorCode::kInternal, name, "cannot add a worksheet");
    lxw_format* bold = workbook_add_format(book_);
    format_set_bold(bold);
    for (std::size_t c = 0; c < table.header.size(); ++c) {
      MOAT_CHECK(check(worksheet_write_string(sheet, 0, column(c), table.header[c].c_str(), bold)));
    }
    worksheet_freeze_panes(sheet, 1, 0);
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(r + 1);
      for (std::size_t c = 0; c < table.rows[r].size(); ++c)
        MOAT_CHECK(write(sheet, row, column(c), table.rows[r][c]));
    }
    return {};
  }

  Status close() {
    const lxw_error error = workbook_close(book_);
    book_ = nullptr;
    return check(error);
  }

 private:
  static lxw_col_t column(std::size_t c) { return static_cast<lxw_col_t>(c); }

  static Status write(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const Cell& cell) {
    if (const auto* text = std::get_if<std::string>(&cell)) {
      if (text->empty()) return {};
      const std::string shown = text->size() > kMaxCellText ? text->substr(0, kMaxCellText) : *text;
      return check(worksheet_write_string(sheet, row, col, shown.c_str(), nullptr));
    }
    if (const auto* number = std::get_if<double>(&cell))
      return check(worksheet_write_number(sheet, row, col, *number, nullptr));
    if (const auto* flag = std::get_if<bool>(&cell))
      return check(worksheet_write_boolean(sheet, row, col, *flag ? 1 : 0, nullptr));
    return {};
  }

  static Status check(lxw_error error) {
    if (error == LXW_NO_ERROR) return {};
    return Error(ErrorCode::kInternal, "xlsx", lxw_strerror(error));
  }

  lxw_workbook* book_;
};

}  // namespace

// The workbook is made in a folder of its own (libxlsxwriter writes by file name), then written to
// `path` as every file moat writes is (core/files.h): whole, never through a link prepared beside
// it, and a device such as /dev/null written to, not replaced.
Status write_workbook(const std::string& path, const std::vector<Table>& tables) {
  std::string folder = (fs::temp_directory_path() / "moat-xlsx-XXXXXX").string();
  if (::mkdtemp(folder.data()) == nullptr)
    return internal_error("cannot make a folder for the workbook: " + std::string(std::strerror(errno)));
  const std::string temporary = (fs::path(folder) / "workbook.xlsx").string();
  const auto written = [&]() -> Status {
    WorkbookWriter writer(temporary);
    if (!writer.ok()) return input_error(path, "cannot write this file");
    std::set<std::string> taken;
    for (const Table& table : tables) MOAT_CHECK(writer.add(table, taken));
    if (tables.empty()) MOAT_CHECK(writer.add(Table{"Sheet1", {}, {}}, taken));
    Status closed = writer.close();
    if (!closed.ok()) return input_error(path, "cannot write this file: " + closed.error().message());
    return {};
  }();
  Status done = written;
  if (done.ok()) {
    std::ifstream in(temporary, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    done = in.good() || in.eof() ? write_file_atomically(path, bytes)
                                 : internal_error("cannot read back the workbook made in " + folder);
  }
  std::error_code ignored;
  fs::remove_all(folder, ignored);
  return done;
}

}  // namespace moat::sheet
