// SPDX-License-Identifier: Apache-2.0
// The encodings users' spreadsheets write text files in, read into UTF-8: what every reader of a
// user's CSV or JSON file starts with. Excel's "CSV" on Chinese Windows writes GBK (code page 936),
// its "Unicode text" UTF-16 with a byte-order mark; both are taken as they are, the rest refused at
// the first malformed byte with how to save the file as UTF-8. Pure (glibc's iconv converts).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace moat {

struct DecodedText {
  std::string text;                     // UTF-8, without a byte-order mark
  std::string_view encoding = "UTF-8";  // or "UTF-16LE", "UTF-16BE", "GB18030"
};

// `bytes` as UTF-8. UTF-8 (a byte-order mark dropped) as it is; UTF-16 with its byte-order mark
// converted; other bytes as GB18030 (of which GBK and GB 2312 are parts) when they read as such in
// whole: no malformed sequence, every two-byte character's second byte above 0x7F (a Western
// file's "ü" before a letter reads as a rare GBK character: refused rather than misread), and
// fewer well-formed UTF-8 sequences in it than malformed ones (a UTF-8 file damaged in a place is
// refused at that place, not read as GBK). Errors (kInput) name `file`, line and column.
Result<DecodedText> decode_text(std::string_view bytes, std::string_view file);

}  // namespace moat
