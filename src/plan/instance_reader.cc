// SPDX-License-Identifier: Apache-2.0
#include "plan/instance_reader.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace moat::plan {
namespace {

using nlohmann::json;

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
  const char* name;
  std::array<const char*, kMaxFields> fields;
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

// nlohmann's SAX interface: every event returns false to stop at the first thing to explain.
class Reader {
 public:
  explicit Reader(const Deadline& deadline) : check_(deadline) {}
  bool out_of_time() const { return out_of_time_; }
  bool null() {
    return scalar([](Value& v) { v.kind = Value::Kind::kNull; });
  }
  bool boolean(bool b) {
    return scalar([b](Value& v) {
      v.kind = Value::Kind::kBoolean;
      v.boolean = b;
    });
  }
  bool number_integer(json::number_integer_t n) {
    return scalar([n](Value& v) {
      v.kind = Value::Kind::kInteger;
      v.number = static_cast<double>(n);
      v.integer = n;
      v.small_integer = n <= kMaxInteger;
    });
  }
  bool number_unsigned(json::number_unsigned_t n) {
    return scalar([n](Value& v) {
      v.kind = Value::Kind::kInteger;
      v.number = static_cast<double>(n);
      v.small_integer = n <= static_cast<json::number_unsigned_t>(kMaxInteger);
      v.integer = v.small_integer ? static_cast<std::int64_t>(n) : 0;
    });
  }
  bool number_float(json::number_float_t n, const std::string&) {
    return scalar([n](Value& v) {
      v.kind = Value::Kind::kFloat;
      v.number = n;
    });
  }
  bool string(std::string& s) {
    if (skip_ == 0 && where_ == Where::kList) {
      record_[field_].strings.push_back(std::move(s));
      return true;
    }
    return scalar([&s](Value& v) {
      v.kind = Value::Kind::kString;
      v.text = std::move(s);
    });
  }
  bool binary(json::binary_t&) { return false; }

  bool start_object(std::size_t) {
    if (skip_ > 0) return ++skip_, true;
    switch (where_) {
      case Where::kStart:
        where_ = Where::kRoot;
        return true;
      case Where::kRoot:
        if (pending_ == Section::kUnknown) return skip_ = 1, true;
        if (pending_ != Section::kPolicy) return false;
        begin_record(Where::kPolicy);
        return true;
      case Where::kSection:
        begin_record(Where::kRecord);
        return true;
      case Where::kRecord:
      case Where::kPolicy:
        if (field_ == kUnknownField) return skip_ = 1, true;
        return false;
      default:
        return false;
    }
  }
  bool end_object() {
    if (skip_ > 0) return --skip_, true;
    switch (where_) {
      case Where::kRoot:
        where_ = Where::kDone;
        return true;
      case Where::kPolicy:
        where_ = Where::kRoot;
        return finish_policy();
      case Where::kRecord:
        where_ = Where::kSection;
        if (check_.passed()) return out_of_time_ = true, false;
        return finish_record();
      default:
        return false;
    }
  }
  bool start_array(std::size_t) {
    if (skip_ > 0) return ++skip_, true;
    switch (where_) {
      case Where::kRoot:
        if (pending_ == Section::kUnknown) return skip_ = 1, true;
        if (pending_ == Section::kPolicy) return false;
        section_ = pending_;
        where_ = Where::kSection;
        return true;
      case Where::kRecord:
      case Where::kPolicy:
        if (field_ == kUnknownField) return skip_ = 1, true;
        list_parent_ = where_;
        record_[field_].kind = Value::Kind::kStrings;
        where_ = Where::kList;
        return true;
      default:
        return false;
    }
  }
  bool end_array() {
    if (skip_ > 0) return --skip_, true;
    if (where_ == Where::kSection) return where_ = Where::kRoot, true;
    if (where_ == Where::kList) return where_ = list_parent_, true;
    return false;
  }
  bool key(std::string& k) {
    if (skip_ > 0) return true;
    if (where_ == Where::kRoot) {
      pending_ = Section::kUnknown;
      for (std::size_t s = 0; s < kSections.size(); ++s) {
        if (k == kSections[s].name) pending_ = static_cast<Section>(s);
      }
      if (pending_ == Section::kUnknown) return true;
      const auto bit = 1U << static_cast<unsigned>(pending_);
      if (sections_seen_ & bit) return false;  // given twice: the full reader decides
      sections_seen_ |= bit;
      return true;
    }
    const auto& fields =
        kSections[static_cast<std::size_t>(where_ == Where::kPolicy ? Section::kPolicy : section_)].fields;
    field_ = kUnknownField;
    for (std::size_t f = 0; f < fields.size() && fields[f]; ++f) {
      if (k == fields[f]) field_ = f;
    }
    if (field_ == kUnknownField) return true;
    if (record_[field_].kind != Value::Kind::kAbsent) return false;  // a field given twice
    record_[field_].kind = Value::Kind::kOther;                      // until its value arrives
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

  // The instance, when the whole text was read without a complaint.
  std::optional<Instance> take() {
    constexpr unsigned kRequired =
        (1U << static_cast<unsigned>(Section::kSecrets)) | (1U << static_cast<unsigned>(Section::kPackages)) |
        (1U << static_cast<unsigned>(Section::kSuppliers)) | (1U << static_cast<unsigned>(Section::kQuotes));
    if (where_ != Where::kDone || (sections_seen_ & kRequired) != kRequired) return std::nullopt;
    return std::move(instance_);
  }

 private:
  enum class Where { kStart, kRoot, kPolicy, kSection, kRecord, kList, kDone };

  template <typename Set>
  bool scalar(Set&& set) {
    if (skip_ > 0) return true;
    if (where_ == Where::kRoot) return pending_ == Section::kUnknown;
    if (where_ != Where::kRecord && where_ != Where::kPolicy) return false;  // lists hold strings only
    if (field_ == kUnknownField) return true;
    set(record_[field_]);
    return true;
  }

  void begin_record(Where where) {
    for (Value& v : record_) {
      v.kind = Value::Kind::kAbsent;
      v.strings.clear();
    }
    field_ = kUnknownField;
    where_ = where;
  }

  bool finish_policy() {
    Checked c(record_);
    instance_.policy.collusion = c.integer(0, 1, 0);
    instance_.policy.max_exposure_share = c.share(1).value_or(1.0);
    instance_.policy.allow_conditional = c.boolean(2, false);
    return c.ok();
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
  Where where_ = Where::kStart;
  Where list_parent_ = Where::kRecord;
  int skip_ = 0;               // depth inside a value of a key nobody reads
  DeadlineCheck<1024> check_;  // per record
  bool out_of_time_ = false;
  Section pending_ = Section::kUnknown;  // the root key whose value comes next
  Section section_ = Section::kUnknown;  // the section whose records are being read
  unsigned sections_seen_ = 0;
  std::size_t field_ = kUnknownField;
  Record record_;
};

}  // namespace

WellFormedRead read_well_formed_instance(std::string_view text, const Deadline& deadline) {
  Reader reader(deadline);
  if (!json::sax_parse(text.begin(), text.end(), &reader)) return {std::nullopt, reader.out_of_time()};
  return {reader.take(), false};
}

}  // namespace moat::plan
