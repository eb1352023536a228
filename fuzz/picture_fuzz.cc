// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the picture decoder the counterfeit watch runs on a listing's photos (files
// from a marketplace: JPEG with EXIF, PNG, WebP, TIFF, BMP, GIF). Any input must give pixels or an
// error of the input — never a crash, a sanitizer report, an internal fault or a picture larger
// than the decoder's stated bound.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "watch/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto picture = moat::watch::decode_image(bytes);
  if (!picture.ok()) {
    if (picture.error().code() == moat::ErrorCode::kInternal) std::abort();
    return 0;
  }
  const cv::Mat& pixels = picture.value();
  if (pixels.empty() || pixels.type() != CV_8UC3 || pixels.total() > 100'000'000) std::abort();
  return 0;
}
