// SPDX-License-Identifier: Apache-2.0
// What of the watch engine needs no library and so stays in the moat binary (the rest is loaded
// when first needed, watch/module.h): a picture's media type by its signature, a reason's name,
// and a fingerprint kept as text.
#include <cmath>
#include <cstring>
#include <string>

#include "watch/fingerprint_layout.h"
#include "watch/watch.h"

namespace moat::watch {
namespace {

bool starts_with(std::string_view bytes, std::string_view signature, std::size_t at = 0) {
  return bytes.size() >= at + signature.size() && bytes.substr(at, signature.size()) == signature;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string_view image_media_type(std::string_view bytes) {
  if (starts_with(bytes, "\xFF\xD8\xFF")) return "image/jpeg";
  if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) return "image/png";
  if (starts_with(bytes, "RIFF") && starts_with(bytes, "WEBP", 8)) return "image/webp";
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return "image/gif";
  if (starts_with(bytes, "BM")) return "image/bmp";
  if (starts_with(bytes, std::string_view("II*\0", 4)) || starts_with(bytes, std::string_view("MM\0*", 4))) {
    return "image/tiff";
  }
  return {};
}

std::string_view reason_name(ReasonKind kind) {
  switch (kind) {
    case ReasonKind::kMark:
      return "mark";
    case ReasonKind::kModel:
      return "model";
    case ReasonKind::kImage:
      return "image";
    case ReasonKind::kPrice:
      return "price";
  }
  return "mark";
}

bool well_formed(const Fingerprint& f) {
  if (f.bits.size() != kBytes || f.bits[0] != kVersion) return false;
  float aspect = 0;
  std::memcpy(&aspect, f.bits.data() + kAspectOffset, sizeof aspect);
  return std::isfinite(aspect) && aspect > 0;
}

std::string to_text(const Fingerprint& fingerprint) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(kTextPrefix);
  for (const std::uint8_t byte : fingerprint.bits) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xF]);
  }
  return out;
}

Result<Fingerprint> from_text(std::string_view text) {
  if (text.substr(0, kTextPrefix.size()) != kTextPrefix) {
    return input_error("",
                       "not an image fingerprint: it does not start with '" + std::string(kTextPrefix) + "'");
  }
  const std::string_view hex = text.substr(kTextPrefix.size());
  if (hex.size() != kBytes * 2) {
    return input_error("", "image fingerprint of " + std::to_string(hex.size()) + " hex digits, expected " +
                               std::to_string(kBytes * 2));
  }
  Fingerprint out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = hex_value(hex[i]);
    const int low = hex_value(hex[i + 1]);
    if (high < 0 || low < 0)
      return input_error("", "image fingerprint has a non-hex digit at " + std::to_string(i));
    out.bits.push_back(static_cast<std::uint8_t>(high * 16 + low));
  }
  if (!well_formed(out)) return input_error("", "image fingerprint of an unknown version");
  return out;
}

}  // namespace moat::watch
