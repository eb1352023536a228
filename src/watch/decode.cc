// SPDX-License-Identifier: Apache-2.0
// One reader per format, each from the format's reference library; every reader checks the
// picture's size before allocating its pixels and returns 8-bit BGR.
#include "watch/decode.h"
#include "watch/watch.h"

#include <jpeglib.h>
#include <png.h>
#include <stb_image.h>
#include <tiffio.h>
#include <webp/decode.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <csetjmp>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace moat::watch {
namespace {

constexpr std::uint64_t kMaxPixels = 100'000'000;

Error damaged(std::string_view format, const std::string& why) {
  return input_error("", "a " + std::string(format) + " picture that cannot be decoded: " + why);
}

Result<void> check_size(std::string_view format, std::uint64_t width, std::uint64_t height) {
  if (width == 0 || height == 0) return damaged(format, "it has no pixels");
  if (width * height > kMaxPixels) {
    return input_error("", "a " + std::string(format) + " picture of " + std::to_string(width) + " x " +
                               std::to_string(height) + " pixels, more than the 100 megapixels accepted");
  }
  return {};
}

// --- JPEG -------------------------------------------------------------------------------------

// libjpeg reports a fatal error through error_exit, which must not return: it jumps back to
// the decoder's frame, whose only locals are the library's own structures.
struct JpegErrors {
  jpeg_error_mgr manager;
  std::jmp_buf back;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_fail(j_common_ptr info) {
  auto* errors = reinterpret_cast<JpegErrors*>(info->err);
  info->err->format_message(info, errors->message);
  std::longjmp(errors->back, 1);
}

void jpeg_ignore(j_common_ptr, int) {}  // warnings (a truncated file's grey rows) are not fatal

std::uint16_t read16(const std::uint8_t* p, bool big_endian) {
  return big_endian ? static_cast<std::uint16_t>(p[0] << 8 | p[1])
                    : static_cast<std::uint16_t>(p[1] << 8 | p[0]);
}

std::uint32_t read32(const std::uint8_t* p, bool big_endian) {
  return big_endian ? (std::uint32_t{read16(p, true)} << 16 | read16(p + 2, true))
                    : (std::uint32_t{read16(p + 2, false)} << 16 | read16(p, false));
}

// The EXIF orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment: 1 (as stored) to 8.
int exif_orientation(const std::uint8_t* data, std::size_t size) {
  if (size < 14 || std::memcmp(data, "Exif\0\0", 6) != 0) return 1;
  const std::uint8_t* tiff = data + 6;
  const std::size_t length = size - 6;
  const bool big = tiff[0] == 'M' && tiff[1] == 'M';
  if (!big && !(tiff[0] == 'I' && tiff[1] == 'I')) return 1;
  const std::uint32_t ifd = read32(tiff + 4, big);
  if (ifd > length || length - ifd < 2) return 1;
  const std::uint16_t entries = read16(tiff + ifd, big);
  for (std::size_t i = 0; i < entries; ++i) {
    const std::size_t at = ifd + 2 + 12 * i;
    if (at + 12 > length) break;
    if (read16(tiff + at, big) == 0x0112) {
      const int value = read16(tiff + at + 8, big);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

// The picture as a viewer shows it, given its EXIF orientation (the same turns as OpenCV's).
cv::Mat oriented(cv::Mat image, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2:
      cv::flip(image, out, 1);
      return out;
    case 3:
      cv::flip(image, out, -1);
      return out;
    case 4:
      cv::flip(image, out, 0);
      return out;
    case 5:
      cv::transpose(image, out);
      return out;
    case 6:
      cv::transpose(image, out);
      cv::flip(out, out, 1);
      return out;
    case 7:
      cv::transpose(image, out);
      cv::flip(out, out, -1);
      return out;
    case 8:
      cv::transpose(image, out);
      cv::flip(out, out, 0);
      return out;
    default:
      return image;
  }
}

struct JpegOutcome {
  std::string error;  // empty when decoded
  bool too_large = false;
  int width = 0, height = 0, orientation = 1;
};

// Fills `pixels` (BGR rows) and `outcome`. Only the library's structures live in this frame
// across the setjmp; the pixels are the caller's.
void read_jpeg(std::string_view bytes, std::vector<std::uint8_t>& pixels, JpegOutcome& outcome) {
  jpeg_decompress_struct info;
  JpegErrors errors;
  info.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpeg_fail;
  errors.manager.emit_message = jpeg_ignore;
  if (setjmp(errors.back) != 0) {
    outcome.error = errors.message;
    jpeg_destroy_decompress(&info);
    return;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_save_markers(&info, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&info, TRUE);
  for (jpeg_saved_marker_ptr m = info.marker_list; m != nullptr; m = m->next) {
    if (m->marker == JPEG_APP0 + 1) outcome.orientation = exif_orientation(m->data, m->data_length);
  }
  const bool cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
  info.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGR;
  jpeg_start_decompress(&info);
  if (std::uint64_t{info.output_width} * info.output_height > kMaxPixels) {
    outcome.too_large = true;
    outcome.width = static_cast<int>(info.output_width);
    outcome.height = static_cast<int>(info.output_height);
    jpeg_destroy_decompress(&info);
    return;
  }
  const std::size_t stride =
      std::size_t{info.output_width} * static_cast<std::size_t>(info.output_components);
  pixels.resize(stride * info.output_height);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = pixels.data() + stride * info.output_scanline;
    jpeg_read_scanlines(&info, &row, 1);
  }
  outcome.width = static_cast<int>(info.output_width);
  outcome.height = static_cast<int>(info.output_height);
  if (cmyk) {
    // Each colour is the light its ink leaves times the light the black leaves; Adobe writes
    // the channels inverted (255 is no ink).
    const bool inverted = info.saw_Adobe_marker;
    std::vector<std::uint8_t> bgr(std::size_t{info.output_width} * info.output_height * 3);
    for (std::size_t i = 0, o = 0; i < pixels.size(); i += 4, o += 3) {
      const auto light = [&](std::size_t k) {
        return inverted ? int{pixels[i + k]} : 255 - int{pixels[i + k]};
      };
      const int black = light(3);
      bgr[o] = static_cast<std::uint8_t>(light(2) * black / 255);
      bgr[o + 1] = static_cast<std::uint8_t>(light(1) * black / 255);
      bgr[o + 2] = static_cast<std::uint8_t>(light(0) * black / 255);
    }
    pixels.swap(bgr);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
}

Result<cv::Mat> decode_jpeg(std::string_view bytes) {
  std::vector<std::uint8_t> pixels;
  JpegOutcome outcome;
  read_jpeg(bytes, pixels, outcome);
  if (!outcome.error.empty()) return damaged("JPEG", outcome.error);
  MOAT_CHECK(check_size("JPEG", static_cast<std::uint64_t>(outcome.width),
                        static_cast<std::uint64_t>(outcome.height)));
  const cv::Mat view(outcome.height, outcome.width, CV_8UC3, pixels.data());
  return oriented(view.clone(), outcome.orientation);
}

// --- PNG --------------------------------------------------------------------------------------

Result<cv::Mat> decode_png(std::string_view bytes) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) {
    return damaged("PNG", image.message);
  }
  if (auto size = check_size("PNG", image.width, image.height); !size.ok()) {
    png_image_free(&image);
    return size.error();
  }
  // The colour under any transparency, as a decoder that drops the alpha channel gives it.
  image.format = PNG_FORMAT_BGRA;
  cv::Mat bgra(static_cast<int>(image.height), static_cast<int>(image.width), CV_8UC4);
  if (png_image_finish_read(&image, nullptr, bgra.data, static_cast<png_int_32>(bgra.step[0]), nullptr) ==
      0) {
    const std::string why = image.message;
    png_image_free(&image);
    return damaged("PNG", why);
  }
  cv::Mat bgr;
  cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
  return bgr;
}

// --- WebP -------------------------------------------------------------------------------------

Result<cv::Mat> decode_webp(std::string_view bytes) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  int width = 0, height = 0;
  if (WebPGetInfo(data, bytes.size(), &width, &height) == 0)
    return damaged("WebP", "its header is not valid");
  MOAT_CHECK(check_size("WebP", static_cast<std::uint64_t>(width), static_cast<std::uint64_t>(height)));
  cv::Mat bgr(height, width, CV_8UC3);
  if (WebPDecodeBGRInto(data, bytes.size(), bgr.data, bgr.total() * 3, static_cast<int>(bgr.step[0])) ==
      nullptr) {
    return damaged("WebP", "its data is damaged or truncated");
  }
  return bgr;
}

// --- TIFF -------------------------------------------------------------------------------------

struct TiffSource {
  std::string_view bytes;
  toff_t at = 0;
};

tsize_t tiff_read(thandle_t handle, tdata_t buffer, tsize_t size) {
  auto* source = static_cast<TiffSource*>(handle);
  if (source->at >= source->bytes.size() || size <= 0) return 0;
  const auto n = std::min<std::size_t>(static_cast<std::size_t>(size), source->bytes.size() - source->at);
  std::memcpy(buffer, source->bytes.data() + source->at, n);
  source->at += n;
  return static_cast<tsize_t>(n);
}

tsize_t tiff_write(thandle_t, tdata_t, tsize_t) {
  return 0;
}

toff_t tiff_seek(thandle_t handle, toff_t offset, int whence) {
  auto* source = static_cast<TiffSource*>(handle);
  const toff_t base = whence == SEEK_CUR ? source->at : whence == SEEK_END ? source->bytes.size() : 0;
  source->at = base + offset;
  return source->at;
}

int tiff_close(thandle_t) {
  return 0;
}
toff_t tiff_size(thandle_t handle) {
  return static_cast<TiffSource*>(handle)->bytes.size();
}
int tiff_map(thandle_t, tdata_t*, toff_t*) {
  return 0;
}
void tiff_unmap(thandle_t, tdata_t, toff_t) {}

// libtiff reports through process-wide handlers; the last message of this thread is kept.
thread_local std::string tiff_message;
[[gnu::format(printf, 2, 0)]] void tiff_error(const char*, const char* format, va_list arguments) {
  char text[512];
  std::vsnprintf(text, sizeof text, format, arguments);
  tiff_message = text;
}

Result<cv::Mat> decode_tiff(std::string_view bytes) {
  TIFFSetErrorHandler(tiff_error);
  TIFFSetWarningHandler(nullptr);
  tiff_message.clear();
  TiffSource source{bytes};
  TIFF* tiff = TIFFClientOpen("picture", "rm", &source, tiff_read, tiff_write, tiff_seek, tiff_close,
                              tiff_size, tiff_map, tiff_unmap);
  if (tiff == nullptr)
    return damaged("TIFF", tiff_message.empty() ? "its header is not valid" : tiff_message);
  std::uint32_t width = 0, height = 0;
  TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height);
  if (auto size = check_size("TIFF", width, height); !size.ok()) {
    TIFFClose(tiff);
    return size.error();
  }
  cv::Mat rgba(static_cast<int>(height), static_cast<int>(width), CV_8UC4);
  const int read = TIFFReadRGBAImageOriented(tiff, width, height, reinterpret_cast<std::uint32_t*>(rgba.data),
                                             ORIENTATION_TOPLEFT, 0);
  TIFFClose(tiff);
  if (read == 0) return damaged("TIFF", tiff_message.empty() ? "its data cannot be read" : tiff_message);
  cv::Mat bgr;
  cv::cvtColor(rgba, bgr, cv::COLOR_RGBA2BGR);  // libtiff packs R first in memory
  return bgr;
}

// --- BMP and GIF ------------------------------------------------------------------------------

Result<cv::Mat> decode_with_stb(std::string_view format, std::string_view bytes) {
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int length = static_cast<int>(std::min<std::size_t>(bytes.size(), INT32_MAX));
  int width = 0, height = 0, channels = 0;
  if (stbi_info_from_memory(data, length, &width, &height, &channels) == 0) {
    return damaged(format, stbi_failure_reason());
  }
  MOAT_CHECK(check_size(format, static_cast<std::uint64_t>(width), static_cast<std::uint64_t>(height)));
  stbi_uc* rgb = stbi_load_from_memory(data, length, &width, &height, &channels, 3);
  if (rgb == nullptr) return damaged(format, stbi_failure_reason());
  cv::Mat bgr;
  cv::cvtColor(cv::Mat(height, width, CV_8UC3, rgb), bgr, cv::COLOR_RGB2BGR);
  stbi_image_free(rgb);
  return bgr;
}

}  // namespace

Result<cv::Mat> decode_image(std::string_view bytes) {
  if (bytes.empty()) return input_error("", "the image is empty");
  const std::string_view type = image_media_type(bytes);
  if (type == "image/jpeg") return decode_jpeg(bytes);
  if (type == "image/png") return decode_png(bytes);
  if (type == "image/webp") return decode_webp(bytes);
  if (type == "image/gif") return decode_with_stb("GIF", bytes);
  if (type == "image/bmp") return decode_with_stb("BMP", bytes);
  if (type == "image/tiff") return decode_tiff(bytes);
  return input_error("", "not a picture moat can read (" + std::string(kImageFormats) + " expected)");
}

}  // namespace moat::watch
