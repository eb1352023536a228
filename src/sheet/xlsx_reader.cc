// SPDX-License-Identifier: Apache-2.0
#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "core/date.h"
#include "core/text.h"
#include "sheet/xlsx.h"

namespace moat::sheet {
namespace {

constexpr zip_uint64_t kMaxEntryBytes = 256ULL << 20;
constexpr std::size_t kMaxRows = 1'048'576;
constexpr std::size_t kMaxColumns = 16'384;

// --- the zip container -------------------------------------------------------------------------

class Archive {
 public:
  static Result<std::unique_ptr<Archive>> open(std::string_view bytes, std::string_view file) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    zip_t* zip = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
    if (!zip) {
      if (source) zip_source_free(source);
      const std::string why = zip_error_strerror(&error);
      zip_error_fini(&error);
      return input_error(std::string(file), "not an Excel workbook (.xlsx): " + why);
    }
    zip_error_fini(&error);
    return std::unique_ptr<Archive>(new Archive(zip, file));
  }
  ~Archive() { zip_discard(zip_); }
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  // The entry's bytes, or nullopt when the workbook has no such entry.
  Result<std::optional<std::string>> read(const std::string& entry) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat(zip_, entry.c_str(), ZIP_FL_NOCASE, &stat) != 0) return std::optional<std::string>();
    if ((stat.valid & ZIP_STAT_SIZE) == 0 || stat.size > kMaxEntryBytes) {
      return input_error(file_, entry + " is larger than a workbook part may be (256 MiB)");
    }
    zip_file_t* handle = zip_fopen(zip_, entry.c_str(), ZIP_FL_NOCASE);
    if (!handle) return input_error(file_, "cannot read " + entry + ": " + zip_strerror(zip_));
    std::string content(static_cast<std::size_t>(stat.size), '\0');
    const zip_int64_t got = zip_fread(handle, content.data(), stat.size);
    zip_fclose(handle);
    if (got < 0 || static_cast<zip_uint64_t>(got) != stat.size) {
      return input_error(file_, "cannot read " + entry + ": the workbook is damaged");
    }
    return std::optional<std::string>(std::move(content));
  }

  Result<std::string> require(const std::string& entry) {
    MOAT_TRY(std::optional<std::string> content, read(entry));
    if (!content) return input_error(file_, "not an Excel workbook (.xlsx): it has no " + entry);
    return std::move(*content);
  }

 private:
  Archive(zip_t* zip, std::string_view file) : zip_(zip), file_(file) {}
  zip_t* zip_;
  std::string file_;
};

// --- XML, as a stream of elements (expat) ------------------------------------------------------

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const char** attributes) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view text) = 0;
};

// "http://...|row" -> "row": elements and attributes by their local names.
std::string_view local_name(const char* name) {
  const std::string_view full(name);
  const std::size_t bar = full.rfind('|');
  return bar == std::string_view::npos ? full : full.substr(bar + 1);
}

std::optional<std::string_view> attribute(const char** attributes, std::string_view name) {
  for (std::size_t i = 0; attributes[i]; i += 2) {
    if (local_name(attributes[i]) == name) return std::string_view(attributes[i + 1]);
  }
  return std::nullopt;
}

Status parse_xml(std::string_view xml, const std::string& where, XmlHandler& handler) {
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser(XML_ParserCreateNS("UTF-8", '|'),
                                                                 XML_ParserFree);
  if (!parser) return Error(ErrorCode::kInternal, where, "cannot create an XML parser");
  XML_SetUserData(parser.get(), &handler);
  XML_SetElementHandler(
      parser.get(),
      [](void* data, const XML_Char* name, const XML_Char** attributes) {
        static_cast<XmlHandler*>(data)->start(local_name(name), attributes);
      },
      [](void* data, const XML_Char* name) { static_cast<XmlHandler*>(data)->end(local_name(name)); });
  XML_SetCharacterDataHandler(parser.get(), [](void* data, const XML_Char* text, int length) {
    static_cast<XmlHandler*>(data)->text(std::string_view(text, static_cast<std::size_t>(length)));
  });
  std::size_t offset = 0;
  constexpr std::size_t kChunk = 1 << 20;
  do {
    const std::size_t size = std::min(kChunk, xml.size() - offset);
    const bool last = offset + size == xml.size();
    if (XML_Parse(parser.get(), xml.data() + offset, static_cast<int>(size), last ? 1 : 0) ==
        XML_STATUS_ERROR) {
      return input_error(
          where, "the workbook is damaged: " + std::string(XML_ErrorString(XML_GetErrorCode(parser.get()))) +
                     " at line " + std::to_string(XML_GetCurrentLineNumber(parser.get())));
    }
    offset += size;
  } while (offset < xml.size());
  return {};
}

// --- the workbook's parts ----------------------------------------------------------------------

struct SheetEntry {
  std::string name;
  std::string relation;
};

struct WorkbookHandler : XmlHandler {
  std::vector<SheetEntry> sheets;
  bool date1904 = false;
  void start(std::string_view name, const char** attributes) override {
    if (name == "sheet") {
      sheets.push_back({std::string(attribute(attributes, "name").value_or("")),
                        std::string(attribute(attributes, "id").value_or(""))});
    } else if (name == "workbookPr") {
      const std::string_view value = attribute(attributes, "date1904").value_or("0");
      date1904 = value == "1" || value == "true";
    }
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}
};

struct RelationsHandler : XmlHandler {
  std::map<std::string, std::string> targets;
  void start(std::string_view name, const char** attributes) override {
    if (name != "Relationship") return;
    targets[std::string(attribute(attributes, "Id").value_or(""))] =
        std::string(attribute(attributes, "Target").value_or(""));
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}
};

// Shared strings: each <si>'s text runs, leaving out phonetic guides (<rPh>).
struct SharedStringsHandler : XmlHandler {
  std::vector<std::string> strings;
  int phonetic = 0;
  bool in_text = false;
  void start(std::string_view name, const char**) override {
    if (name == "si") strings.emplace_back();
    if (name == "rPh") ++phonetic;
    if (name == "t") in_text = phonetic == 0 && !strings.empty();
  }
  void end(std::string_view name) override {
    if (name == "rPh") --phonetic;
    if (name == "t") in_text = false;
  }
  void text(std::string_view text) override {
    if (in_text) strings.back() += text;
  }
};

// Built-in number formats 14-22 and 45-47 are dates and times.
bool builtin_date_format(int id) {
  return (id >= 14 && id <= 22) || (id >= 45 && id <= 47);
}

// A custom format code shows a date when it has a day or year outside quotes and [brackets].
bool date_format_code(std::string_view code) {
  bool quoted = false;
  int bracket = 0;
  for (const char c : code) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '[') ++bracket;
    if (c == ']') --bracket;
    if (bracket == 0 && (c == 'd' || c == 'D' || c == 'y' || c == 'Y')) return true;
  }
  return false;
}

struct StylesHandler : XmlHandler {
  std::map<int, bool> custom_date;  // numFmtId -> is a date
  std::vector<int> cell_formats;    // cellXfs: style index -> numFmtId
  bool in_cell_xfs = false;
  void start(std::string_view name, const char** attributes) override {
    if (name == "numFmt") {
      custom_date[to_int(attribute(attributes, "numFmtId"))] =
          date_format_code(attribute(attributes, "formatCode").value_or(""));
    } else if (name == "cellXfs") {
      in_cell_xfs = true;
    } else if (name == "xf" && in_cell_xfs) {
      cell_formats.push_back(to_int(attribute(attributes, "numFmtId")));
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs = false;
  }
  void text(std::string_view) override {}
  bool is_date(std::size_t style) const {
    if (style >= cell_formats.size()) return false;
    const int id = cell_formats[style];
    const auto it = custom_date.find(id);
    return it != custom_date.end() ? it->second : builtin_date_format(id);
  }
  static int to_int(std::optional<std::string_view> text) {
    int value = 0;
    if (text) std::from_chars(text->data(), text->data() + text->size(), value);
    return value;
  }
};

// --- cell values -------------------------------------------------------------------------------

// Column 3, row 7 -> "C7".
std::string cell_reference(std::size_t column, std::size_t row) {
  std::string letters;
  for (std::size_t n = column; n > 0; n = (n - 1) / 26)
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  return letters + std::to_string(row);
}

// "Sheet1", or "'Parts list'" when the name needs quoting, as Excel writes references.
std::string quoted_sheet(const std::string& sheet) {
  const bool plain = std::all_of(sheet.begin(), sheet.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  return plain ? sheet : "'" + sheet + "'";
}

// "C7" -> column 3, row 7; nullopt when malformed.
std::optional<std::pair<std::size_t, std::size_t>> parse_reference(std::string_view ref) {
  std::size_t column = 0, i = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z')
    column = column * 26 + static_cast<std::size_t>(ref[i++] - 'A' + 1);
  std::size_t row = 0;
  const auto [end, error] = std::from_chars(ref.data() + i, ref.data() + ref.size(), row);
  if (column == 0 || i == 0 || error != std::errc() || end != ref.data() + ref.size() || row == 0)
    return std::nullopt;
  return std::pair{column, row};
}

// A number as a person typed it: integers without a fraction, others in their shortest exact form.
std::string number_text(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::string(text);
  char buffer[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
  }
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

// A date cell's serial number as YYYY-MM-DD (the time of day left out).
std::optional<std::string> serial_date(std::string_view text, bool date1904) {
  double serial = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), serial);
  if (error != std::errc() || serial < 0 || serial > 2958465) return std::nullopt;
  // 1900 system: day 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was.
  const Date epoch = date1904 ? *Date::parse("1904-01-01") : *Date::parse("1899-12-30");
  auto days = static_cast<long>(std::floor(serial));
  if (!date1904 && days < 61) ++days;
  return Date::from_days(epoch.days_since_epoch() + days).to_string();
}

struct SheetHandler : XmlHandler {
  const std::vector<std::string>& strings;
  const StylesHandler& styles;
  bool date1904 = false;
  std::string file, sheet;

  std::map<std::size_t, std::map<std::size_t, std::string>> cells;  // row -> column -> text
  std::optional<Error> problem;

  std::size_t row = 0, column = 0;
  std::string type, value, inline_text;
  std::size_t style = 0;
  bool in_value = false, in_inline = false, in_text = false;

  SheetHandler(const std::vector<std::string>& s, const StylesHandler& st) : strings(s), styles(st) {}

  void fail(std::string message) {
    if (!problem)
      problem = input_error(file + ":" + quoted_sheet(sheet) + "!" + cell_reference(column, row),
                            std::move(message));
  }

  void start(std::string_view name, const char** attributes) override {
    if (name == "row") {
      const auto r = attribute(attributes, "r");
      std::size_t number = row + 1;
      if (r) std::from_chars(r->data(), r->data() + r->size(), number);
      row = number;
      column = 0;
    } else if (name == "c") {
      ++column;
      if (const auto r = attribute(attributes, "r")) {
        const auto at = parse_reference(*r);
        if (!at) return fail("a cell with a malformed reference '" + std::string(*r) + "'");
        column = at->first;
        row = at->second;
      }
      type = std::string(attribute(attributes, "t").value_or("n"));
      style = static_cast<std::size_t>(StylesHandler::to_int(attribute(attributes, "s")));
      value.clear();
      inline_text.clear();
    } else if (name == "v") {
      in_value = true;
    } else if (name == "is") {
      in_inline = true;
    } else if (name == "t" && in_inline) {
      in_text = true;
    }
  }

  void end(std::string_view name) override {
    if (name == "v") in_value = false;
    if (name == "t") in_text = false;
    if (name == "is") in_inline = false;
    if (name == "c") finish_cell();
  }

  void text(std::string_view text) override {
    if (in_value) value += text;
    if (in_text) inline_text += text;
  }

  void finish_cell() {
    if (row > kMaxRows || column > kMaxColumns) return fail("cell beyond the largest sheet Excel allows");
    std::string shown;
    if (type == "s") {
      std::size_t index = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), index);
      if (error != std::errc() || index >= strings.size())
        return fail("the workbook is damaged: unknown shared string " + value);
      shown = strings[index];
    } else if (type == "inlineStr") {
      shown = inline_text;
    } else if (type == "str") {
      shown = value;
    } else if (type == "b") {
      shown = value == "1" ? "true" : "false";
    } else if (type == "e") {
      return fail("the cell holds the spreadsheet error " + value);
    } else if (type == "d") {
      shown = value.substr(0, 10);
    } else if (!value.empty()) {
      const auto date = styles.is_date(style) ? serial_date(value, date1904) : std::nullopt;
      shown = date ? *date : number_text(value);
    }
    if (!shown.empty()) cells[row][column] = std::move(shown);
  }
};

// The cells as rows of fields; the header chosen as CsvOptions says; cells past its last column
// must be empty.
Result<CsvTable> tabulate(const SheetHandler& sheet, const CsvOptions& options) {
  std::vector<CsvRow> rows;
  for (const auto& [number, columns] : sheet.cells) {
    CsvRow row{number, {}};
    const std::size_t width = columns.rbegin()->first;
    for (std::size_t c = 1; c <= width; ++c) {
      const auto it = columns.find(c);
      row.fields.push_back({it == columns.end() ? "" : it->second, number, c});
    }
    rows.push_back(std::move(row));
  }
  const std::string place = sheet.file + ":" + quoted_sheet(sheet.sheet) + "!";
  if (rows.empty()) return input_error(place + "A1", "the worksheet is empty: no header row");
  std::size_t header_at = 0;
  if (options.is_header) {
    const auto found = std::find_if(rows.rbegin(), rows.rend(), options.is_header);
    if (found != rows.rend()) header_at = static_cast<std::size_t>(rows.rend() - found) - 1;
  }
  CsvTable table;
  table.preamble_rows = header_at;
  table.header = std::move(rows[header_at]);
  const std::size_t width = table.header.fields.size();
  for (std::size_t i = header_at + 1; i < rows.size(); ++i) {
    CsvRow& row = rows[i];
    if (row.fields.size() > width) {
      const CsvField& extra = row.fields.back();
      return input_error(
          place + cell_reference(extra.column, extra.line),
          "a value past the header's last column (" + cell_reference(width, table.header.line) + ")");
    }
    for (std::size_t c = row.fields.size() + 1; c <= width; ++c) row.fields.push_back({"", row.line, c});
    table.rows.push_back(std::move(row));
  }
  return table;
}

struct Workbook {
  std::vector<SheetEntry> sheets;
  bool date1904 = false;
  std::map<std::string, std::string> targets;
};

Result<Workbook> read_workbook(Archive& archive, std::string_view file) {
  MOAT_TRY(const std::string workbook_xml, archive.require("xl/workbook.xml"));
  WorkbookHandler workbook;
  MOAT_CHECK(parse_xml(workbook_xml, std::string(file) + ":xl/workbook.xml", workbook));
  if (workbook.sheets.empty()) return input_error(std::string(file), "the workbook has no worksheets");
  MOAT_TRY(const std::string relations_xml, archive.require("xl/_rels/workbook.xml.rels"));
  RelationsHandler relations;
  MOAT_CHECK(parse_xml(relations_xml, std::string(file) + ":xl/_rels/workbook.xml.rels", relations));
  return Workbook{std::move(workbook.sheets), workbook.date1904, std::move(relations.targets)};
}

// "worksheets/sheet1.xml" or "/xl/worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml".
std::string entry_of(const std::string& target) {
  if (target.starts_with("/")) return target.substr(1);
  return "xl/" + target;
}

}  // namespace

Result<std::vector<std::string>> sheet_names(std::string_view bytes, std::string_view file) {
  MOAT_TRY(const auto archive, Archive::open(bytes, file));
  MOAT_TRY(const Workbook workbook, read_workbook(*archive, file));
  std::vector<std::string> names;
  for (const SheetEntry& entry : workbook.sheets) names.push_back(entry.name);
  return names;
}

Result<Worksheet> read_worksheet(std::string_view bytes, std::string_view file,
                                 const std::optional<std::string>& sheet, const CsvOptions& options) {
  MOAT_TRY(const auto archive, Archive::open(bytes, file));
  MOAT_TRY(const Workbook workbook, read_workbook(*archive, file));
  const auto chosen = sheet ? std::find_if(workbook.sheets.begin(), workbook.sheets.end(),
                                           [&](const SheetEntry& e) { return e.name == *sheet; })
                            : workbook.sheets.begin();
  if (chosen == workbook.sheets.end()) {
    std::string names;
    for (const SheetEntry& entry : workbook.sheets) names += (names.empty() ? "" : ", ") + entry.name;
    return input_error("--sheet", "the workbook " + std::string(file) + " has no sheet '" + *sheet +
                                      "' (it has " + names + ")");
  }
  const auto target = workbook.targets.find(chosen->relation);
  if (target == workbook.targets.end())
    return input_error(std::string(file),
                       "the workbook is damaged: sheet '" + chosen->name + "' has no part");

  SharedStringsHandler strings;
  MOAT_TRY(const std::optional<std::string> strings_xml, archive->read("xl/sharedStrings.xml"));
  if (strings_xml) MOAT_CHECK(parse_xml(*strings_xml, std::string(file) + ":xl/sharedStrings.xml", strings));
  StylesHandler styles;
  MOAT_TRY(const std::optional<std::string> styles_xml, archive->read("xl/styles.xml"));
  if (styles_xml) MOAT_CHECK(parse_xml(*styles_xml, std::string(file) + ":xl/styles.xml", styles));

  const std::string entry = entry_of(target->second);
  MOAT_TRY(const std::string sheet_xml, archive->require(entry));
  SheetHandler handler(strings.strings, styles);
  handler.date1904 = workbook.date1904;
  handler.file = std::string(file);
  handler.sheet = chosen->name;
  MOAT_CHECK(parse_xml(sheet_xml, std::string(file) + ":" + entry, handler));
  if (handler.problem) return std::move(*handler.problem);
  MOAT_TRY(CsvTable cells, tabulate(handler, options));
  return Worksheet{chosen->name, std::move(cells)};
}

}  // namespace moat::sheet
