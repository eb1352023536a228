// SPDX-License-Identifier: Apache-2.0
// The format readers against OpenCV's imgcodecs, which decodes the same formats (and which the
// engine no longer links): the same pixels for every format both read, the same turn for a
// JPEG's EXIF orientation; a GIF (which imgcodecs cannot read) against its known pixels.
#include "watch/decode.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <random>
#include <string>
#include <vector>

#include "watch/watch.h"

namespace moat::watch {
namespace {

cv::Mat noise_and_shapes(int width, int height, unsigned seed) {
  std::mt19937 random(seed);
  cv::Mat image(height, width, CV_8UC3);
  cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(image, image, cv::Size(9, 9), 3);
  cv::circle(image, cv::Point(width / 3, height / 2), height / 4, cv::Scalar(30, 200, 90), cv::FILLED);
  cv::rectangle(image, cv::Rect(width / 2, height / 5, width / 4, height / 3), cv::Scalar(220, 40, 10),
                cv::FILLED);
  return image;
}

std::string encoded(const cv::Mat& image, const std::string& extension, std::vector<int> parameters = {}) {
  std::vector<std::uint8_t> bytes;
  EXPECT_TRUE(cv::imencode(extension, image, bytes, parameters)) << extension;
  return {bytes.begin(), bytes.end()};
}

double largest_difference(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return 1e9;
  double largest = 0;
  cv::Mat difference;
  cv::absdiff(a, b, difference);
  cv::minMaxLoc(difference.reshape(1), nullptr, &largest);
  return largest;
}

cv::Mat decoded(const std::string& bytes) {
  Result<cv::Mat> image = decode_image(bytes);
  EXPECT_TRUE(image.ok()) << (image.ok() ? "" : image.error().to_string());
  return image.ok() ? *image : cv::Mat();
}

cv::Mat by_opencv(const std::string& bytes) {
  return cv::imdecode(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), cv::IMREAD_COLOR);
}

TEST(DecodeImage, GivesOpenCvsPixelsForEveryFormatBothRead) {
  const cv::Mat image = noise_and_shapes(241, 163, 1);  // odd sides: strides and chroma subsampling
  cv::Mat grey;
  cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"png", encoded(image, ".png")},
      {"grey png", encoded(grey, ".png")},
      {"jpeg", encoded(image, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 85})},
      {"progressive jpeg", encoded(image, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1})},
      {"grey jpeg", encoded(grey, ".jpg")},
      {"lossless webp", encoded(image, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101})},
      {"lossy webp", encoded(image, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80})},
      {"tiff", encoded(image, ".tiff")},
      {"bmp", encoded(image, ".bmp")},
  };
  for (const auto& [name, bytes] : files) {
    const cv::Mat ours = decoded(bytes);
    const cv::Mat theirs = by_opencv(bytes);
    ASSERT_FALSE(theirs.empty()) << name;
    EXPECT_EQ(ours.size(), theirs.size()) << name;
    // Lossy decoders may round differently by a level; a wrong channel order or row stride
    // differs by far more.
    EXPECT_LE(largest_difference(ours, theirs), 2) << name;
  }
}

// A JPEG with an APP1 Exif segment (big-endian TIFF, one IFD0 entry: Orientation) inserted
// after its start-of-image marker.
std::string with_orientation(const std::string& jpeg, int orientation) {
  std::string exif("Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\0\0\0\0\0\0\0", 32);
  exif[25] = static_cast<char>(orientation);  // the entry's value, a big-endian SHORT
  const std::size_t length = exif.size() + 2;
  std::string segment = "\xFF\xE1";
  segment += static_cast<char>(length >> 8);
  segment += static_cast<char>(length & 0xFF);
  return jpeg.substr(0, 2) + segment + exif + jpeg.substr(2);
}

TEST(DecodeImage, TurnsAJpegAsItsExifOrientationSays) {
  const std::string plain = encoded(noise_and_shapes(120, 80, 2), ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95});
  const cv::Mat upright = decoded(plain);
  for (int orientation = 1; orientation <= 8; ++orientation) {
    const std::string turned = with_orientation(plain, orientation);
    const cv::Mat ours = decoded(turned);
    const cv::Mat theirs = by_opencv(turned);
    const bool sideways = orientation >= 5;
    EXPECT_EQ(ours.cols, sideways ? upright.rows : upright.cols) << orientation;
    EXPECT_EQ(largest_difference(ours, theirs), 0) << orientation;
  }
  EXPECT_EQ(largest_difference(decoded(with_orientation(plain, 3)),
                               [&] {
                                 cv::Mat flipped;
                                 cv::flip(upright, flipped, -1);
                                 return flipped;
                               }()),
            0);
}

TEST(DecodeImage, ReadsAGifsFirstFrame) {
  // 2 x 1 pixels, a global colour table of red and blue, the pixels red then blue.
  const std::string gif(
      "GIF89a\x02\0\x01\0\x80\0\0\xFF\0\0\0\0\xFF,\0\0\0\0\x02\0\x01\0\0\x02\x02\x44\x0A\0;", 35);
  ASSERT_EQ(image_media_type(gif), "image/gif");
  const cv::Mat image = decoded(gif);
  ASSERT_EQ(image.size(), cv::Size(2, 1));
  EXPECT_EQ(image.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(image.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 0, 0));
}

TEST(DecodeImage, RefusesDamagedAndOversizedPicturesSayingWhich) {
  const cv::Mat image = noise_and_shapes(64, 48, 3);
  const std::string webp = encoded(image, ".webp");
  const std::string tiff = encoded(image, ".tiff");
  // A BMP header declaring 20,000 x 20,000 pixels with no pixel data behind it.
  std::string huge("BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\x20\x4E\0\0\x20\x4E\0\0\x01\0\x18\0", 30);
  huge.resize(54, '\0');
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"a WebP cut short", webp.substr(0, webp.size() / 2), "WebP"},
      {"a TIFF cut short", tiff.substr(0, 40), "TIFF"},
      {"a GIF header alone", std::string("GIF89a\x02\0\x01\0", 10), "GIF"},
      {"an oversized BMP", huge, "100 megapixels"},
      {"a PDF", "%PDF-1.7\n", "JPEG, PNG, WebP, GIF, BMP or TIFF"},
  };
  for (const auto& [name, bytes, said] : cases) {
    const Result<cv::Mat> result = decode_image(bytes);
    ASSERT_FALSE(result.ok()) << name;
    EXPECT_EQ(result.error().code(), ErrorCode::kInput) << name;
    EXPECT_NE(result.error().message().find(said), std::string::npos)
        << name << ": " << result.error().message();
  }
}

}  // namespace
}  // namespace moat::watch
