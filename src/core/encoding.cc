// SPDX-License-Identifier: Apache-2.0
#include "core/encoding.h"

#include <iconv.h>

#include <cerrno>
#include <optional>

#include "core/text.h"

namespace moat {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
constexpr std::string_view kUtf16BeBom = "\xFE\xFF";

// `bytes` converted from `encoding` by iconv; nullopt at the first sequence it cannot convert
// (its offset in `failed_at`).
std::optional<std::string> convert(std::string_view bytes, const char* encoding, std::size_t& failed_at) {
  iconv_t cd = iconv_open("UTF-8", encoding);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    failed_at = 0;
    return std::nullopt;
  }
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write the input
  std::size_t in_left = bytes.size();
  std::size_t written = 0;
  bool ok = true;
  while (in_left > 0) {
    char* to = out.data() + written;
    std::size_t to_left = out.size() - written;
    const std::size_t done = iconv(cd, &in, &in_left, &to, &to_left);
    written = out.size() - to_left;
    if (done != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    ok = false;  // EILSEQ or EINVAL (a sequence cut at the end)
    break;
  }
  iconv_close(cd);
  if (!ok) {
    failed_at = bytes.size() - in_left;
    return std::nullopt;
  }
  out.resize(written);
  return out;
}

// UTF-8's multi-byte sequences in `bytes`, and its malformed bytes. A lead byte followed by some
// of its continuation bytes and then none is a character cut short: UTF-8 damaged, counted with
// the sequences (a UTF-8 file cut in a character is not GBK, though its last two bytes are one).
std::pair<std::size_t, std::size_t> utf8_sequences(std::string_view bytes) {
  const auto continuation = [&](std::size_t i) {
    return i < bytes.size() && (static_cast<unsigned char>(bytes[i]) & 0xC0) == 0x80;
  };
  std::size_t sequences = 0, malformed = 0;
  for (std::size_t i = 0; i < bytes.size();) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = lead >= 0xF5 ? 0 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    std::size_t followed = 0;
    while (length > 0 && followed + 1 < length && continuation(i + 1 + followed)) ++followed;
    if (length > 0 && followed > 0 &&
        (followed + 1 == length ? !first_invalid_utf8(bytes.substr(i, length)) : true)) {
      ++sequences;
      i += 1 + followed;
    } else {
      ++malformed;
      ++i;
    }
  }
  return {sequences, malformed};
}

// Whether every two-byte GB18030 character in `bytes` has its second byte above 0x7F (four-byte
// sequences and ASCII aside); false as well for a sequence GB18030 does not have.
bool high_trail_bytes(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if (lead == 0x80 || lead == 0xFF || i + 1 >= bytes.size()) return false;
    const auto second = static_cast<unsigned char>(bytes[i + 1]);
    if (second >= 0x30 && second <= 0x39) {  // a four-byte sequence
      i += 4;
      continue;
    }
    if (second < 0x80) return false;
    i += 2;
  }
  return true;
}

Error not_utf8(std::string_view bytes, std::size_t offset, std::string_view file) {
  const TextPosition at = position_of(bytes, offset);
  return Error(ErrorCode::kInput,
               std::string(file) + ":" + std::to_string(at.line) + ":" + std::to_string(at.column),
               "invalid UTF-8 byte sequence: save the file as UTF-8 (in Excel: \"CSV UTF-8\"; in WPS: "
               "UTF-8 encoding); moat also reads GBK / GB18030 and UTF-16 with a byte-order mark");
}

}  // namespace

Result<DecodedText> decode_text(std::string_view bytes, std::string_view file) {
  if (bytes.starts_with(kUtf16LeBom) || bytes.starts_with(kUtf16BeBom)) {
    const bool little = bytes.starts_with(kUtf16LeBom);
    std::size_t failed_at = 0;
    std::optional<std::string> text = convert(bytes.substr(2), little ? "UTF-16LE" : "UTF-16BE", failed_at);
    if (!text) {
      return Error(ErrorCode::kInput, std::string(file) + ": byte " + std::to_string(failed_at + 2),
                   std::string("not well-formed UTF-16 (") + (little ? "little" : "big") +
                       "-endian, as its byte-order mark says)");
    }
    return DecodedText{std::move(*text), little ? "UTF-16LE" : "UTF-16BE"};
  }
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  const std::optional<std::size_t> bad = first_invalid_utf8(bytes);
  if (!bad) return DecodedText{std::string(bytes), "UTF-8"};
  const auto [sequences, malformed] = utf8_sequences(bytes);
  if (sequences < malformed && high_trail_bytes(bytes)) {
    std::size_t failed_at = 0;
    if (std::optional<std::string> text = convert(bytes, "GB18030", failed_at)) {
      return DecodedText{std::move(*text), "GB18030"};
    }
  }
  return not_utf8(bytes, *bad, file);
}

}  // namespace moat
