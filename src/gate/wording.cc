// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include "core/text.h"
#include "gate/checks.h"

namespace moat::gate::detail {
namespace {

// The CJK Unified Ideographs blocks (base, extension A, compatibility, extensions B and on).
struct Range {
  char32_t first;
  char32_t last;
};
constexpr Range kHan[] = {{0x4E00, 0x9FFF}, {0x3400, 0x4DBF}, {0xF900, 0xFAFF}, {0x20000, 0x3134F}};

bool is_han(char32_t code_point) {
  return std::any_of(std::begin(kHan), std::end(kHan),
                     [&](const Range& r) { return code_point >= r.first && code_point <= r.last; });
}

// The code point starting at `text[at]` and its length in bytes (valid UTF-8 assumed; a stray
// continuation byte reads as one unit so that the scan always advances).
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  const std::size_t length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (at + length > text.size()) return {lead, 1};
  char32_t code_point = length == 1 ? lead : lead & (0x7Fu >> length);
  for (std::size_t i = 1; i < length; ++i) {
    code_point = (code_point << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3Fu);
  }
  return {code_point, length};
}

}  // namespace

Check passed(std::string subject, std::string reason) {
  return {"", std::move(subject), CheckStatus::kPass, std::move(reason), "", ""};
}

Check failed(std::string subject, std::string reason, std::string fix) {
  return {"", std::move(subject), CheckStatus::kFail, std::move(reason), std::move(fix), ""};
}

std::string supplier_subject(const SupplierFacts& supplier) {
  return "supplier/" + supplier.id;
}

std::string supplier_label(const SupplierFacts& supplier) {
  const std::string& name = supplier.name.empty() ? supplier.legal_name : supplier.name;
  return name.empty() ? supplier.id : name + " (" + supplier.id + ")";
}

std::string contract_party(const SupplierFacts& supplier) {
  const std::string name = supplier.legal_name.empty() ? supplier_label(supplier) : supplier.legal_name;
  return supplier.uscc.empty() ? name : name + " (" + supplier.uscc + ")";
}

std::string right_label(const IpRight& right) {
  return right.jurisdiction + " " + right.kind + " " + (right.number.empty() ? right.id : right.number);
}

std::string secret_label(const Secret& secret) {
  if (secret.name.empty()) return secret.id;
  return secret.id + " (" + secret.name + (secret.strategy.empty() ? "" : ", " + secret.strategy) + ")";
}

std::string listing(const std::vector<std::string>& items) {
  return items.empty() ? "none" : join(items, ", ");
}

std::string company_name(const Context& context) {
  return context.company_names->empty() ? "the company" : context.company_names->front();
}

bool owned_by_company(const Context& context, const IpRight& right) {
  const std::vector<std::string>& names = *context.company_names;
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return same_name(n, right.owner); });
}

bool is_filed(const IpRight& right, Date today) {
  return right.filed && *right.filed <= today;
}

bool covers(const IpRight& right, std::string_view secret) {
  return std::find(right.secrets.begin(), right.secrets.end(), secret) != right.secrets.end();
}

bool has_han(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto [code_point, length] = decode(text, at);
    if (is_han(code_point)) return true;
    at += length;
  }
  return false;
}

}  // namespace moat::gate::detail
