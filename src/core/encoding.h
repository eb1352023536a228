// SPDX-License-Identifier: Apache-2.0
// The encodings users' spreadsheets write text files in, read into UTF-8: what every reader of a
// user's CSV or JSON file starts with. Excel's "CSV" on Chinese Windows writes GBK (code page 936),
// its "Unicode text" UTF-16 with a byte-order mark. Pure (glibc's iconv converts).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace moat {

struct DecodedText {
  std::string text;                     // UTF-8, without a byte-order mark
  std::string_view encoding = "UTF-8";  // or "UTF-16LE", "UTF-16BE", "GB18030"
};

// `bytes` as UTF-8. With no encoding declared: UTF-8 (a byte-order mark dropped) as it is, UTF-16
// with its byte-order mark converted; anything else refused at the line and column of its first
// malformed byte, saying how to save the file as UTF-8 — and, when the file reads as GB18030 (of
// which GBK and GB 2312 are parts: Excel's "CSV" on Chinese Windows), quoting the first line that
// differs as it would read so and naming --encoding gb18030. GB18030 is never taken unasked: a
// Korean (EUC-KR), Japanese (Shift-JIS) or Big5 file reads as GB18030 too, as Chinese characters
// that say nothing. `declared` ("utf-8", "gb18030" or its parts "gbk", "gb2312", "cp936",
// "utf-16le", "utf-16be"; any case): the file read as that, refused at its first malformed
// sequence. Errors (kInput) name `file`, line and column.
Result<DecodedText> decode_text(std::string_view bytes, std::string_view file,
                                std::string_view declared = {});

// The encodings decode_text knows, for a flag's help and its message.
inline constexpr std::string_view kEncodings = "utf-8, gb18030 (or gbk), utf-16le, utf-16be";

}  // namespace moat
