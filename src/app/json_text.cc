// SPDX-License-Identifier: Apache-2.0
#include "app/json_text.h"

#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;

// A first pass over the text that finds what the DOM parser would silently drop (a key given
// twice), refuses nesting beyond the limit, and places syntax errors.
class Prepass final : public nlohmann::json_sax<json> {
 public:
  explicit Prepass(std::size_t max_depth) : max_depth_(max_depth) {}

  std::string duplicate;  // pointer of a key given twice
  bool too_deep = false;
  std::size_t error_at = 0;  // byte offset of a syntax error
  std::string error_message;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return push(false); }
  bool start_array(std::size_t) override { return push(true); }
  bool end_object() override { return pop(); }
  bool end_array() override { return pop(); }
  bool key(string_t& name) override {
    Frame& frame = frames_.back();
    if (!frame.keys.insert(name).second) {
      duplicate = pointer() + "/" + pointer_segment(name);
      return false;
    }
    frame.key = name;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const json::exception& error) override {
    error_at = position > 0 ? position - 1 : 0;
    error_message = error.what();
    if (const auto colon = error_message.find(": "); colon != std::string::npos) {
      error_message = error_message.substr(colon + 2);
    }
    if (const auto bracket = error_message.find("] "); bracket != std::string::npos) {
      error_message = error_message.substr(bracket + 2);
    }
    error_message = cut_short(error_message, 200);
    return false;
  }

 private:
  struct Frame {
    bool is_array = false;
    std::string segment;  // this container's segment in its parent
    std::size_t index = 0;
    std::string key;
    std::set<std::string> keys;
  };

  std::string pointer() const {
    std::string out;
    for (std::size_t i = 1; i < frames_.size(); ++i) out += "/" + frames_[i].segment;
    return out;
  }
  bool push(bool is_array) {
    if (frames_.size() >= max_depth_) {
      too_deep = true;
      return false;
    }
    Frame frame;
    frame.is_array = is_array;
    if (!frames_.empty()) {
      const Frame& parent = frames_.back();
      frame.segment = parent.is_array ? std::to_string(parent.index) : pointer_segment(parent.key);
    }
    frames_.push_back(std::move(frame));
    return true;
  }
  bool pop() {
    frames_.pop_back();
    return value();
  }
  bool value() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
    return true;
  }

  std::size_t max_depth_;
  std::vector<Frame> frames_;
};

// The byte offset where the nesting passed the limit: the (max_depth + 1)-th opening bracket
// not yet closed, found by a scan that skips strings.
std::size_t depth_offset(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return text.size();
}

std::string line_column(std::string_view text, std::string_view name, std::size_t offset) {
  const TextPosition p = position_of(text, offset);
  return std::string(name) + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

}  // namespace

std::string pointer_segment(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string quoted_json(const json& value, std::size_t limit) {
  return cut_short(value.dump(-1, ' ', false, json::error_handler_t::replace), limit);
}

Result<json> parse_json_text(std::string_view text, std::string_view name, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return input_error(std::string(name), "the JSON text is " + std::to_string(text.size()) +
                                              " bytes long; at most " + std::to_string(limits.max_bytes) +
                                              " are accepted");
  }
  Prepass prepass(limits.max_depth);
  if (!json::sax_parse(text, &prepass)) {
    if (!prepass.duplicate.empty()) {
      return input_error(std::string(name) + "#" + cut_short(prepass.duplicate, 200),
                         "this key is given twice in its object");
    }
    if (prepass.too_deep) {
      return input_error(
          line_column(text, name, depth_offset(text, limits.max_depth)),
          "arrays and objects are nested more than " + std::to_string(limits.max_depth) + " deep here");
    }
    return input_error(line_column(text, name, prepass.error_at),
                       "JSON syntax error: " + prepass.error_message);
  }
  try {
    return json::parse(text);
  } catch (const json::exception& error) {  // the prepass accepts what the parser accepts
    return input_error(std::string(name), std::string("JSON error: ") + cut_short(error.what(), 200));
  }
}

}  // namespace moat::app
