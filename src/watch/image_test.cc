// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <random>

#include "watch/image_hash.h"
#include "watch/watch.h"

namespace moat::watch {
namespace {

// A product-like picture: a gradient ground, a few filled shapes and a word, all from `seed`.
cv::Mat picture(unsigned seed) {
  std::mt19937 random(seed);
  const auto any = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  cv::Mat image(360, 480, CV_8UC3);
  const cv::Scalar from(any(256), any(256), any(256));
  const cv::Scalar to(any(256), any(256), any(256));
  for (int y = 0; y < image.rows; ++y) {
    const double t = static_cast<double>(y) / image.rows;
    image.row(y).setTo(from * (1 - t) + to * t);
  }
  for (int i = 0; i < 5; ++i) {
    const cv::Scalar colour(any(256), any(256), any(256));
    const cv::Point centre(any(image.cols), any(image.rows));
    if (i % 2 == 0) {
      cv::circle(image, centre, 20 + any(80), colour, cv::FILLED);
    } else {
      cv::rectangle(image, cv::Rect(centre.x - 60, centre.y - 40, 40 + any(120), 30 + any(90)), colour,
                    cv::FILLED);
    }
  }
  const std::string word = "MODEL " + std::to_string(seed);
  cv::putText(image, word, cv::Point(20 + any(100), 60 + any(250)), cv::FONT_HERSHEY_DUPLEX, 1.5,
              cv::Scalar(any(256), any(256), any(256)), 3);
  return image;
}

std::string encode(const cv::Mat& image, const std::string& extension = ".png", int jpeg_quality = 90) {
  std::vector<std::uint8_t> bytes;
  cv::imencode(extension, image, bytes, {cv::IMWRITE_JPEG_QUALITY, jpeg_quality});
  return {bytes.begin(), bytes.end()};
}

Fingerprint fingerprint_of(const cv::Mat& image, const std::string& extension = ".png",
                           int jpeg_quality = 90) {
  Result<Fingerprint> f = fingerprint(encode(image, extension, jpeg_quality));
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().to_string());
  return f.ok() ? *f : Fingerprint{};
}

cv::Mat resized(const cv::Mat& image, double factor) {
  cv::Mat out;
  cv::resize(image, out, cv::Size(), factor, factor, cv::INTER_AREA);
  return out;
}

cv::Mat cropped(const cv::Mat& image, double left, double top, double keep_x, double keep_y) {
  const cv::Rect r(static_cast<int>(left * image.cols), static_cast<int>(top * image.rows),
                   static_cast<int>(keep_x * image.cols), static_cast<int>(keep_y * image.rows));
  return image(r).clone();
}

cv::Mat mirrored(const cv::Mat& image) {
  cv::Mat out;
  cv::flip(image, out, 1);
  return out;
}

// Hue turned by `hue` (OpenCV's 0..180 scale) and brightness raised by `light`.
cv::Mat colour_shifted(const cv::Mat& image, int hue, int light) {
  cv::Mat hsv;
  cv::cvtColor(image, hsv, cv::COLOR_BGR2HSV);
  for (auto it = hsv.begin<cv::Vec3b>(); it != hsv.end<cv::Vec3b>(); ++it) {
    (*it)[0] = static_cast<std::uint8_t>(((*it)[0] + hue) % 180);
    (*it)[2] = cv::saturate_cast<std::uint8_t>((*it)[2] + light);
  }
  cv::Mat out;
  cv::cvtColor(hsv, out, cv::COLOR_HSV2BGR);
  return out;
}

struct Variant {
  std::string name;
  cv::Mat image;
  std::string extension = ".png";
  int quality = 90;
};

std::vector<Variant> variants_of(const cv::Mat& original) {
  return {
      {"half size", resized(original, 0.5)},
      {"double size", resized(original, 2.0)},
      {"JPEG quality 30", original, ".jpg", 30},
      {"cropped 20% from the left", cropped(original, 0.2, 0.0, 0.8, 1.0)},
      {"cropped 10% on every side", cropped(original, 0.1, 0.1, 0.8, 0.8)},
      {"cropped 15% top and right", cropped(original, 0.0, 0.15, 0.85, 0.85)},
      {"mirrored", mirrored(original)},
      {"mirrored, cropped and recompressed", cropped(mirrored(original), 0.1, 0.05, 0.85, 0.9), ".jpg", 50},
      {"colour shifted", colour_shifted(original, 20, 25)},
      {"WebP", original, ".webp", 80},
  };
}

TEST(ImageFingerprint, SurvivesResizingCroppingRecompressionMirroringAndColourShifts) {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    const cv::Mat original = picture(seed);
    const Fingerprint reference = fingerprint_of(original);
    for (const Variant& v : variants_of(original)) {
      const Fingerprint f = fingerprint_of(v.image, v.extension, v.quality);
      const double s = similarity(reference, f);
      EXPECT_GE(s, kDefaultImageThreshold) << "picture " << seed << ", " << v.name;
      EXPECT_DOUBLE_EQ(s, similarity(f, reference)) << "symmetric";
    }
  }
}

TEST(ImageFingerprint, TellsUnrelatedPicturesApart) {
  std::vector<Fingerprint> prints;
  for (unsigned seed = 100; seed < 120; ++seed) prints.push_back(fingerprint_of(picture(seed)));
  for (std::size_t i = 0; i < prints.size(); ++i) {
    EXPECT_GT(similarity(prints[i], prints[i]), 0.95);
    for (std::size_t j = i + 1; j < prints.size(); ++j) {
      EXPECT_LT(similarity(prints[i], prints[j]), kDefaultImageThreshold) << i << " vs " << j;
    }
  }
}

TEST(ImageFingerprint, RefusesBytesThatAreNotAnImage) {
  const std::string png = encode(picture(7));
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"empty", ""},
      {"text", "this is not an image"},
      {"a PNG cut short", png.substr(0, png.size() / 3)},
      {"a PNG header alone", png.substr(0, 16)},
  };
  for (const auto& [name, bytes] : broken) {
    const Result<Fingerprint> f = fingerprint(bytes);
    ASSERT_FALSE(f.ok()) << name;
    EXPECT_EQ(f.error().code(), ErrorCode::kInput) << name;
    EXPECT_FALSE(f.error().message().empty()) << name;
  }
}

TEST(ImageFingerprint, RoundTripsThroughText) {
  const Fingerprint f = fingerprint_of(picture(8));
  const Result<Fingerprint> back = from_text(to_text(f));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->bits, f.bits);
  std::string text = to_text(f);
  EXPECT_FALSE(from_text("").ok());
  EXPECT_FALSE(from_text(text.substr(0, text.size() - 2)).ok());
  text[text.size() - 1] = 'g';
  EXPECT_FALSE(from_text(text).ok());
  EXPECT_EQ(from_text("nonsense").error().code(), ErrorCode::kInput);
}

TEST(ImageMatch, MakesAnImageReasonAndAHit) {
  const cv::Mat original = picture(9);
  Product product{"aurora", {}, {}, {{"fig-1", fingerprint_of(original)}}, std::nullopt};
  Listing listing{"L1",
                  "wireless speaker",
                  "",
                  std::nullopt,
                  {fingerprint_of(picture(10)),
                   fingerprint_of(cropped(mirrored(original), 0.1, 0.1, 0.85, 0.85), ".jpg", 60)}};
  const std::vector<Hit> hits = match(listing, {product});
  ASSERT_EQ(hits.size(), 1u);
  ASSERT_EQ(hits[0].reasons.size(), 1u);
  EXPECT_EQ(hits[0].reasons[0].kind, ReasonKind::kImage);
  EXPECT_EQ(hits[0].reasons[0].reference, "fig-1");
  EXPECT_NE(hits[0].reasons[0].detail.find("listing image 2"), std::string::npos)
      << hits[0].reasons[0].detail;
  EXPECT_NE(hits[0].reasons[0].detail.find("mirrored"), std::string::npos) << hits[0].reasons[0].detail;
  EXPECT_TRUE(match(listing, {product}, {.image = 0.999, .hit = 0}).empty())
      << "a caller's stricter threshold";
  listing.images.pop_back();
  EXPECT_TRUE(match(listing, {product}).empty());
}

}  // namespace
}  // namespace moat::watch
