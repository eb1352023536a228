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
// A line quoted in a message is cut to this many bytes (40 Chinese characters).
constexpr std::size_t kQuotedBytes = 120;

// `bytes` converted from `encoding` into UTF-8 by iconv, or the offset of the first sequence it
// cannot convert (a sequence cut at the end included).
struct Converted {
  std::optional<std::string> text;
  std::size_t failed_at = 0;
};

Result<Converted> convert(std::string_view bytes, const char* encoding) {
  iconv_t cd = iconv_open("UTF-8", encoding);
  if (cd == reinterpret_cast<iconv_t>(-1))
    return Error(ErrorCode::kInternal, "",
                 std::string("this system's iconv has no ") + encoding + " converter");
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
    ok = false;  // EILSEQ, or EINVAL: a sequence cut at the end
    break;
  }
  iconv_close(cd);
  if (!ok) return Converted{std::nullopt, bytes.size() - in_left};
  out.resize(written);
  return Converted{std::move(out), 0};
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

std::string where(std::string_view text, std::size_t offset, std::string_view file) {
  const TextPosition at = position_of(text, offset);
  return std::string(file) + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

// The line of `text` (UTF-8) that holds byte `offset`, cut short for a message.
std::string line_at(std::string_view text, std::size_t offset) {
  const std::size_t start =
      text.rfind('\n', offset) == std::string_view::npos ? 0 : text.rfind('\n', offset) + 1;
  std::string_view line = text.substr(start, text.find('\n', offset) - start);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return cut_short(line, kQuotedBytes);
}

constexpr std::string_view kSaveAsUtf8 =
    "save the file as UTF-8 (in Excel: \"CSV UTF-8\"; in WPS: UTF-8 encoding), or name its encoding "
    "with --encoding";

// The file read as `encoding` (iconv's name), refused at its first malformed sequence.
Result<DecodedText> decode_as(std::string_view bytes, std::string_view file, const char* encoding,
                              std::string_view name) {
  MOAT_TRY(const Converted converted, convert(bytes, encoding));
  if (converted.text) return DecodedText{*converted.text, name};
  // The place: in the part that converted, the line and column where it stopped.
  MOAT_TRY(const Converted before, convert(bytes.substr(0, converted.failed_at), encoding));
  const std::string_view read = before.text ? std::string_view(*before.text) : std::string_view();
  return Error(ErrorCode::kInput, where(read, read.size(), file),
               "not " + std::string(name) + " here (a byte sequence " + std::string(name) +
                   " does not have, or the file ends inside a character)");
}

}  // namespace

Result<DecodedText> decode_text(std::string_view bytes, std::string_view file, std::string_view declared) {
  const std::string name = to_lower_ascii(declared);
  if (name == "gb18030" || name == "gbk" || name == "gb2312" || name == "cp936")
    return decode_as(bytes, file, "GB18030", "GB18030");
  if (name == "utf-16le" || name == "utf-16be") {
    const bool little = name == "utf-16le";
    if (bytes.starts_with(little ? kUtf16LeBom : kUtf16BeBom)) bytes.remove_prefix(2);
    return decode_as(bytes, file, little ? "UTF-16LE" : "UTF-16BE", little ? "UTF-16LE" : "UTF-16BE");
  }
  if (!name.empty() && name != "utf-8" && name != "utf8") {
    return Error(ErrorCode::kInput, "--encoding",
                 "unknown encoding '" + std::string(declared) + "': " + std::string(kEncodings));
  }
  if (name.empty() && (bytes.starts_with(kUtf16LeBom) || bytes.starts_with(kUtf16BeBom))) {
    const bool little = bytes.starts_with(kUtf16LeBom);
    return decode_as(bytes.substr(2), file, little ? "UTF-16LE" : "UTF-16BE",
                     little ? "UTF-16LE" : "UTF-16BE");
  }
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  const std::optional<std::size_t> bad = first_invalid_utf8(bytes);
  if (!bad) return DecodedText{std::string(bytes), "UTF-8"};
  std::string message =
      "invalid UTF-8 byte sequence: " + std::string(kSaveAsUtf8) + " (" + std::string(kEncodings) + ")";
  // A file of more malformed bytes than UTF-8 sequences that reads as GB18030: the likely case
  // on Chinese Windows, shown as it would read so that a person can tell (a damaged UTF-8 file has
  // mostly well-formed sequences; a Western one fails to read as GB18030 or reads as nonsense).
  const auto [sequences, malformed] = utf8_sequences(bytes);
  if (name.empty() && sequences < malformed) {
    MOAT_TRY(const Converted gb, convert(bytes, "GB18030"));
    if (gb.text) {
      MOAT_TRY(const Converted before, convert(bytes.substr(0, *bad), "GB18030"));
      const std::size_t at = before.text ? before.text->size() : 0;
      message = "not UTF-8; it reads as GB18030 (GBK: Excel's \"CSV\" on Chinese Windows), line " +
                std::to_string(position_of(*gb.text, at).line) + " as \"" + line_at(*gb.text, at) +
                "\": if that is right, import it with --encoding gb18030; else " + std::string(kSaveAsUtf8);
    }
  }
  return Error(ErrorCode::kInput, where(bytes, *bad, file), message);
}

}  // namespace moat
