// SPDX-License-Identifier: Apache-2.0
#include "plan/instance_reader.h"

#include <simdjson.h>
#include <sys/mman.h>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::plan {
namespace {

// One field's value as the parser gave it, before it is checked.
struct Value {
  enum class Kind { kAbsent, kNull, kBoolean, kInteger, kFloat, kString, kStrings, kOther };
  Kind kind = Kind::kAbsent;
  bool boolean = false;
  double number = 0;           // kInteger and kFloat
  bool small_integer = false;  // kInteger within what a whole-number field may hold
  std::int64_t integer = 0;
  std::string text;
  std::vector<std::string> strings;
};

constexpr std::size_t kMaxFields = 7;
constexpr std::int64_t kMaxInteger = 1000000;  // as the full reader's Fields::integer
using Record = std::array<Value, kMaxFields>;

enum class Section : std::size_t {
  kPolicy,
  kSecrets,
  kDerives,
  kRecipes,
  kPackages,
  kSuppliers,
  kQuotes,
  kUnknown
};

struct SectionFields {
  std::string_view name;
  std::array<std::string_view, kMaxFields> fields;  // empty past the last
};

// Each section's fields in the order finish() reads them (indices into a Record).
constexpr std::array<SectionFields, 7> kSections = {{
    {"policy", {"collusion", "max_exposure_share", "allow_conditional"}},
    {"secrets", {"id", "weight"}},
    {"derives", {"from", "gives"}},
    {"recipes", {"id", "secrets"}},
    {"packages", {"id", "capability", "exposes", "volume", "sources"}},
    {"suppliers", {"id", "party", "capabilities", "capacity", "status", "trusted", "max_exposure_share"}},
    {"quotes", {"package", "supplier", "unit_cost", "fixed_cost"}},
}};
constexpr std::size_t kUnknownField = kMaxFields;

// A record's values read the way the full reader's Fields reads them; ok() turns false at the
// first value it would have complained about.
class Checked {
 public:
  explicit Checked(Record& values) : values_(values) {}
  bool ok() const { return ok_; }

  std::string string(std::size_t i, bool required = true) {
    Value& v = values_[i];
    if (v.kind == Value::Kind::kAbsent) return fail_if(required), "";
    if (v.kind != Value::Kind::kString || v.text.empty()) return fail_if(true), "";
    return std::move(v.text);
  }
  double number(std::size_t i, double fallback, bool required, bool positive = false) {
    const Value& v = values_[i];
    if (v.kind == Value::Kind::kAbsent) return fail_if(required), fallback;
    const bool numeric = v.kind == Value::Kind::kInteger || v.kind == Value::Kind::kFloat;
    if (!numeric || !std::isfinite(v.number) || v.number < 0 || (positive && v.number == 0))
      return fail_if(true), fallback;
    return v.number;
  }
  std::optional<double> share(std::size_t i) {
    const Value& v = values_[i];
    if (v.kind == Value::Kind::kAbsent || v.kind == Value::Kind::kNull) return std::nullopt;
    const bool numeric = v.kind == Value::Kind::kInteger || v.kind == Value::Kind::kFloat;
    if (!numeric || !(v.number >= 0 && v.number <= 1)) return fail_if(true), std::nullopt;
    return v.number;
  }
  int integer(std::size_t i, int fallback, int minimum) {
    const Value& v = values_[i];
    if (v.kind == Value::Kind::kAbsent) return fallback;
    if (v.kind != Value::Kind::kInteger || !v.small_integer || v.integer < minimum)
      return fail_if(true), fallback;
    return static_cast<int>(v.integer);
  }
  bool boolean(std::size_t i, bool fallback) {
    const Value& v = values_[i];
    if (v.kind == Value::Kind::kAbsent) return fallback;
    if (v.kind != Value::Kind::kBoolean) return fail_if(true), fallback;
    return v.boolean;
  }
  std::vector<std::string> strings(std::size_t i, bool required) {
    Value& v = values_[i];
    if (v.kind == Value::Kind::kAbsent) return fail_if(required), std::vector<std::string>{};
    if (v.kind != Value::Kind::kStrings) return fail_if(true), std::vector<std::string>{};
    return std::move(v.strings);
  }

 private:
  void fail_if(bool failed) { ok_ = ok_ && !failed; }
  Record& values_;
  bool ok_ = true;
};

namespace od = simdjson::ondemand;

// A JSON string's text as it stands in the file (`raw`: just after its opening quote), when it needs
// no unescaping: no backslash and no control character before its closing quote. simdjson's
// unescaping would copy it byte for byte; nullopt leaves that to it.
std::optional<std::string_view> verbatim(const char* raw) {
  constexpr unsigned char kFirstPrintable = 0x20;
  for (std::size_t i = 0;; ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == '"') return std::string_view(raw, i);
    if (c == '\\' || c < kFirstPrintable) return std::nullopt;
  }
}

// simdjson 3.0.1's On-Demand reader gets numbers of more than 19 digits wrong (0 for
// 7111111111111111111111111.5, 4.8e-5 for 0.12345678901234567890123: found by fuzz/instance_fuzz.cc
// against the full reader), where 19 and fewer take its exact path: longer ones are left to the
// full reader.
constexpr std::size_t kMostExactDigits = 19;
bool too_many_digits(std::string_view number) {
  std::size_t digits = 0;
  for (const char c : number) {
    if (c == 'e' || c == 'E') break;
    if (c >= '0' && c <= '9') ++digits;
  }
  return digits > kMostExactDigits;
}

// A string value's text: taken from the file where it needs no unescaping (nearly every id), so
// that simdjson does not copy it into its string buffer, whose pages, written once each, were a
// tenth of reading an XL instance; unescaped by simdjson otherwise. False when it is no string.
bool string_of(od::value& value, std::string_view& text) {
  const std::string_view token = value.raw_json_token();
  if (!token.empty() && token.front() == '"') {
    if (const std::optional<std::string_view> plain = verbatim(token.data() + 1)) {
      od::raw_json_string passed;
      if (value.get_raw_json_string().get(passed)) return false;
      text = *plain;
      return true;
    }
  }
  return !value.get_string().get(text);
}

// A member's key, the same way.
bool key_of(simdjson::simdjson_result<od::field>& member, std::string_view& key) {
  od::raw_json_string raw;
  if (member.key().get(raw)) return false;
  if (const std::optional<std::string_view> plain = verbatim(raw.raw())) {
    key = *plain;
    return true;
  }
  return !member.unescaped_key().get(key);
}

// Asks the kernel for huge pages under a large block not yet touched: the quotes of an XL instance
// fill 100 MB, and a page fault per 4 KiB of it took a third of reading the file on a loaded
// machine. Nothing happens where transparent huge pages are off.
void prefer_huge_pages(void* block, std::size_t bytes) {
  constexpr std::uintptr_t kPage = 4096;
  const auto begin = (reinterpret_cast<std::uintptr_t>(block) + kPage - 1) & ~(kPage - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(block) + bytes) & ~(kPage - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace
}  // namespace moat::plan

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOAT_ADDRESS_SANITIZER 1
#endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(MOAT_ADDRESS_SANITIZER)
// simdjson allocates its index of the text (four bytes per byte of it: 580 MB for a 145 MB
// instance, a fifth of it written) and its string buffer with `new (std::nothrow) T[n]` (the whole
// process's calls of that form come here: small ones are served as before). Fresh memory costs a
// page fault per 4 KiB as it is first written, which on a virtual machine was 22 µs each: 0.3–0.5 s
// of reading an XL instance went there, and indexing the same text again in memory already touched
// took 0.01 s. So this replaces that one allocation function (a replaceable one) with malloc, as
// the default does, and asks the kernel for huge pages under large blocks (where transparent huge
// pages are off, nothing changes). The default operator delete[] frees with free(), as the default
// new[] allocates with malloc. Not in sanitizer builds, whose allocator pairs every new[] with its
// delete[].
void* operator new[](std::size_t bytes, const std::nothrow_t&) noexcept {
  void* block = std::malloc(bytes == 0 ? 1 : bytes);
  constexpr std::size_t kLarge = std::size_t{32} << 20;
  if (block && bytes >= kLarge) moat::plan::prefer_huge_pages(block, bytes);
  return block;
}
#endif

namespace moat::plan {
namespace {

// Nesting deeper than this in a value nobody reads is left to the full reader.
constexpr int kDeepest = 64;
// The shortest text of a quote the reader takes: {"package":"","supplier":"","unit_cost":0} and
// its comma are 43 bytes (a shorter one is still read; its list then grows as it goes).
constexpr std::size_t kLeastQuoteBytes = 40;

// Reads the text with simdjson's On-Demand parser, value by value into the instance; every step
// returns false at the first thing to explain. Every value is read (those of keys nobody uses too),
// so the whole text is checked as JSON as it goes.
class Reader {
 public:
  explicit Reader(const Deadline& deadline) : check_(deadline) {}
  bool out_of_time() const { return out_of_time_; }

  bool read(od::document& document, std::string_view text) {
    text_bytes_ = text.size();
    od::object root;
    if (document.get_object().get(root)) return false;
    for (auto member : root) {
      std::string_view key;
      od::value value;
      if (!key_of(member, key) || member.value().get(value)) return false;
      Section section = Section::kUnknown;
      for (std::size_t s = 0; s < kSections.size(); ++s) {
        if (key == kSections[s].name) section = static_cast<Section>(s);
      }
      if (section == Section::kUnknown) {
        note_ignored_key(instance_, "", key);
        if (!consume(value, 0)) return false;
        continue;
      }
      const auto bit = 1U << static_cast<unsigned>(section);
      if (sections_seen_ & bit) return false;  // given twice: the full reader decides
      sections_seen_ |= bit;
      if (!(section == Section::kPolicy ? read_policy(value) : read_section(section, value))) return false;
    }
    return nothing_after(document, text);
  }

  // The instance, when the whole text was read without a complaint.
  std::optional<Instance> take() {
    constexpr unsigned kRequired =
        (1U << static_cast<unsigned>(Section::kSecrets)) | (1U << static_cast<unsigned>(Section::kPackages)) |
        (1U << static_cast<unsigned>(Section::kSuppliers)) | (1U << static_cast<unsigned>(Section::kQuotes));
    if ((sections_seen_ & kRequired) != kRequired) return std::nullopt;
    return std::move(instance_);
  }

 private:
  bool read_policy(od::value value) {
    if (!read_record(Section::kPolicy, value, 0)) return false;
    Checked c(record_);
    instance_.policy.collusion = c.integer(0, 1, 0);
    instance_.policy.max_exposure_share = c.share(1).value_or(1.0);
    instance_.policy.allow_conditional = c.boolean(2, false);
    return c.ok();
  }

  bool read_section(Section section, od::value value) {
    od::array records;
    if (value.get_array().get(records)) return false;
    section_ = section;
    if (!reserve(section, records)) return false;
    std::size_t index = 0;
    for (auto element : records) {
      if (check_.passed()) return out_of_time_ = true, false;
      od::value record;
      if (element.get(record) || !read_record(section, record, index++) || !finish_record()) return false;
    }
    return true;
  }

  // Room for the large sections' records at once, where growing the list copied it a dozen times.
  // The quotes are not counted (a pass over simdjson's index of the whole list: a tenth of a
  // one-second run at XL) but bounded by the text's size: a quote takes at least
  // kLeastQuoteBytes of it. The room beyond the last quote is address space never written.
  bool reserve(Section section, od::array& records) {
    if (section == Section::kQuotes) {
      const std::size_t most = text_bytes_ / kLeastQuoteBytes + 1;
      instance_.quotes.reserve(most);
      prefer_huge_pages(instance_.quotes.data(), most * sizeof(Quote));
      return true;
    }
    if (section != Section::kPackages && section != Section::kSuppliers) return true;
    std::size_t count = 0;
    if (records.count_elements().get(count)) return false;
    if (section == Section::kPackages) instance_.packages.reserve(count);
    if (section == Section::kSuppliers) instance_.suppliers.reserve(count);
    return true;
  }

  // One object's fields into record_, by the section's field names; unknown fields are read,
  // noted and dropped. `index`: the record's in its section (not the policy's).
  bool read_record(Section section, od::value value, std::size_t index) {
    od::object object;
    if (value.get_object().get(object)) return false;
    for (Value& v : record_) {
      v.kind = Value::Kind::kAbsent;
      v.strings.clear();
    }
    const auto& fields = kSections[static_cast<std::size_t>(section)].fields;
    for (auto member : object) {
      std::string_view key;
      od::value field_value;
      if (!key_of(member, key) || member.value().get(field_value)) return false;
      std::size_t field = kUnknownField;
      for (std::size_t f = 0; f < fields.size() && !fields[f].empty(); ++f) {
        if (key == fields[f]) field = f;
      }
      if (field == kUnknownField) {
        if (instance_.ignored_key_count >= kMostIgnoredKeys) {
          ++instance_.ignored_key_count;  // counted only: no pointer built per record of a large file
        } else {
          const std::string_view name = kSections[static_cast<std::size_t>(section)].name;
          note_ignored_key(
              instance_,
              section == Section::kPolicy ? "/policy" : "/" + std::string(name) + "/" + std::to_string(index),
              key);
        }
        if (!consume(field_value, 0)) return false;
        continue;
      }
      if (record_[field].kind != Value::Kind::kAbsent) return false;  // a field given twice
      if (!read_value(field_value, record_[field])) return false;
    }
    return true;
  }

  // Only whitespace after the root object (simdjson's On-Demand stops at its end without a look).
  static bool nothing_after(od::document& document, std::string_view text) {
    std::string_view root;
    if (document.raw_json().get(root)) return false;
    const auto end = static_cast<std::size_t>(root.data() + root.size() - text.data());
    return end <= text.size() && text.find_first_not_of(" \t\r\n", end) == std::string_view::npos;
  }

  static bool read_value(od::value value, Value& v) {
    od::json_type type;
    if (value.type().get(type)) return false;
    switch (type) {
      case od::json_type::null: {
        bool null = false;
        v.kind = Value::Kind::kNull;
        return !value.is_null().get(null) && null;
      }
      case od::json_type::boolean:
        v.kind = Value::Kind::kBoolean;
        return !value.get_bool().get(v.boolean);
      case od::json_type::number:
        return read_number(value, v);
      case od::json_type::string: {
        std::string_view text;
        if (!string_of(value, text)) return false;
        v.kind = Value::Kind::kString;
        v.text.assign(text);
        return true;
      }
      case od::json_type::array: {  // lists hold strings only
        v.kind = Value::Kind::kStrings;
        od::array items;
        if (value.get_array().get(items)) return false;
        for (auto item : items) {
          std::string_view text;
          od::value string;
          if (item.get(string) || !string_of(string, text)) return false;
          v.strings.emplace_back(text);
        }
        return true;
      }
      case od::json_type::object:
        return false;
    }
    return false;
  }

  // As the full reader (nlohmann) types numbers: integers as integers, the rest as floats.
  static bool read_number(od::value value, Value& v) {
    if (too_many_digits(value.raw_json_token())) return false;
    od::number number;
    if (value.get_number().get(number)) return false;
    switch (number.get_number_type()) {
      case od::number_type::signed_integer:
        v.kind = Value::Kind::kInteger;
        v.integer = number.get_int64();
        v.number = static_cast<double>(v.integer);
        v.small_integer = v.integer <= kMaxInteger;
        return true;
      case od::number_type::unsigned_integer:  // above the largest int64: no whole-number field takes it
        v.kind = Value::Kind::kInteger;
        v.number = static_cast<double>(number.get_uint64());
        v.small_integer = false;
        v.integer = 0;
        return true;
      case od::number_type::floating_point_number:
        v.kind = Value::Kind::kFloat;
        v.number = number.get_double();
        return true;
    }
    return false;
  }

  // Reads a value nobody uses to its end, so that its JSON is checked all the same.
  static bool consume(od::value value, int depth) {
    if (depth > kDeepest) return false;
    od::json_type type;
    if (value.type().get(type)) return false;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (value.get_object().get(object)) return false;
        for (auto member : object) {
          std::string_view key;
          od::value inner;
          if (!key_of(member, key) || member.value().get(inner) || !consume(inner, depth + 1)) return false;
        }
        return true;
      }
      case od::json_type::array: {
        od::array items;
        if (value.get_array().get(items)) return false;
        for (auto item : items) {
          od::value inner;
          if (item.get(inner) || !consume(inner, depth + 1)) return false;
        }
        return true;
      }
      default: {
        Value ignored;
        return read_value(value, ignored);
      }
    }
  }

  bool finish_record() {
    Checked c(record_);
    switch (section_) {
      case Section::kSecrets: {
        std::string id = c.string(0);
        instance_.secrets.push_back({std::move(id), c.number(1, 1, false, true)});
        break;
      }
      case Section::kDerives: {
        std::vector<std::string> from = c.strings(0, true);
        instance_.derives.push_back({std::move(from), c.string(1)});
        break;
      }
      case Section::kRecipes: {
        std::string id = c.string(0);
        instance_.recipes.push_back({std::move(id), c.strings(1, true)});
        break;
      }
      case Section::kPackages:
        finish_package(c);
        break;
      case Section::kSuppliers:
        finish_supplier(c);
        break;
      case Section::kQuotes: {
        std::string package = c.string(0), supplier = c.string(1);
        const double unit_cost = c.number(2, 0, true);
        instance_.quotes.push_back(
            {std::move(package), std::move(supplier), unit_cost, c.number(3, 0, false)});
        break;
      }
      default:
        return false;
    }
    return c.ok();
  }

  void finish_package(Checked& c) {
    Package p;
    p.id = c.string(0);
    p.capability = c.string(1);
    p.exposes = c.strings(2, false);
    p.volume = c.number(3, 0, true);
    p.sources = c.integer(4, 1, 1);
    instance_.packages.push_back(std::move(p));
  }

  void finish_supplier(Checked& c) {
    Supplier s;
    s.id = c.string(0);
    s.party = c.string(1, false);
    if (s.party.empty()) s.party = s.id;  // an unaffiliated supplier is a party of its own
    s.capabilities = c.strings(2, false);
    s.capacity = c.number(3, 0, true);
    s.status = c.string(4, false);
    if (s.status.empty()) s.status = "qualified";
    s.trusted = c.boolean(5, false);
    s.max_exposure_share = c.share(6);
    instance_.suppliers.push_back(std::move(s));
  }

  Instance instance_;
  std::size_t text_bytes_ = 0;
  DeadlineCheck<1024> check_;  // per record
  bool out_of_time_ = false;
  Section section_ = Section::kUnknown;  // the section whose records are being read
  unsigned sections_seen_ = 0;
  Record record_;
};

}  // namespace

std::vector<std::string_view> instance_keys(std::string_view where) {
  std::vector<std::string_view> keys;
  for (const SectionFields& section : kSections) {
    if (where.empty()) keys.push_back(section.name);
    if (section.name != where) continue;
    for (const std::string_view field : section.fields) {
      if (!field.empty()) keys.push_back(field);
    }
  }
  return keys;
}

void note_ignored_key(Instance& instance, std::string_view parent, std::string_view key) {
  if (instance.ignored_key_count++ >= kMostIgnoredKeys) return;
  std::string pointer(parent);
  pointer += '/';
  for (const char c : key) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
  instance.ignored_keys.push_back(std::move(pointer));
}

WellFormedRead read_well_formed_instance(std::string_view text, const Deadline& deadline, bool padded) {
  static_assert(kInstanceTextPadding >= simdjson::SIMDJSON_PADDING);
  if (deadline.passed()) return {std::nullopt, true};
  simdjson::padded_string copy;
  simdjson::padded_string_view view(text.data(), text.size(), text.size() + kInstanceTextPadding);
  if (!padded) {
    copy = simdjson::padded_string(text);
    view = copy;
  }
  od::parser parser;
  od::document document;
  // The whole text is indexed first (its UTF-8 checked too): tenths of a second at XL, not stopped.
  if (parser.iterate(view).get(document)) return {std::nullopt, false};
  Reader reader(deadline);
  if (!reader.read(document, std::string_view(view.data(), view.size())))
    return {std::nullopt, reader.out_of_time()};
  return {reader.take(), false};
}

}  // namespace moat::plan
