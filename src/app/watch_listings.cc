// SPDX-License-Identifier: Apache-2.0
// Listings in: CSV (the project's header rules: every column known, none twice, the required ones
// present) or JSON, every field checked where it stands; the images each listing names found in
// a folder or a ZIP, told from their bytes and decoded; then one transaction that stores the
// listings, their images (in the vault, with SHA-256) and a capture event each, and the hits the
// engine finds. Any problem refuses the whole import, each one at its place.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "app/blobs.h"
#include "app/fields.h"
#include "app/file_kinds.h"
#include "app/json_text.h"
#include "app/record_fields.h"
#include "app/records.h"
#include "app/watch.h"
#include "app/watch_matching.h"
#include "core/date.h"
#include "core/encoding.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using store::Field;
using store::FieldType;

constexpr std::size_t kMaxDiagnostics = 50;
constexpr std::uintmax_t kMaxImageBytes = 64u << 20;

// The columns of a listings file, exactly as the format names them (docs/watch.md), and the
// Chinese headers scraping tools write for them.
constexpr std::string_view kPlatformAliases[] = {"平台", "电商平台"};
constexpr std::string_view kUrlAliases[] = {"链接", "商品链接", "网址"};
constexpr std::string_view kListingIdAliases[] = {"商品id", "商品编号"};
constexpr std::string_view kTitleAliases[] = {"标题", "商品标题", "商品名称"};
constexpr std::string_view kDescriptionAliases[] = {"描述", "商品描述"};
constexpr std::string_view kPriceAliases[] = {"价格", "售价"};
constexpr std::string_view kCurrencyAliases[] = {"币种", "货币"};
constexpr std::string_view kMinOrderAliases[] = {"起订量", "起批量"};
constexpr std::string_view kSellerAliases[] = {"卖家", "店铺名称", "商家"};
constexpr std::string_view kStoreUrlAliases[] = {"店铺链接"};
constexpr std::string_view kLocationAliases[] = {"所在地", "发货地", "卖家所在地"};
constexpr std::string_view kImagesAliases[] = {"图片", "图片文件"};
constexpr std::string_view kCapturedAtAliases[] = {"采集时间", "抓取时间"};
constexpr std::string_view kCapturedByAliases[] = {"采集人"};

const store::Table& listing_columns() {
  using store::Bound;
  static const std::vector<std::string>& platforms = watch_platforms();
  static const std::vector<std::string_view> platform_names(platforms.begin(), platforms.end());
  static const store::Table kColumns{
      "listings",
      "listing",
      {{"platform", FieldType::kEnum, true, Bound::kNone, platform_names, {}, kPlatformAliases},
       {"url", FieldType::kText, true, Bound::kNone, {}, {}, kUrlAliases},
       {"listing_id", FieldType::kText, false, Bound::kNone, {}, {}, kListingIdAliases},
       {"title", FieldType::kText, true, Bound::kNone, {}, {}, kTitleAliases},
       {"description", FieldType::kText, false, Bound::kNone, {}, {}, kDescriptionAliases},
       {"price", FieldType::kNumber, false, Bound::kNonNegative, {}, {}, kPriceAliases},
       {"currency", FieldType::kCurrency, false, Bound::kNone, {}, {}, kCurrencyAliases},
       {"min_order", FieldType::kInteger, false, Bound::kNonNegative, {}, {}, kMinOrderAliases},
       {"seller", FieldType::kText, false, Bound::kNone, {}, {}, kSellerAliases},
       {"store_url", FieldType::kText, false, Bound::kNone, {}, {}, kStoreUrlAliases},
       {"seller_location", FieldType::kText, false, Bound::kNone, {}, {}, kLocationAliases},
       {"images", FieldType::kNameList, false, Bound::kNone, {}, "[]", kImagesAliases},
       {"captured_at", FieldType::kText, false, Bound::kNone, {}, {}, kCapturedAtAliases},
       {"captured_by", FieldType::kText, false, Bound::kNone, {}, {}, kCapturedByAliases}}};
  return kColumns;
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), text.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) ==
                             std::tolower(static_cast<unsigned char>(b));
                    });
}

bool looks_like_json(const SourceFile& file) {
  if (ends_with_ci(file.name, ".json")) return true;
  if (ends_with_ci(file.name, ".csv")) return false;
  const auto first = file.content.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return first != std::string::npos && (file.content[first] == '[' || file.content[first] == '{');
}

// What is wrong with an ISO 8601 date or date and time as a capture time, or empty when it is one:
// 2026-11-30, or 2026-11-30T09:15[:02[.5]] with its UTC offset (+08:00, up to ±14:00) or Z. A time
// without an offset names no instant: 10:00 in Shenzhen is 02:00 in London.
std::string timestamp_problem(std::string_view text) {
  const std::string shape =
      "'" + cut_short(text) + "' is not an ISO 8601 date or time (2026-11-30T09:15:00+08:00)";
  if (text.size() < 10 || !Date::parse(text.substr(0, 10))) return shape;
  if (text.size() == 10) return {};
  if (text[10] != 'T' && text[10] != ' ') return shape;
  const std::string_view time = text.substr(11);
  const auto digits = [&](std::size_t at) {
    return at + 1 < time.size() && std::isdigit(static_cast<unsigned char>(time[at])) &&
           std::isdigit(static_cast<unsigned char>(time[at + 1]));
  };
  const auto two = [&](std::size_t at) { return std::stoi(std::string(time.substr(at, 2))); };
  if (!digits(0) || time.size() < 5 || time[2] != ':' || !digits(3)) return shape;
  if (two(0) > 23 || two(3) > 59) return shape;
  std::size_t at = 5;
  if (at < time.size() && time[at] == ':') {
    if (!digits(at + 1) || two(at + 1) > 60) return shape;
    at += 3;
    if (at < time.size() && time[at] == '.') {
      ++at;
      const std::size_t start = at;
      while (at < time.size() && std::isdigit(static_cast<unsigned char>(time[at]))) ++at;
      if (at == start) return shape;
    }
  }
  const std::string_view zone = time.substr(at);
  if (zone.empty()) {
    return "'" + cut_short(text) + "' has no UTC offset: add the one it was taken in (+08:00 in China) or Z";
  }
  if (zone == "Z") return {};
  const bool offset = zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(at + 1) &&
                      zone[3] == ':' && digits(at + 4);
  if (!offset) return shape;
  if (two(at + 1) * 60 + two(at + 4) > 14 * 60 || two(at + 4) > 59) {
    return "'" + cut_short(text) + "' has an offset of " + std::string(zone) +
           ": a UTC offset is at most 14:00 either way";
  }
  return {};
}

// How far ahead of the import's clock a capture time may be: the clocks of the machine that captured
// and of the one that imports differ a little (Kerberos allows 5 minutes for the same reason).
constexpr long long kClockSkewMs = 5LL * 60 * 1000;

// The earliest instant a capture time that timestamp_problem accepts can name, in milliseconds
// since the epoch: its own for a time with its offset; for a day, when that day begins first, at
// UTC+14:00.
long long earliest_instant(std::string_view text) {
  constexpr long long kMinute = 60LL * 1000;
  const long long day = Date::parse(text.substr(0, 10))->days_since_epoch() * 24 * 60 * kMinute;
  if (text.size() == 10) return day - 14 * 60 * kMinute;
  const auto two = [&](std::size_t at) { return std::stoll(std::string(text.substr(at, 2))); };
  long long at = day + (two(11) * 60 + two(14)) * kMinute;
  std::size_t zone = 16;
  if (zone < text.size() && text[zone] == ':') {
    at += two(17) * 1000;
    zone = text.find_first_of("Z+-", 19);
  }
  if (zone == std::string_view::npos || text[zone] == 'Z') return at;
  const long long offset = (two(zone + 1) * 60 + two(zone + 4)) * kMinute;
  return text[zone] == '+' ? at - offset : at + offset;
}

// The latest instant such a capture time can name: its own for a time with its offset; for a day,
// when that day ends last, at UTC-12:00. A capture is older than another for certain when its latest
// instant is before the other's earliest.
long long latest_instant(std::string_view text) {
  constexpr long long kMinute = 60LL * 1000;
  if (text.size() != 10) return earliest_instant(text);
  return earliest_instant(text) + (14 + 24 + 12) * 60 * kMinute - 1;
}

// Capture times later than the import's clock `now` (ISO 8601 UTC) allows: a capture cannot have
// been made after the file that records it is read.
void check_capture_times(const std::vector<Draft>& drafts, const std::string& now,
                         std::vector<Diagnostic>& problems) {
  const long long latest = earliest_instant(now) + kClockSkewMs;
  for (const Draft& draft : drafts) {
    const std::string at = text(draft.record, "captured_at");
    if (at.empty() || earliest_instant(at) <= latest) continue;
    problems.push_back({draft.origin.where("captured_at"),
                        "'" + cut_short(at) + "' is in the future: the import's clock says " +
                            now.substr(0, 19) + "Z (a capture may be at most 5 minutes ahead of it)"});
  }
}

// Checks what field rules alone cannot: a timestamp's shape, a URL's scheme.
void check_listing(const Draft& draft, std::vector<Diagnostic>& problems) {
  const json& r = draft.record;
  const std::string at = text(r, "captured_at");
  if (const std::string problem = at.empty() ? std::string() : timestamp_problem(at); !problem.empty()) {
    problems.push_back({draft.origin.where("captured_at"), problem});
  }
  if (r.contains("title") && r["title"].is_string() && watch_internal::blank(text(r, "title"))) {
    problems.push_back({draft.origin.where("title"), "title is required: this one shows nothing"});
  }
  for (const char* field : {"url", "store_url"}) {
    const std::string url = text(r, field);
    if (url.empty()) continue;
    const std::string scheme = to_lower_ascii(url.substr(0, std::min<std::size_t>(url.size(), 8)));
    if (!scheme.starts_with("https://") && !scheme.starts_with("http://")) {
      problems.push_back({draft.origin.where(field), "'" + cut_short(url) + "' is not an http(s) URL"});
    } else if (url.find_first_of(" \t\r\n") != std::string::npos) {
      problems.push_back({draft.origin.where(field), "a URL cannot hold spaces"});
    } else if (const std::size_t host = url.find("://") + 3;
               host >= url.size() || url[host] == '/' || url[host] == '?' || url[host] == '#') {
      problems.push_back({draft.origin.where(field), "'" + cut_short(url) + "' names no host"});
    }
  }
  const std::string currency = draft.origin.where("currency");
  const bool bad_currency = std::any_of(problems.begin(), problems.end(),
                                        [&](const Diagnostic& d) { return d.where.starts_with(currency); });
  if (number(r, "price") && text(r, "currency").empty() && !bad_currency) {
    problems.push_back({currency, "a price needs its currency (CNY, USD, ...)"});
  }
}

// The listings of one file, and for each the fields the file leaves out (no column, no key): a
// listing imported again keeps what it had for them. A price and its currency count as one field,
// and so do the seller, its store and its location (a new seller keeps none of the old one's); the
// capture's time and captor, and the photos, are the capture's own (write_listing).
struct ListingFile {
  std::vector<Draft> drafts;
  std::vector<std::vector<std::string>> left_out;
};

std::vector<std::string> fields_left_out(const std::function<bool(std::string_view)>& given) {
  static const std::set<std::string_view> kCapture = {"captured_at", "captured_by", "images"};
  // A price and its currency are given when the price is (a currency alone changes nothing); the
  // seller, its store and its location when any of them is.
  static const std::vector<std::vector<std::string_view>> kTogether = {
      {"price", "currency"}, {"seller", "store_url", "seller_location"}};
  const auto group_given = [&](std::string_view name) {
    for (const auto& group : kTogether) {
      if (std::find(group.begin(), group.end(), name) == group.end()) continue;
      return name == "price" || name == "currency" ? given("price")
                                                   : std::any_of(group.begin(), group.end(), given);
    }
    return given(name);
  };
  std::vector<std::string> out;
  for (const Field& field : listing_columns().fields) {
    if (field.required || kCapture.contains(field.name) || group_given(field.name)) continue;
    out.emplace_back(field.name);
  }
  return out;
}

std::string pointer_where(const SourceFile& file, const std::string& pointer) {
  return file.name + "#" + pointer;
}

void read_json_listing(const SourceFile& file, const json& object, const std::string& pointer,
                       const CapabilityCatalog& catalog, ListingFile& read,
                       std::vector<Diagnostic>& problems) {
  const store::Table& table = listing_columns();
  if (!object.is_object()) {
    problems.push_back({pointer_where(file, pointer), "each listing must be a JSON object"});
    return;
  }
  for (const auto& [name, value] : object.items()) {
    if (!table.field(name)) {
      problems.push_back({pointer_where(file, pointer + "/" + pointer_segment(cut_short(name))),
                          "unknown field '" + cut_short(name) + "' for a listing (see docs/watch.md)"});
    }
  }
  Draft draft{&table, json::object(), Origin{file.name, 0, {}, pointer, {}}};
  for (const Field& field : table.fields) {
    const std::string name(field.name);
    const auto it = object.find(name);
    json value = nullptr;
    if (it != object.end()) {
      // An enumeration in any case, as a CSV cell's ("Taobao", "JD").
      const json given = field.type == FieldType::kEnum && it->is_string()
                             ? json(to_lower_ascii(it->get<std::string>()))
                             : *it;
      Result<json> checked = check_value(field, given, catalog);
      if (!checked.ok()) {
        problems.push_back({pointer_where(file, pointer + "/" + name), checked.error().message()});
        continue;
      }
      value = std::move(*checked);
    }
    if (value.is_null()) value = default_value(field);
    if (value.is_null() && field.required) {
      problems.push_back({pointer_where(file, pointer), "missing required field '" + name + "'"});
    }
    draft.record[name] = std::move(value);
  }
  read.drafts.push_back(std::move(draft));
  read.left_out.push_back(fields_left_out([&](std::string_view name) { return object.contains(name); }));
}

Result<ListingFile> read_json_listings(const SourceFile& file, const CapabilityCatalog& catalog) {
  MOAT_TRY(const DecodedText decoded, decode_text(file.content, file.name, file.encoding));
  MOAT_TRY(const json document, parse_json_text(decoded.text, file.name));
  const json* list = &document;
  std::string base;
  if (document.is_object()) {
    const auto it = document.find("listings");
    if (it == document.end() || document.size() != 1) {
      return input_error(pointer_where(file, ""),
                         "a listings file holds an array of listings, or {\"listings\": [...]}");
    }
    list = &*it;
    base = "/listings";
  }
  if (!list->is_array()) return input_error(pointer_where(file, base), "must be an array of listings");
  ListingFile read;
  std::vector<Diagnostic> problems;
  for (std::size_t i = 0; i < list->size() && problems.size() < kMaxDiagnostics; ++i) {
    const std::size_t before = read.drafts.size();
    read_json_listing(file, (*list)[i], base + "/" + std::to_string(i), catalog, read, problems);
    if (read.drafts.size() > before) check_listing(read.drafts.back(), problems);
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return read;
}

// A workbook's first worksheet (.xlsx, what scraping tools export by default), read as a CSV file
// is: the same columns, each problem at its cell (listings.xlsx:Sheet1!C7).
Result<FileRead> read_workbook_listings(const SourceFile& file, const CapabilityCatalog& catalog) {
  MOAT_TRY(FileRead read,
           read_workbook_records(file, listing_columns(), std::nullopt, std::nullopt, catalog));
  std::vector<Diagnostic> problems;
  for (const Draft& draft : read.drafts) check_listing(draft, problems);
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return read;
}

Result<ListingFile> read_listing_file(const SourceFile& file, const CapabilityCatalog& catalog) {
  if (looks_like_json(file)) return read_json_listings(file, catalog);
  ListingFile out;
  MOAT_TRY(FileRead read, is_workbook(file.name) ? read_workbook_listings(file, catalog)
                                                 : read_csv_records(file, listing_columns(), std::nullopt,
                                                                    catalog, check_listing));
  const std::vector<std::string>& columns = read.report.fields_given;
  const std::vector<std::string> left_out = fields_left_out([&](std::string_view name) {
    return std::find(columns.begin(), columns.end(), name) != columns.end();
  });
  out.drafts = std::move(read.drafts);
  out.left_out.assign(out.drafts.size(), left_out);
  return out;
}

// ---- Images -----------------------------------------------------------------------------------

// Where the images come from: a folder, or a ZIP's members by path (and by file name when that
// is unambiguous).
class ImageSource {
 public:
  static Result<ImageSource> open(const std::filesystem::path& path,
                                  std::map<std::string, std::string> given) {
    ImageSource source;
    source.path_ = path;
    if (path.empty() && !given.empty()) {
      source.path_ = "the images given";
      source.members_ = std::move(given);
      source.zip_ = true;
      return source;
    }
    if (path.empty()) return source;
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) return source;
    MOAT_CHECK(regular_file(path));
    std::ifstream in(path, std::ios::binary);
    const std::string zip((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (detect_media_type(zip) != kZip)
      return input_error(path.string(), "--images takes a folder or a ZIP archive");
    MOAT_TRY(std::vector<ArchiveMember> members, zip_members(zip, path.string()));
    std::map<std::string, int> base_count;
    for (const ArchiveMember& m : members) ++base_count[std::filesystem::path(m.path).filename().string()];
    for (ArchiveMember& m : members) {
      const std::string base = std::filesystem::path(m.path).filename().string();
      if (base_count[base] == 1 && base != m.path) source.members_.emplace(base, m.content);
      source.members_.emplace(m.path, std::move(m.content));
    }
    source.zip_ = true;
    return source;
  }

  bool empty() const { return path_.empty(); }

  // The bytes of image `name`; kInput at `where` when it is missing or unreadable.
  Result<std::string> read(const std::string& name, const std::string& where) const {
    if (path_.empty()) {
      return input_error(
          where, "listing names image '" + cut_short(name) + "': give the folder or ZIP with --images");
    }
    const std::filesystem::path relative(name);
    if (relative.is_absolute() || name.find("..") != std::string::npos || name.empty()) {
      return input_error(where,
                         "image '" + cut_short(name) + "' must be a name inside the --images folder or ZIP");
    }
    if (zip_) {
      const auto it = members_.find(name);
      if (it == members_.end())
        return input_error(where, "image '" + cut_short(name) + "' is not in " + path_.string());
      return it->second;
    }
    const std::filesystem::path file = path_ / relative;
    std::error_code error;
    if (!std::filesystem::is_regular_file(file, error)) {
      return input_error(where, "image '" + cut_short(name) + "' is not in " + path_.string());
    }
    if (std::filesystem::file_size(file, error) > kMaxImageBytes) {
      return input_error(where, "image '" + cut_short(name) + "' is larger than 64 MiB");
    }
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return input_error(where, "cannot read image '" + cut_short(name) + "'");
    return bytes;
  }

 private:
  std::filesystem::path path_;
  bool zip_ = false;
  std::map<std::string, std::string> members_;
};

struct IncomingImage {
  std::string name;
  std::string bytes;
  std::string media_type;
  std::string fingerprint;
};

struct IncomingListing {
  Draft draft;
  std::vector<IncomingImage> images;
  std::vector<std::string> left_out;  // ListingFile::left_out
};

// Reads and checks every listing's images; every problem is collected, each at its cell.
Result<std::vector<IncomingListing>> with_images(std::vector<Draft> drafts, const ImageSource& source) {
  std::vector<IncomingListing> out;
  std::vector<Diagnostic> problems;
  for (Draft& draft : drafts) {
    IncomingListing listing{std::move(draft), {}};
    const std::vector<std::string> names = list(listing.draft.record, "images");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < names.size() && problems.size() < kMaxDiagnostics; ++i) {
      const std::string where = listing.draft.origin.where("images", i);
      if (!seen.insert(names[i]).second) {
        problems.push_back({where, "image '" + cut_short(names[i]) + "' is named twice"});
        continue;
      }
      Result<std::string> bytes = source.read(names[i], where);
      if (!bytes.ok()) {
        problems.push_back(bytes.error().diagnostics().front());
        continue;
      }
      const std::string_view media_type = watch::image_media_type(*bytes);
      if (media_type.empty()) {
        problems.push_back({where, "'" + cut_short(names[i]) + "' is not an image (" +
                                       std::string(watch::kImageFormats) + ")"});
        continue;
      }
      Result<watch::Fingerprint> fingerprint = watch_internal::image_fingerprint(*bytes, where);
      if (!fingerprint.ok()) {
        problems.push_back(fingerprint.error().diagnostics().front());
        continue;
      }
      listing.images.push_back(
          {names[i], std::move(*bytes), std::string(media_type), watch::to_text(*fingerprint)});
    }
    out.push_back(std::move(listing));
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return out;
}

// Query parameters that only say how a visitor came to a page (a platform's click tracking, an
// advertising campaign), never which item it shows.
bool tracking_parameter(std::string_view name) {
  static const std::set<std::string_view> kTracking = {
      "spm",        "scm",     "pvid",   "ns",    "abbucket", "ali_refid", "ali_trackid", "algo_pvid",
      "algo_expid", "_trksid", "fbclid", "gclid", "ref",      "ref_",      "tracelog",    "sourcetype"};
  return kTracking.contains(name) || name.starts_with("utm_");
}

// Whether `host` is the platform's own: a host of its domain (item.jd.com, h5.m.taobao.com), or for
// the marketplaces with a domain per country, of "aliexpress" or "ebay" followed by a country's
// suffix only (aliexpress.us, www.ebay.co.uk). A look-alike (item.jd.com.evil.example,
// www.notaliexpress.com) is not, and its URL is compared whole: it never merges with the item.
bool platform_host(std::string_view platform, std::string host) {
  host = to_lower_ascii(host.substr(0, host.find(':')));
  const auto under = [&](std::string_view domain) {
    return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                              host[host.size() - domain.size() - 1] == '.');
  };
  const auto national = [&](std::string_view name) {  // name.<tld>[.<tld>], each suffix label short
    const std::string marker = std::string(name) + ".";
    const std::size_t at = host.starts_with(marker) ? 0 : host.find("." + marker);
    if (at == std::string::npos) return false;
    const std::string_view suffix =
        std::string_view(host).substr(at == 0 ? marker.size() : at + 1 + marker.size());
    std::size_t labels = 0;
    for (std::string_view rest = suffix; !rest.empty(); ++labels) {
      const std::size_t dot = std::min(rest.find('.'), rest.size());
      if (dot == 0 || dot > 3) return false;
      rest = dot < rest.size() ? rest.substr(dot + 1) : std::string_view();
    }
    return labels >= 1 && labels <= 2;
  };
  // Taobao and Tmall are one item-id space (Tmall's shops are on Taobao's platform): a Tmall item
  // is reached by Taobao's item page and the other way round.
  if (platform == "taobao" || platform == "tmall")
    return under("taobao.com") || under("tmall.com") || under("tmall.hk");
  if (platform == "pinduoduo") return under("yangkeduo.com") || under("pinduoduo.com");
  if (platform == "1688") return under("1688.com");
  if (platform == "jd") return under("jd.com") || under("jd.hk");
  if (platform == "aliexpress") return national("aliexpress");
  if (platform == "ebay") return national("ebay");
  if (platform == "amazon") return true;  // its identity keeps the host (an ASIN is one marketplace's)
  return false;
}

// The query parameter that names the item on platforms whose item pages are one script with the
// item's id as a parameter (Taobao, Tmall, Pinduoduo), and the identity it gives; empty where the
// item is named by the path.
std::string_view item_parameter(std::string_view platform) {
  if (platform == "taobao" || platform == "tmall") return "id";
  if (platform == "pinduoduo") return "goods_id";
  return {};
}

bool all_digits(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A URL's query ("a=1&b=2") as its parameters, in order, the empty ones left out.
std::vector<std::string_view> query_parameters(std::string_view query) {
  std::vector<std::string_view> out;
  for (std::string_view q = query; !q.empty();) {
    const std::size_t end = std::min(q.find('&'), q.size());
    if (end > 0) out.push_back(q.substr(0, end));
    q = end < q.size() ? q.substr(end + 1) : std::string_view();
  }
  return out;
}

// The item a page names by a query parameter on platforms that name it by the path as well: JD's
// mobile ware page (wareId=), 1688's mobile offer page (offerId=), eBay's older ViewItem (item=),
// AliExpress's mobile pages (productId=). The same identity as path_item's; empty when none.
std::string query_item(std::string_view platform, std::string_view query) {
  std::string_view name;
  if (platform == "jd") name = "wareId";
  if (platform == "1688") name = "offerId";
  if (platform == "ebay") name = "item";
  if (platform == "aliexpress") name = "productId";
  if (name.empty()) return {};
  std::string id;
  for (const std::string_view parameter : query_parameters(query)) {
    const std::size_t equals = parameter.find('=');
    if (equals != std::string_view::npos && parameter.substr(0, equals) == name) {
      const std::string_view value = parameter.substr(equals + 1);
      if (!all_digits(value) || (!id.empty() && id != value)) return {};  // none, or two items
      id = value;
    }
  }
  return id.empty() ? id : std::string(platform) + ":" + id;
}

// The item a path names on platforms whose item pages carry the item's id in the path, whatever
// host shows it: 1688's /offer/ID.html (detail. and m.), JD's /ID.html and the mobile site's
// /product/ID.html, AliExpress's /item/ID.html and /i/ID.html (any country's host), Taobao's
// /item/ID.htm (its world site), eBay's /itm/[title/]ID, and Amazon's /dp/ASIN, /gp/product/ASIN,
// /gp/aw/d/ASIN (mobile) or /product-reviews/ASIN after any title (an ASIN is one marketplace's:
// the host stays, the same marketplace's www., smile. and m. hosts alike). Empty when the path
// names no item so.
std::string path_item(std::string_view platform, std::string_view host, std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::string_view p = path; !p.empty();) {
    const std::size_t end = std::min(p.find('/'), p.size());
    if (end > 0) parts.push_back(p.substr(0, end));
    p = end < p.size() ? p.substr(end + 1) : std::string_view();
  }
  const auto numbered_page = [&](std::string_view part) {  // "12345.html" (or ".HTML") -> "12345"
    std::string_view id = part;
    for (const std::string_view suffix : {".html", ".htm"}) {
      if (ends_with_ci(id, suffix)) {
        id.remove_suffix(suffix.size());
        break;
      }
    }
    return all_digits(id) ? std::string(id) : std::string();
  };
  const auto after = [&](std::string_view marker) -> std::string {
    for (std::size_t i = 0; i + 1 < parts.size(); ++i)
      if (parts[i] == marker) return std::string(parts[i + 1]);
    return {};
  };
  const auto named = [&](std::string id) { return id.empty() ? id : std::string(platform) + ":" + id; };
  if (platform == "1688") return named(numbered_page(after("offer")));
  if (platform == "jd") return named(numbered_page(parts.size() == 1 ? parts[0] : after("product")));
  if (platform == "aliexpress") {
    const std::string id = numbered_page(after("item"));
    return named(id.empty() ? numbered_page(after("i")) : id);
  }
  if (platform == "taobao" || platform == "tmall") {
    // The same identity as the item page's id parameter (item_parameter): the world site's
    // /item/ID.htm, or the old mobile site's /iID.htm (a.m.taobao.com).
    std::string id = numbered_page(after("item"));
    if (id.empty() && parts.size() == 1 && parts[0].size() > 1 && parts[0][0] == 'i')
      id = numbered_page(parts[0].substr(1));
    return id.empty() ? id : "id=" + id;
  }
  if (platform == "ebay") {
    if (parts.size() < 2 || parts[0] != "itm") return {};
    return named(numbered_page(parts.back()));
  }
  if (platform == "amazon") {
    std::string asin = after("dp");
    if (asin.empty() && !after("gp").empty()) asin = after("product");
    if (asin.empty() && after("gp") == "aw") asin = after("d");
    if (asin.empty()) asin = after("product-reviews");
    if (asin.empty() && after("exec") == "obidos") asin = after("ASIN");  // the oldest links
    const bool valid = asin.size() == 10 && std::all_of(asin.begin(), asin.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
                       });
    if (!valid) return {};
    std::string site = to_lower_ascii(host.substr(0, host.find(':')));
    for (const std::string_view prefix : {"www.", "smile.", "m."}) {
      if (site.starts_with(prefix)) {
        site.erase(0, prefix.size());
        break;
      }
    }
    std::transform(asin.begin(), asin.end(), asin.begin(),
                   [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
    return "amazon:" + site + ":" + asin;
  }
  return {};
}

// A listing URL in the form that tells listings apart: scheme and host in lower case (http and
// https alike), no fragment, no tracking parameters; on Taobao, Tmall and Pinduoduo only the item's
// id parameter, and where the path or a parameter names the item (path_item, query_item) only
// that, whatever page or host shows it (the mobile site, another page of the same goods). The URL
// as captured is what a listing keeps.
std::string url_identity(std::string_view platform, std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const std::size_t host_end = std::min(rest.find_first_of("/?"), rest.size());
  const std::size_t query_at = std::min(rest.find('?'), rest.size());
  const std::string_view query = query_at < rest.size() ? rest.substr(query_at + 1) : std::string_view();
  const bool own_host = platform_host(platform, std::string(rest.substr(0, host_end)));
  if (own_host) {
    std::string item =
        path_item(platform, rest.substr(0, host_end), rest.substr(host_end, query_at - host_end));
    if (item.empty()) item = query_item(platform, query);
    if (!item.empty()) return item;
  }
  const std::string_view item = own_host ? item_parameter(platform) : std::string_view();
  if (!item.empty()) {
    std::vector<std::string_view> ids;
    for (const std::string_view parameter : query_parameters(query))
      if (parameter.substr(0, parameter.find('=')) == item) ids.push_back(parameter);
    if (ids.size() == 1 && ids.front().size() > item.size() + 1) return std::string(ids.front());
  }
  std::string out = "//" + to_lower_ascii(rest.substr(0, host_end)) +
                    std::string(rest.substr(host_end, query_at - host_end));
  char separator = '?';
  for (const std::string_view parameter : query_parameters(query)) {
    const std::string_view name = parameter.substr(0, parameter.find('='));
    if (item.empty() ? !tracking_parameter(name) : name == item) {
      out += separator;
      out += parameter;
      separator = '&';
    }
  }
  return out;
}

// What tells one listing from another: its platform and its URL's identity. Taobao and Tmall are
// one platform here (one item-id space, one complaint process: Alibaba's).
std::pair<std::string, std::string> identity(const json& listing) {
  const std::string platform = text(listing, "platform");
  return {platform == "tmall" ? "taobao" : platform, url_identity(platform, text(listing, "url"))};
}

// Two listings of one import with the same platform and URL are one listing given twice.
Status check_duplicates(const std::vector<Draft>& drafts) {
  std::map<std::pair<std::string, std::string>, const Draft*> seen;
  std::vector<Diagnostic> problems;
  for (const Draft& d : drafts) {
    const auto key = identity(d.record);
    const auto [it, inserted] = seen.emplace(key, &d);
    if (!inserted) {
      problems.push_back({d.origin.where("url"), "this listing is given twice (also at " +
                                                     it->second->origin.where("url") + ": the same " +
                                                     key.first + " item, " + key.second + ")"});
    }
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return {};
}

// ---- Writing ----------------------------------------------------------------------------------

std::string origin_text(const Origin& origin) {
  return origin.line > 0 ? origin.file + ":" + std::to_string(origin.line)
                         : origin.file + "#" + origin.pointer;
}

// A name for an image that is free among `taken`: the name itself, else "name (2)", ...
std::string free_name(const std::string& name, const std::set<std::string>& taken) {
  if (!taken.contains(name)) return name;
  for (int n = 2;; ++n) {
    const std::string candidate = name + " (" + std::to_string(n) + ")";
    if (!taken.contains(candidate)) return candidate;
  }
}

struct Written {
  json listing;
  std::vector<json> images;  // every image of the listing, stored before and now
  bool added = false;
  bool unchanged = false;  // known, and nothing in it differs from what is stored: not written
  bool older = false;      // known, and captured before what is stored: not written
  std::size_t new_images = 0;
};

// The fields a capture is compared on: what the file gave, not when or from where it was read.
// A capture time or captor the file leaves out is not a difference.
bool same_capture(const json& incoming, const json& stored) {
  static const std::set<std::string> kBookkeeping = {"id", "source", "imported_at", "imported_by", "images"};
  for (const auto& [name, value] : incoming.items()) {
    if (kBookkeeping.contains(name)) continue;
    if ((name == "captured_at" || name == "captured_by") && text(incoming, name).empty()) continue;
    const auto it = stored.find(name);
    const json& before = it == stored.end() ? json() : *it;
    if (value != before && !(value.is_null() && before.is_null())) return false;
  }
  return true;
}

// Writes one listing: `known` is the stored listing with the same identity, or null; `last` the
// largest listing number so far.
Result<Written> write_listing(Workspace& workspace, store::Writer& writer, const IncomingListing& incoming,
                              const std::vector<Blob>& blobs, const json* known, long& last,
                              const store::Author& author) {
  // What the file leaves out stays as it was (ListingFile).
  json r = incoming.draft.record;
  if (known) {
    for (const std::string& name : incoming.left_out) {
      if (const auto it = known->find(name); it != known->end()) r[name] = *it;
    }
    // The same item captured from Taobao's page and from Tmall's (identity): one listing, on the
    // platform it was first recorded on.
    r["platform"] = (*known)["platform"];
  }
  Written out;
  out.added = known == nullptr;
  // A capture older than the stored one for certain (yesterday's file imported again after
  // today's) would roll the listing back to what the seller has since changed, and a decided hit's
  // "listing changed" with it: the listing keeps the newer capture, and only photos it has not
  // seen are added, as captured when they were.
  const std::string at = text(r, "captured_at"), stored_at = known ? text(*known, "captured_at") : "";
  out.older =
      !out.added && !at.empty() && !stored_at.empty() && latest_instant(at) < earliest_instant(stored_at);
  const std::string capture_at = at.empty() ? author.at : at;
  const std::string capture_by = text(r, "captured_by").empty() ? author.actor : text(r, "captured_by");
  json listing = out.older ? *known : r;
  listing["id"] = out.added ? "L" + std::to_string(++last) : text(*known, "id");
  const std::string id = listing["id"];
  std::vector<store::Record> images;
  if (!out.added) {
    MOAT_TRY(images, workspace.store().list_where(watch_internal::table("listing_images"), "listing", id));
  }
  std::set<std::string> taken, hashes;
  for (const json& image : images) {
    taken.insert(text(image, "name"));
    hashes.insert(text(image, "sha256"));
  }
  const bool new_images =
      std::any_of(incoming.images.begin(), incoming.images.end(),
                  [&](const IncomingImage& i) { return !hashes.contains(sha256_hex(i.bytes)); });
  if (out.older && !new_images) {
    out.listing = *known;
    out.images = std::move(images);
    return out;
  }
  if (!out.added && !out.older && !new_images && same_capture(r, *known)) {
    out.unchanged = true;
    out.listing = *known;
    out.images = std::move(images);
    return out;
  }
  if (!out.older) {
    listing["source"] = origin_text(incoming.draft.origin);
    listing["imported_at"] = author.at;
    listing["imported_by"] = author.actor;
    listing["captured_by"] = capture_by;
    listing["captured_at"] = capture_at;
  }
  json captured = json::array();
  // Photos are added, never dropped: the listing keeps those captured before, in their order, and
  // the new ones follow (a capture that names none, or other ones, leaves the evidence in place).
  std::vector<std::string> names = out.added ? std::vector<std::string>() : list(*known, "images");
  for (const json& image : images) {
    if (std::find(names.begin(), names.end(), text(image, "name")) == names.end())
      names.push_back(text(image, "name"));
  }
  for (std::size_t i = 0; i < incoming.images.size(); ++i) {
    const IncomingImage& image = incoming.images[i];
    const auto known_image = std::find_if(images.begin(), images.end(), [&](const json& s) {
      return text(s, "sha256") == sha256_hex(image.bytes);
    });
    if (known_image != images.end()) continue;
    const std::string name = free_name(image.name, taken);
    taken.insert(name);
    json record = {{"listing", id},
                   {"name", name},
                   {"sha256", sha256_hex(image.bytes)},
                   {"blob", blobs[i].id},
                   {"size", blobs[i].size},
                   {"media_type", image.media_type},
                   {"fingerprint", image.fingerprint},
                   {"captured_at", capture_at},
                   {"captured_by", capture_by}};
    MOAT_TRY(const bool written, writer.put(watch_internal::table("listing_images"), record));
    (void)written;
    captured.push_back({{"name", name}, {"sha256", record["sha256"]}, {"vault", blobs[i].id}});
    names.push_back(name);
    images.push_back(std::move(record));
    ++out.new_images;
  }
  listing["images"] = names;
  MOAT_TRY(const bool written, writer.put(watch_internal::table("listings"), listing));
  (void)written;
  const json detail = {{"platform", listing["platform"]},
                       {"url", out.older ? r["url"] : listing["url"]},
                       {"captured_at", capture_at},
                       {"captured_by", capture_by},
                       {"source", origin_text(incoming.draft.origin)},
                       {"images", captured}};
  MOAT_CHECK(writer.note("capture", "listings", id, detail.dump()));
  out.listing = std::move(listing);
  out.images = std::move(images);
  return out;
}

}  // namespace

const std::vector<std::string>& watch_platforms() {
  static const std::vector<std::string> kPlatforms = {"alibaba", "1688",      "taobao", "tmall", "aliexpress",
                                                      "jd",      "pinduoduo", "amazon", "ebay",  "other"};
  return kPlatforms;
}

Result<ListingImportReport> import_listings(Workspace& workspace, const Session& session,
                                            ListingImport request) {
  if (request.files.empty()) return input_error("FILE", "name at least one listings file (CSV or JSON)");
  const CapabilityCatalog catalog = workspace.capabilities();
  std::vector<Draft> drafts;
  std::vector<std::vector<std::string>> left_out;
  std::vector<Diagnostic> problems;
  for (const SourceFile& file : request.files) {
    Result<ListingFile> read = read_listing_file(file, catalog);
    if (!read.ok()) {
      for (const Diagnostic& d : read.error().diagnostics()) problems.push_back(d);
      continue;
    }
    for (Draft& d : read->drafts) drafts.push_back(std::move(d));
    for (auto& fields : read->left_out) left_out.push_back(std::move(fields));
  }
  if (problems.empty()) check_capture_times(drafts, session.now(), problems);
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  MOAT_CHECK(check_duplicates(drafts));
  MOAT_TRY(const ImageSource source, ImageSource::open(request.images, std::move(request.image_files)));
  MOAT_TRY(std::vector<IncomingListing> incoming, with_images(std::move(drafts), source));
  for (std::size_t i = 0; i < incoming.size(); ++i) incoming[i].left_out = std::move(left_out[i]);
  // Images go into the vault first (content-addressed, so a refused import leaves no record
  // naming them); the records follow in one transaction.
  std::vector<std::vector<Blob>> blobs;
  for (const IncomingListing& listing : incoming) {
    std::vector<Blob> stored;
    for (const IncomingImage& image : listing.images) {
      MOAT_TRY(Blob blob, store_blob(workspace, image.bytes));
      stored.push_back(std::move(blob));
    }
    blobs.push_back(std::move(stored));
  }
  const store::Author author = session.author();
  const std::optional<Date> today = Date::parse(author.at.substr(0, 10));
  MOAT_TRY(const watch_internal::MatchContext context,
           watch_internal::match_context(workspace, today.value_or(Date::from_days(0))));
  ListingImportReport report;
  std::vector<store::Record> hits;
  MOAT_TRY(report.events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    report = {};
    MOAT_TRY(const std::vector<store::Record> stored,
             workspace.store().list(watch_internal::table("listings")));
    // Listings by identity, so that finding a known one costs a look-up, not a pass over them all.
    long last = 0;
    std::map<std::pair<std::string, std::string>, const json*> known;
    for (const json& s : stored) {
      last = std::max(last, id_number(text(s, "id"), "L"));
      known.emplace(identity(s), &s);
    }
    std::vector<std::pair<json, std::vector<json>>> matched;
    for (std::size_t i = 0; i < incoming.size(); ++i) {
      const auto same = known.find(identity(incoming[i].draft.record));
      MOAT_TRY(Written written, write_listing(workspace, writer, incoming[i], blobs[i],
                                              same == known.end() ? nullptr : same->second, last, author));
      (written.added       ? report.added
       : written.older     ? report.older
       : written.unchanged ? report.unchanged
                           : report.updated)
          .push_back(text(written.listing, "id"));
      report.images += written.new_images;
      matched.emplace_back(std::move(written.listing), std::move(written.images));
    }
    MOAT_TRY(hits, watch_internal::record_hits(workspace, writer, context, matched, author.at));
    return {};
  }));
  for (const json& hit : hits) {
    MOAT_TRY(HitView view, watch_internal::hit_view(workspace, hit, context.rights));
    report.hits.push_back(std::move(view));
  }
  return report;
}

Result<std::vector<ListingView>> list_listings(Workspace& workspace) {
  std::vector<store::Record> listings, images;
  MOAT_CHECK(read_tables(workspace.store(), {{"listings", &listings}, {"listing_images", &images}}));
  std::map<std::string, std::vector<json>> by_listing;
  for (json& image : images) by_listing[text(image, "listing")].push_back(std::move(image));
  std::sort(listings.begin(), listings.end(), [](const json& a, const json& b) {
    return id_number(text(a, "id"), "L") < id_number(text(b, "id"), "L");
  });
  std::vector<ListingView> out;
  for (const json& l : listings) out.push_back(watch_internal::listing_view(l, by_listing[text(l, "id")]));
  return out;
}

store::PageQuery listing_selection() {
  store::PageQuery selection;
  selection.order = {{"id", false, true}, {"id", false, false}};
  return selection;
}

Result<std::vector<ListingView>> listing_views(Workspace& workspace,
                                               const std::vector<store::Record>& listings) {
  std::vector<ListingView> out;
  for (const json& l : listings) {
    MOAT_TRY(const std::vector<store::Record> images,
             workspace.store().list_where(watch_internal::table("listing_images"), "listing", text(l, "id")));
    out.push_back(watch_internal::listing_view(l, images));
  }
  return out;
}

json import_report_json(const ListingImportReport& report) {
  json hits = json::array();
  for (const HitView& hit : report.hits) hits.push_back(hit_json(hit));
  return {{"added", report.added},  {"updated", report.updated}, {"unchanged", report.unchanged},
          {"older", report.older},  {"images", report.images},   {"hits", hits},
          {"events", report.events}};
}

}  // namespace moat::app
