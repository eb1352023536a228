// SPDX-License-Identifier: Apache-2.0
#include "plan/instance.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "plan/instance_reader.h"

namespace moat::plan {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Reads one JSON object's fields, collecting problems at their pointers.
class Fields {
 public:
  Fields(const json& object, std::string pointer, std::vector<Diagnostic>& problems, std::string_view file)
      : object_(object), pointer_(std::move(pointer)), problems_(problems), file_(file) {}

  std::string string(const char* name, bool required = true) {
    const json* value = find(name, required);
    if (!value) return "";
    if (!value->is_string() || value->get<std::string>().empty())
      return bad(name, "must be a non-empty string"), "";
    return value->get<std::string>();
  }
  double number(const char* name, double fallback, bool required, bool positive = false) {
    const json* value = find(name, required);
    if (!value) return fallback;
    if (!value->is_number() || !std::isfinite(value->get<double>()))
      return bad(name, "must be a number"), fallback;
    const double number = value->get<double>();
    if (number < 0 || (positive && number == 0)) {
      return bad(name, positive ? "must be greater than 0" : "must not be negative"), fallback;
    }
    return number;
  }
  std::optional<double> share(const char* name) {
    const json* value = find(name, false);
    if (!value || value->is_null()) return std::nullopt;
    if (!value->is_number() || value->get<double>() < 0 || value->get<double>() > 1) {
      return bad(name, "must be a number between 0 and 1"), std::nullopt;
    }
    return value->get<double>();
  }
  int integer(const char* name, int fallback, int minimum) {
    const json* value = find(name, false);
    if (!value) return fallback;
    if (!value->is_number_integer() || value->get<std::int64_t>() < minimum ||
        value->get<std::int64_t>() > 1000000) {
      return bad(name, "must be a whole number of at least " + std::to_string(minimum)), fallback;
    }
    return static_cast<int>(value->get<std::int64_t>());
  }
  bool boolean(const char* name, bool fallback) {
    const json* value = find(name, false);
    if (!value) return fallback;
    if (!value->is_boolean()) return bad(name, "must be true or false"), fallback;
    return value->get<bool>();
  }
  std::vector<std::string> strings(const char* name, bool required) {
    const json* value = find(name, required);
    std::vector<std::string> out;
    if (!value) return out;
    if (!value->is_array()) return bad(name, "must be an array of strings"), out;
    for (std::size_t i = 0; i < value->size(); ++i) {
      if (!(*value)[i].is_string()) {
        problems_.push_back({at(name) + "/" + std::to_string(i), "must be a string"});
        continue;
      }
      out.push_back((*value)[i].get<std::string>());
    }
    return out;
  }
  std::string at(const char* name) const { return std::string(file_) + "#" + pointer_ + "/" + name; }

 private:
  const json* find(const char* name, bool required) {
    const auto it = object_.find(name);
    if (it == object_.end()) {
      if (required)
        problems_.push_back(
            {std::string(file_) + "#" + pointer_, std::string("missing field '") + name + "'"});
      return nullptr;
    }
    return &*it;
  }
  void bad(const char* name, const std::string& message) { problems_.push_back({at(name), message}); }

  const json& object_;
  std::string pointer_;
  std::vector<Diagnostic>& problems_;
  std::string_view file_;
};

// Calls `read(fields, index)` for each object of the array `name`.
template <typename F>
void each(const json& root, const char* name, bool required, std::vector<Diagnostic>& problems,
          std::string_view file, F&& read) {
  const auto it = root.find(name);
  if (it == root.end()) {
    if (required) problems.push_back({std::string(file) + "#", std::string("missing '") + name + "'"});
    return;
  }
  if (!it->is_array()) {
    problems.push_back({std::string(file) + "#/" + name, "must be an array"});
    return;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string pointer = std::string("/") + name + "/" + std::to_string(i);
    if (!(*it)[i].is_object()) {
      problems.push_back({std::string(file) + "#" + pointer, "must be an object"});
      continue;
    }
    Fields fields((*it)[i], pointer, problems, file);
    read(fields, i);
  }
}

void read_sections(const json& root, std::string_view file, Instance& instance,
                   std::vector<Diagnostic>& problems) {
  if (const auto policy = root.find("policy"); policy != root.end()) {
    if (!policy->is_object()) {
      problems.push_back({std::string(file) + "#/policy", "must be an object"});
    } else {
      Fields fields(*policy, "/policy", problems, file);
      instance.policy.collusion = fields.integer("collusion", 1, 0);
      instance.policy.max_exposure_share = fields.share("max_exposure_share").value_or(1.0);
      instance.policy.allow_conditional = fields.boolean("allow_conditional", false);
    }
  }
  each(root, "secrets", true, problems, file, [&](Fields& f, std::size_t) {
    instance.secrets.push_back({f.string("id"), f.number("weight", 1, false, true)});
  });
  each(root, "derives", false, problems, file, [&](Fields& f, std::size_t) {
    instance.derives.push_back({f.strings("from", true), f.string("gives")});
  });
  each(root, "recipes", false, problems, file, [&](Fields& f, std::size_t) {
    instance.recipes.push_back({f.string("id"), f.strings("secrets", true)});
  });
  each(root, "packages", true, problems, file, [&](Fields& f, std::size_t) {
    instance.packages.push_back({f.string("id"), f.string("capability"), f.strings("exposes", false),
                                 f.number("volume", 0, true), f.integer("sources", 1, 1)});
  });
  each(root, "suppliers", true, problems, file, [&](Fields& f, std::size_t) {
    Supplier s;
    s.id = f.string("id");
    s.party = f.string("party", false);
    if (s.party.empty()) s.party = s.id;  // an unaffiliated supplier is a party of its own
    s.capabilities = f.strings("capabilities", false);
    s.capacity = f.number("capacity", 0, true);
    s.status = f.string("status", false);
    if (s.status.empty()) s.status = "qualified";
    s.trusted = f.boolean("trusted", false);
    s.max_exposure_share = f.share("max_exposure_share");
    instance.suppliers.push_back(std::move(s));
  });
  each(root, "quotes", true, problems, file, [&](Fields& f, std::size_t) {
    instance.quotes.push_back({f.string("package"), f.string("supplier"), f.number("unit_cost", 0, true),
                               f.number("fixed_cost", 0, false)});
  });
}

template <typename T, typename Id>
std::unordered_map<std::string_view, std::size_t> index_ids(const std::vector<T>& items, Id id,
                                                            const char* section, std::string_view file,
                                                            std::vector<Diagnostic>& problems) {
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& key = id(items[i]);
    if (key.empty()) continue;
    if (!index.emplace(key, i).second) {
      problems.push_back({std::string(file) + "#/" + section + "/" + std::to_string(i) + "/id",
                          "duplicate id '" + key + "'"});
    }
  }
  return index;
}

using IdIndex = std::unordered_map<std::string_view, std::size_t>;

// Each quote's package and supplier by position, when every quote names a known package and
// supplier and each pair once: a million quotes in a lookup each (a package's quotes mostly come
// together, its id compared with the quote before's instead), with no text built; empty when
// not, and check_quotes says where.
std::vector<QuoteRef> resolve_quotes(const Instance& instance, const IdIndex& packages,
                                     const IdIndex& suppliers) {
  std::vector<QuoteRef> refs;
  refs.reserve(instance.quotes.size());
  // A pair given twice: caught by the supplier's mark from the package's run of quotes, as long as
  // no package's quotes come in two runs (then by sorting the pairs).
  constexpr std::uint32_t kNoRun = 0;
  std::vector<std::uint32_t> supplier_run(instance.suppliers.size(), kNoRun);
  std::vector<bool> package_seen(instance.packages.size(), false);
  bool runs_apart = false;
  std::uint32_t run = kNoRun;
  for (std::size_t q = 0; q < instance.quotes.size(); ++q) {
    const Quote& quote = instance.quotes[q];
    QuoteRef ref;
    if (q > 0 && quote.package == instance.quotes[q - 1].package) {
      ref.package = refs.back().package;
    } else {
      const auto package = packages.find(quote.package);
      if (package == packages.end()) return {};
      ref.package = static_cast<std::uint32_t>(package->second);
      runs_apart = runs_apart || package_seen[ref.package];
      package_seen[ref.package] = true;
      ++run;
    }
    const auto supplier = suppliers.find(quote.supplier);
    if (supplier == suppliers.end()) return {};
    ref.supplier = static_cast<std::uint32_t>(supplier->second);
    if (supplier_run[ref.supplier] == run) return {};
    supplier_run[ref.supplier] = run;
    refs.push_back(ref);
  }
  if (!runs_apart) return refs;
  std::vector<std::uint64_t> pairs;
  pairs.reserve(refs.size());
  for (const QuoteRef& ref : refs) pairs.push_back(std::uint64_t{ref.package} << 32 | ref.supplier);
  std::sort(pairs.begin(), pairs.end());
  if (std::adjacent_find(pairs.begin(), pairs.end()) != pairs.end()) return {};
  return refs;
}

template <typename Where>
void check_quotes(const Instance& instance, const IdIndex& packages, const IdIndex& suppliers,
                  const Where& where, std::vector<Diagnostic>& problems) {
  // Each package's quoted suppliers, by the suppliers' positions: no pair of strings stored per quote.
  std::unordered_set<std::uint64_t> quoted;
  std::set<std::pair<std::string_view, std::string_view>> quoted_unknown;
  for (std::size_t i = 0; i < instance.quotes.size(); ++i) {
    const Quote& q = instance.quotes[i];
    const std::string base = "/quotes/" + std::to_string(i);
    const auto package = packages.find(q.package);
    const auto supplier = suppliers.find(q.supplier);
    if (package == packages.end())
      problems.push_back({where(base + "/package"), "unknown package '" + q.package + "'"});
    if (supplier == suppliers.end())
      problems.push_back({where(base + "/supplier"), "unknown supplier '" + q.supplier + "'"});
    const bool again =
        package == packages.end() || supplier == suppliers.end()
            ? !quoted_unknown.emplace(q.package, q.supplier).second
            : !quoted.insert(package->second * instance.suppliers.size() + supplier->second).second;
    if (again) {
      problems.push_back(
          {where(base), "a second quote for package '" + q.package + "' from '" + q.supplier + "'"});
    }
  }
}

// Adds to `problems` every reference that names nothing, every id given twice and every party
// mixing trusted and untrusted suppliers; returns the quotes' references resolved (empty when
// there are problems).
std::vector<QuoteRef> check_references(const Instance& instance, std::string_view file,
                                       std::vector<Diagnostic>& problems) {
  const auto secrets = index_ids(
      instance.secrets, [](const Secret& s) -> const std::string& { return s.id; }, "secrets", file,
      problems);
  const auto packages = index_ids(
      instance.packages, [](const Package& p) -> const std::string& { return p.id; }, "packages", file,
      problems);
  const auto suppliers = index_ids(
      instance.suppliers, [](const Supplier& s) -> const std::string& { return s.id; }, "suppliers", file,
      problems);
  index_ids(
      instance.recipes, [](const Recipe& r) -> const std::string& { return r.id; }, "recipes", file,
      problems);
  const auto where = [&](const std::string& pointer) { return std::string(file) + "#" + pointer; };
  const auto secret = [&](const std::string& id, const std::string& pointer) {
    if (!secrets.contains(id)) problems.push_back({where(pointer), "unknown secret '" + id + "'"});
  };
  // A rule with no premises would give its secret to every party, one that holds nothing too; a
  // recipe of no secrets would be complete in anyone's hands: the grammar asks for one at least.
  const auto not_empty = [&](const std::vector<std::string>& ids, const std::string& pointer) {
    if (ids.empty()) problems.push_back({where(pointer), "must name at least one secret"});
  };
  // No secret, nothing to protect: the grammar asks for one at least (without, the recipe of every
  // secret would be one of none, given away by anyone).
  if (instance.secrets.empty()) problems.push_back({where("/secrets"), "must list at least one secret"});
  for (std::size_t i = 0; i < instance.derives.size(); ++i) {
    const std::string base = "/derives/" + std::to_string(i);
    not_empty(instance.derives[i].from, base + "/from");
    for (std::size_t j = 0; j < instance.derives[i].from.size(); ++j)
      secret(instance.derives[i].from[j], base + "/from/" + std::to_string(j));
    secret(instance.derives[i].gives, base + "/gives");
  }
  for (std::size_t i = 0; i < instance.recipes.size(); ++i) {
    not_empty(instance.recipes[i].secrets, "/recipes/" + std::to_string(i) + "/secrets");
    for (std::size_t j = 0; j < instance.recipes[i].secrets.size(); ++j) {
      secret(instance.recipes[i].secrets[j],
             "/recipes/" + std::to_string(i) + "/secrets/" + std::to_string(j));
    }
  }
  for (std::size_t i = 0; i < instance.packages.size(); ++i) {
    for (std::size_t j = 0; j < instance.packages[i].exposes.size(); ++j) {
      secret(instance.packages[i].exposes[j],
             "/packages/" + std::to_string(i) + "/exposes/" + std::to_string(j));
    }
  }
  std::vector<QuoteRef> refs = resolve_quotes(instance, packages, suppliers);
  if (refs.size() != instance.quotes.size()) check_quotes(instance, packages, suppliers, where, problems);
  if (problems.empty()) {
    if (const CostOverflow overflow = cost_overflow(instance); overflow.quote) {
      problems.push_back({where("/quotes/" + std::to_string(*overflow.quote) + "/unit_cost"),
                          "this quote's cost for the package's units is beyond what a number holds: "
                          "write the costs in a larger unit"});
    } else if (overflow.total) {
      problems.push_back({where("/quotes"),
                          "the quotes' costs add up beyond what a number holds: write the "
                          "costs in a larger unit"});
    }
  }
  std::map<std::string, std::pair<bool, std::size_t>> party_trust;
  for (std::size_t i = 0; i < instance.suppliers.size(); ++i) {
    const Supplier& s = instance.suppliers[i];
    const auto [it, fresh] = party_trust.emplace(s.party, std::pair{s.trusted, i});
    if (!fresh && it->second.first != s.trusted) {
      problems.push_back({where("/suppliers/" + std::to_string(i) + "/trusted"),
                          "party '" + s.party + "' mixes trusted and untrusted suppliers ('" +
                              instance.suppliers[it->second.second].id + "' and '" + s.id + "')"});
    }
  }
  if (!problems.empty()) refs.clear();
  return refs;
}

std::string line_column(std::string_view text, std::size_t offset) {
  const TextPosition p = position_of(text, offset);
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

Result<Instance> read_tree(const json& root, std::string_view file) {
  Instance instance;
  std::vector<Diagnostic> problems;
  read_sections(root, file, instance, problems);
  if (problems.empty()) instance.quote_refs = check_references(instance, file, problems);
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return instance;
}

// The keys the full reader passed over, noted as the fast reader notes them (within an object in
// the tree's order, which is the keys' sorted order).
void note_ignored_keys(const json& root, Instance& instance) {
  const auto known = [](const std::vector<std::string_view>& keys, const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  };
  const std::vector<std::string_view> sections = instance_keys("");
  for (const auto& item : root.items()) {
    const std::string& section = item.key();  // a name of its own: lambdas capture no binding in C++20
    const json& value = item.value();
    if (!known(sections, section)) {
      note_ignored_key(instance, "", section);
      continue;
    }
    const std::vector<std::string_view> fields = instance_keys(section);
    // The parent's pointer is built only for a key to keep.
    const auto note_fields = [&](const json& record, const auto& parent) {
      if (!record.is_object()) return;
      for (const auto& [field, unused] : record.items()) {
        if (known(fields, field)) continue;
        if (instance.ignored_key_count >= kMostIgnoredKeys) {
          ++instance.ignored_key_count;
        } else {
          note_ignored_key(instance, parent(), field);
        }
      }
    };
    if (section == "policy") {
      note_fields(value, [] { return std::string("/policy"); });
    } else if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i)
        note_fields(value[i], [&] { return "/" + section + "/" + std::to_string(i); });
    }
  }
}

// nlohmann's document builder, stopped once `deadline` has passed (checked every few thousand
// values): the full reader of a large file takes seconds. (Its callback parser, which could stop
// it too, took ten times as long.) It stops as well at a key given twice in one object, which the
// builder would keep the last of ("collusion": 3, "collusion": 0 planned at collusion 0), and
// names it by its JSON pointer.
class DocumentWithin : public nlohmann::detail::json_sax_dom_parser<json> {
  using Base = nlohmann::detail::json_sax_dom_parser<json>;

 public:
  DocumentWithin(json& document, const Deadline& deadline) : Base(document, true), check_(deadline) {}
  bool out_of_time() { return check_.passed(); }

  bool null() { return value() && Base::null(); }
  bool boolean(bool value) { return this->value() && Base::boolean(value); }
  bool number_integer(number_integer_t value) { return this->value() && Base::number_integer(value); }
  bool number_unsigned(number_unsigned_t value) { return this->value() && Base::number_unsigned(value); }
  bool number_float(number_float_t value, const string_t& text) {
    return this->value() && Base::number_float(value, text);
  }
  bool string(string_t& value) { return this->value() && Base::string(value); }
  bool binary(binary_t& value) { return this->value() && Base::binary(value); }
  bool start_object(std::size_t size) {
    if (!value()) return false;
    frames_.push_back({true, {}, 0, {}});
    return Base::start_object(size);
  }
  bool key(string_t& value) {
    if (!go()) return false;
    Frame& object = frames_.back();
    if (!object.keys.insert(value).second) {
      duplicate_ = pointer(frames_.size() - 1) + "/" + escaped(value);
      return false;
    }
    object.key = value;
    return Base::key(value);
  }
  bool end_object() {
    frames_.pop_back();
    return go() && Base::end_object();
  }
  bool start_array(std::size_t size) {
    if (!value()) return false;
    frames_.push_back({false, {}, 0, {}});
    return Base::start_array(size);
  }
  bool end_array() {
    frames_.pop_back();
    return go() && Base::end_array();
  }
  // The JSON pointer of a key given twice in its object, if one was.
  const std::optional<std::string>& duplicate() const { return duplicate_; }
  // Where the first error is, by the byte after its token and the token's text: nlohmann's
  // exceptions other than syntax errors (a number beyond a double's range) do not say.
  template <class Exception>
  bool parse_error(std::size_t byte, const std::string& token, const Exception& error) {
    error_at_ = byte >= token.size() ? byte - token.size() : 0;
    return Base::parse_error(byte, token, error);
  }
  std::size_t error_at() const { return error_at_; }

 private:
  // The containers open around the value being read: an object's keys so far and its current
  // one, an array's values so far.
  struct Frame {
    bool object = false;
    std::string key;
    std::size_t values = 0;
    std::unordered_set<std::string> keys;
  };

  bool go() { return !check_.passed(); }

  // Before each value: counted in the array it is in.
  bool value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().values;
    return go();
  }

  // The pointer of the first `depth` containers' current members.
  std::string pointer(std::size_t depth) const {
    std::string out;
    for (std::size_t i = 0; i < depth; ++i)
      out += "/" + (frames_[i].object ? escaped(frames_[i].key) : std::to_string(frames_[i].values - 1));
    return out;
  }

  static std::string escaped(std::string_view key) {  // RFC 6901
    std::string out;
    for (const char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return out;
  }

  DeadlineCheck<4096> check_;
  std::size_t error_at_ = 0;
  std::vector<Frame> frames_;
  std::optional<std::string> duplicate_;
};

// The full reader: a document tree, every problem named at its JSON pointer (or line:col).
// Nullopt when `deadline` passes while the text is parsed.
Result<std::optional<Instance>> parse_tree(std::string_view text, std::string_view file,
                                           const Deadline& deadline) {
  json root;
  DocumentWithin builder(root, deadline);
  try {
    if (!json::sax_parse(text, &builder)) {
      if (builder.duplicate())
        return input_error(std::string(file) + "#" + *builder.duplicate(),
                           "this key is given twice in its object");
      if (builder.out_of_time()) return std::optional<Instance>();
    }
  } catch (const json::parse_error& error) {
    const std::size_t at = error.byte > 0 ? error.byte - 1 : 0;
    // What JavaScript and Python's json module write for numbers JSON does not have.
    const std::string_view token = text.substr(std::min(at, text.size()));
    const bool not_a_number = token.starts_with("NaN") || token.starts_with("Infinity");
    return input_error(
        std::string(file) + ":" + line_column(text, at),
        not_a_number ? "JSON syntax error: NaN and Infinity are not JSON numbers" : "JSON syntax error");
  } catch (const json::out_of_range&) {  // 406, the one its parser raises: a number beyond a double
    return input_error(std::string(file) + ":" + line_column(text, builder.error_at()),
                       "number out of range (beyond a double's)");
  } catch (const json::exception& error) {
    return input_error(std::string(file), std::string("JSON error: ") + error.what());
  }
  if (!root.is_object()) return input_error(std::string(file) + "#", "an instance must be a JSON object");
  MOAT_TRY(Instance instance, read_tree(root, file));
  note_ignored_keys(root, instance);
  return std::optional<Instance>(std::move(instance));
}

}  // namespace

std::string_view status_name(PlanStatus status) {
  switch (status) {
    case PlanStatus::kOptimal:
      return "optimal";
    case PlanStatus::kFeasible:
      return "feasible";
    case PlanStatus::kInfeasible:
      return "infeasible";
    case PlanStatus::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::vector<std::string> ignored_key_warnings(const Instance& instance, std::string_view file) {
  std::vector<std::string> warnings;
  for (const std::string& pointer : instance.ignored_keys) {
    // "/policy/KEY", "/SECTION/INDEX/KEY" or "/KEY": the known keys are those of the first token.
    const std::size_t second = pointer.find('/', 1);
    const std::string where = second == std::string::npos ? "" : pointer.substr(1, second - 1);
    std::string key;
    const std::string_view escaped = std::string_view(pointer).substr(pointer.rfind('/') + 1);
    for (std::size_t i = 0; i < escaped.size(); ++i) {
      if (escaped[i] == '~' && i + 1 < escaped.size()) {
        key += escaped[++i] == '1' ? '/' : '~';
      } else {
        key += escaped[i];
      }
    }
    const std::string closest = near_miss(key, instance_keys(where));
    warnings.push_back(std::string(file) + "#" + shown_safely(pointer) + ": an unknown key, ignored" +
                       (closest.empty() ? "" : ": did you mean " + closest + "?"));
  }
  if (instance.ignored_key_count > instance.ignored_keys.size()) {
    const std::size_t more = instance.ignored_key_count - instance.ignored_keys.size();
    warnings.push_back(std::string(file) + ": " + std::to_string(more) +
                       (more == 1 ? " more unknown key, ignored" : " more unknown keys, ignored"));
  }
  return warnings;
}

Result<Instance> read_instance_fully(std::string_view text, std::string_view file) {
  if (const auto bad = first_invalid_utf8(text))
    return input_error(std::string(file) + ":" + line_column(text, *bad), "invalid UTF-8 byte sequence");
  MOAT_TRY(std::optional<Instance> instance, parse_tree(text, file, Deadline()));
  return std::move(*instance);
}

Result<Instance> parse_instance(std::string_view text, std::string_view file) {
  MOAT_TRY(std::optional<Instance> instance, parse_instance_within(text, file, Deadline()));
  return std::move(*instance);
}

namespace {

// UTF-8 is checked a slice at a time, the deadline between slices, before the full reader: a
// 145 MB instance takes tenths of a second on a loaded machine.
constexpr std::size_t kUtf8Slice = std::size_t{4} << 20;
constexpr std::size_t kLongestUtf8Sequence = 4;

struct Utf8Check {
  std::optional<std::size_t> invalid_at;
  bool out_of_time = false;
};

bool continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

Utf8Check check_utf8_within(std::string_view text, const Deadline& deadline) {
  for (std::size_t begin = 0; begin < text.size();) {
    if (deadline.passed()) return {std::nullopt, true};
    // Each slice ends before a byte that starts a sequence, so no well-formed one is cut in two.
    std::size_t end = std::min(text.size(), begin + kUtf8Slice);
    for (std::size_t moved = 0;
         end < text.size() && moved < kLongestUtf8Sequence && continuation_byte(text[end]); ++moved)
      ++end;
    if (const auto bad = first_invalid_utf8(text.substr(begin, end - begin))) return {begin + *bad, false};
    begin = end;
  }
  return {std::nullopt, deadline.passed()};
}

}  // namespace

CostOverflow cost_overflow(const Instance& instance) {
  std::unordered_map<std::string_view, std::size_t> package_index;
  for (std::size_t p = 0; p < instance.packages.size(); ++p)
    package_index.emplace(instance.packages[p].id, p);
  std::vector<double> dearest(instance.packages.size(), 0);
  for (std::size_t q = 0; q < instance.quotes.size(); ++q) {
    const Quote& quote = instance.quotes[q];
    const auto p = package_index.find(quote.package);
    if (p == package_index.end()) continue;
    const Package& package = instance.packages[p->second];
    const double cost = quote.unit_cost * (package.volume / package.sources) + quote.fixed_cost;
    if (!std::isfinite(cost)) return {q, false};
    dearest[p->second] = std::max(dearest[p->second], cost);
  }
  double total = 0;
  for (std::size_t p = 0; p < instance.packages.size(); ++p)
    total += dearest[p] * instance.packages[p].sources;
  return {std::nullopt, !std::isfinite(total)};
}

Result<std::optional<Instance>> parse_instance_within(std::string_view text, std::string_view file,
                                                      const Deadline& deadline, bool padded) {
  // Most instances are well formed: read them with simdjson, which validates the UTF-8 and the JSON
  // as it goes (a tenth of the time and memory of a document tree); anything to explain goes
  // through the full reader, which says where and what.
  WellFormedRead read = read_well_formed_instance(text, deadline, padded);
  if (read.out_of_time) return std::optional<Instance>();
  if (read.instance) {
    std::vector<Diagnostic> problems;
    read.instance->quote_refs = check_references(*read.instance, file, problems);
    if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
    return std::move(read.instance);
  }
  const Utf8Check utf8 = check_utf8_within(text, deadline);
  if (utf8.out_of_time) return std::optional<Instance>();
  if (utf8.invalid_at) {
    return input_error(std::string(file) + ":" + line_column(text, *utf8.invalid_at),
                       "invalid UTF-8 byte sequence");
  }
  return parse_tree(text, file, deadline);
}

std::string instance_json(const Instance& instance) {
  ordered_json root;
  root["policy"] = {{"collusion", instance.policy.collusion},
                    {"max_exposure_share", instance.policy.max_exposure_share},
                    {"allow_conditional", instance.policy.allow_conditional}};
  root["secrets"] = ordered_json::array();
  for (const Secret& s : instance.secrets) root["secrets"].push_back({{"id", s.id}, {"weight", s.weight}});
  root["derives"] = ordered_json::array();
  for (const Derive& d : instance.derives) root["derives"].push_back({{"from", d.from}, {"gives", d.gives}});
  root["recipes"] = ordered_json::array();
  for (const Recipe& r : instance.recipes) root["recipes"].push_back({{"id", r.id}, {"secrets", r.secrets}});
  root["packages"] = ordered_json::array();
  for (const Package& p : instance.packages) {
    root["packages"].push_back({{"id", p.id},
                                {"capability", p.capability},
                                {"exposes", p.exposes},
                                {"volume", p.volume},
                                {"sources", p.sources}});
  }
  root["suppliers"] = ordered_json::array();
  for (const Supplier& s : instance.suppliers) {
    ordered_json supplier = {{"id", s.id},
                             {"party", s.party},
                             {"capabilities", s.capabilities},
                             {"capacity", s.capacity},
                             {"status", s.status},
                             {"trusted", s.trusted}};
    if (s.max_exposure_share) supplier["max_exposure_share"] = *s.max_exposure_share;
    root["suppliers"].push_back(std::move(supplier));
  }
  root["quotes"] = ordered_json::array();
  for (const Quote& q : instance.quotes) {
    root["quotes"].push_back({{"package", q.package},
                              {"supplier", q.supplier},
                              {"unit_cost", q.unit_cost},
                              {"fixed_cost", q.fixed_cost}});
  }
  return root.dump(2) + "\n";
}

namespace {

// Writes JSON laid out as nlohmann's dump(2) lays it out, straight into a string: an XL plan's
// twenty thousand assignments without a document tree built (and freed) first. Scalars go
// through nlohmann's own serializer, so every string and number reads exactly as before.
class IndentedJson {
 public:
  std::string take() { return std::move(out_) + "\n"; }

  // A member of the object open now: its key, after the separator and the indentation.
  IndentedJson& key(std::string_view name) {
    next();
    out_ += '"';
    out_ += name;
    out_ += "\": ";
    return *this;
  }
  // An element of the array open now.
  IndentedJson& item() {
    next();
    return *this;
  }
  void open(char bracket) {
    out_ += bracket;
    ++depth_;
    first_ = true;
  }
  void close(char bracket) {
    --depth_;
    if (!first_) {
      out_ += '\n';
      out_.append(2 * depth_, ' ');
    }
    out_ += bracket;
    first_ = false;
  }
  void scalar(const ordered_json& value) { out_ += value.dump(); }
  void strings(const std::vector<std::string>& values) {
    open('[');
    for (const std::string& value : values) item().scalar(value);
    close(']');
  }

 private:
  void next() {
    if (!first_) out_ += ',';
    out_ += '\n';
    out_.append(2 * depth_, ' ');
    first_ = false;
  }

  std::string out_;
  std::size_t depth_ = 0;
  bool first_ = true;
};

ordered_json optional_number(const std::optional<double>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

void write_assignments(IndentedJson& out, const std::vector<Assignment>& assignments) {
  out.open('[');
  for (const Assignment& a : assignments) {
    out.item().open('{');
    out.key("package").scalar(a.package);
    out.key("supplier").scalar(a.supplier);
    out.key("units").scalar(a.units);
    out.close('}');
  }
  out.close(']');
}

void write_parties(IndentedJson& out, const std::vector<PartyExposure>& parties) {
  out.open('[');
  for (const PartyExposure& p : parties) {
    out.item().open('{');
    out.key("party").scalar(p.party);
    out.key("secrets").strings(p.secrets);
    out.key("share").scalar(p.share);
    out.close('}');
  }
  out.close(']');
}

void write_recipes(IndentedJson& out, const std::vector<RecipeExposure>& recipes) {
  out.open('[');
  for (const RecipeExposure& r : recipes) {
    out.item().open('{');
    out.key("recipe").scalar(r.recipe);
    out.key("min_coalition").scalar(r.min_coalition ? ordered_json(*r.min_coalition) : ordered_json(nullptr));
    if (!r.coalition.empty()) out.key("coalition").strings(r.coalition);
    out.close('}');
  }
  out.close(']');
}

}  // namespace

std::string plan_json(const Plan& plan) {
  IndentedJson out;
  out.open('{');
  out.key("status").scalar(std::string(status_name(plan.status)));
  out.key("cost").scalar(optional_number(plan.cost));
  out.key("lower_bound").scalar(optional_number(plan.lower_bound));
  write_assignments(out.key("assignments"), plan.assignments);
  write_parties(out.key("parties"), plan.parties);
  write_recipes(out.key("recipes"), plan.recipes);
  out.key("reasons").strings(plan.reasons);
  out.close('}');
  return out.take();
}

}  // namespace moat::plan
