// SPDX-License-Identifier: Apache-2.0
// Decoding a listing's picture into 8-bit BGR pixels, each format by its own reference library
// (libjpeg-turbo, libpng, libwebp, libtiff; stb_image for BMP and GIF), told from the bytes'
// signature. OpenCV's imgcodecs decodes the same formats but loads some 140 shared libraries
// (GDAL, GDCM, HEIF, ...) into every process that links it, which made starting any moat
// command cost 0.1 s of CPU (docs/decisions/0015-watch-matching.md).
//
// A JPEG's EXIF orientation is applied, as phones record it and as viewers show the picture.
// Transparency is dropped (the colour under it is kept); a GIF gives its first frame.
#pragma once

#include <opencv2/core.hpp>

#include <string_view>

#include "core/result.h"

namespace moat::watch {

// The picture, or an input error saying which format it was taken for and what is wrong.
// Pictures above 100 megapixels are refused before their pixels are allocated.
Result<cv::Mat> decode_image(std::string_view bytes);

}  // namespace moat::watch
