// SPDX-License-Identifier: Apache-2.0
#include "watch_corpus.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <map>
#include <random>

namespace moat::bench {
namespace {

using Random = std::mt19937;

constexpr double kPriceFloor = 42.0;

int pick(Random& random, int n) {
  return static_cast<int>(random() % static_cast<unsigned>(n));
}
double uniform(Random& random, double low, double high) {
  return std::uniform_real_distribution<double>(low, high)(random);
}
template <typename T>
const T& any_of(Random& random, const std::vector<T>& items) {
  return items[static_cast<std::size_t>(pick(random, static_cast<int>(items.size())))];
}

// ---- Pictures ------------------------------------------------------------------------------

cv::Scalar colour(Random& random) {
  return cv::Scalar(pick(random, 256), pick(random, 256), pick(random, 256));
}

// A product shot: a gradient studio ground, a device (a cylinder, a box or a disc) with a few
// details, a label word and sometimes a second object; every choice from `random`.
cv::Mat product_picture(Random& random, const std::string& label) {
  const int width = 400 + pick(random, 240);
  const int height = 400 + pick(random, 160);
  cv::Mat image(height, width, CV_8UC3);
  const cv::Scalar top = colour(random), bottom = colour(random);
  for (int y = 0; y < height; ++y) {
    const double t = static_cast<double>(y) / height;
    image.row(y).setTo(top * (1 - t) + bottom * t);
  }
  const cv::Point centre(width / 2 + pick(random, 80) - 40, height / 2 + pick(random, 60) - 30);
  const int w = width / 4 + pick(random, width / 5), h = height / 3 + pick(random, height / 4);
  const cv::Scalar body = colour(random);
  switch (pick(random, 3)) {
    case 0:
      cv::rectangle(image, cv::Rect(centre.x - w / 2, centre.y - h / 2, w, h), body, cv::FILLED);
      cv::ellipse(image, cv::Point(centre.x, centre.y - h / 2), cv::Size(w / 2, w / 8), 0, 0, 360, body * 0.8,
                  cv::FILLED);
      break;
    case 1:
      cv::rectangle(image, cv::Rect(centre.x - w / 2, centre.y - h / 2, w, h), body, cv::FILLED);
      cv::rectangle(image, cv::Rect(centre.x - w / 2, centre.y - h / 2, w, h), body * 0.5, 6);
      break;
    default:
      cv::circle(image, centre, std::min(w, h) / 2 + 20, body, cv::FILLED);
  }
  for (int i = 0; i < 2 + pick(random, 4); ++i) {
    const cv::Point at(centre.x - w / 3 + pick(random, std::max(1, 2 * w / 3)),
                       centre.y - h / 3 + pick(random, std::max(1, 2 * h / 3)));
    cv::circle(image, at, 4 + pick(random, 18), colour(random), cv::FILLED);
  }
  if (pick(random, 2) == 0) {
    const cv::Point at(pick(random, width), pick(random, height));
    cv::rectangle(image, cv::Rect(at.x, at.y, 40 + pick(random, 80), 40 + pick(random, 80)), colour(random),
                  cv::FILLED);
  }
  cv::putText(image, label, cv::Point(centre.x - w / 2 + 10, centre.y + h / 2 - 20), cv::FONT_HERSHEY_DUPLEX,
              0.8 + uniform(random, 0, 0.8), colour(random), 2);
  return image;
}

std::string encode(const cv::Mat& image, const std::string& extension, int quality) {
  std::vector<std::uint8_t> bytes;
  cv::imencode(extension, image, bytes,
               {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_WEBP_QUALITY, quality});
  return {bytes.begin(), bytes.end()};
}

// A copy of a product picture as a counterfeiter's listing shows it: one to three of resizing,
// cropping (up to 20% of each side's length in all), mirroring and a colour shift, then saved
// as JPEG (quality 30-90), PNG or WebP. Says what was done, in short ("crop+mirror") and in full.
struct Disguise {
  std::string bytes;
  std::string kind;
  std::string detail;
};

Disguise disguised_picture(Random& random, const cv::Mat& original) {
  cv::Mat image = original.clone();
  std::string how, kind;
  const auto note = [&](const std::string& what) { how += (how.empty() ? "" : ", ") + what; };
  const auto step = [&](const std::string& what) { kind += (kind.empty() ? "" : "+") + what; };
  const int steps = pick(random, 7);
  if (steps & 1 || steps == 0) {
    const double keep_x = uniform(random, 0.8, 1.0), keep_y = uniform(random, 0.8, 1.0);
    const int w = static_cast<int>(keep_x * image.cols), h = static_cast<int>(keep_y * image.rows);
    const cv::Rect r(pick(random, image.cols - w + 1), pick(random, image.rows - h + 1), w, h);
    image = image(r).clone();
    step("crop");
    note("cropped to " + std::to_string(static_cast<int>(keep_x * 100)) + "% x " +
         std::to_string(static_cast<int>(keep_y * 100)) + "%");
  }
  if (steps & 2) {
    cv::flip(image, image, 1);
    step("mirror");
    note("mirrored");
  }
  if (steps & 4) {
    cv::Mat hsv;
    cv::cvtColor(image, hsv, cv::COLOR_BGR2HSV);
    const int hue = 5 + pick(random, 25);
    const int light = pick(random, 50) - 25;
    for (auto it = hsv.begin<cv::Vec3b>(); it != hsv.end<cv::Vec3b>(); ++it) {
      (*it)[0] = static_cast<std::uint8_t>(((*it)[0] + hue) % 180);
      (*it)[2] = cv::saturate_cast<std::uint8_t>((*it)[2] + light);
    }
    cv::cvtColor(hsv, image, cv::COLOR_HSV2BGR);
    step("colour");
    note("colour shifted by " + std::to_string(hue * 2) + " degrees");
  }
  const double scale = uniform(random, 0.3, 1.6);
  cv::resize(image, image, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  note("resized x" + std::to_string(scale).substr(0, 4));
  const int format = pick(random, 4);
  const int quality = 30 + pick(random, 61);
  if (format == 3) {
    note("PNG");
    return {encode(image, ".png", 0), kind, how};
  }
  note((format == 2 ? "WebP q" : "JPEG q") + std::to_string(quality));
  return {encode(image, format == 2 ? ".webp" : ".jpg", quality), kind, how};
}

// ---- Text ----------------------------------------------------------------------------------

// Look-alikes a counterfeiter swaps in, by the letter they imitate.
const std::map<char, std::vector<std::string>>& homoglyphs() {
  static const std::map<char, std::vector<std::string>> table = {
      {'A', {"А", "Α", "Ａ"}},     {'O', {"0", "О", "Ο", "Ｏ"}},
      {'R', {"Ｒ", "Ꭱ"}},          {'U', {"Ｕ", "Ս"}},
      {'I', {"1", "l", "І", "Ι"}}, {'E', {"Е", "Ε"}},
      {'M', {"М", "Μ"}},           {'T', {"Т", "Τ"}}};
  return table;
}

std::string with_homoglyphs(Random& random, const std::string& word) {
  std::string out;
  bool changed = false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const auto found = homoglyphs().find(word[i]);
    if (found != homoglyphs().end() && (pick(random, 2) == 0 || (!changed && i + 1 == word.size()))) {
      out += any_of(random, found->second);
      changed = true;
    } else {
      out.push_back(word[i]);
    }
  }
  if (!changed) out = "А" + word.substr(1);  // Cyrillic A
  return out;
}

std::string spaced(Random& random, const std::string& word) {
  static const std::vector<std::string> separators = {" ", ".", "-", "·", "_", "  ", "*"};
  const std::string separator = any_of(random, separators);
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) out += (i > 0 ? separator : "") + word.substr(i, 1);
  return out;
}

std::string cased(Random& random, const std::string& word) {
  std::string out = word;
  for (char& c : out) {
    if (pick(random, 2) == 0) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string full_width(const std::string& word) {
  std::string out;
  for (const char c : word) {
    const char32_t wide = 0xFF00 + static_cast<char32_t>(c - 0x20);
    out += static_cast<char>(0xEF);
    out += static_cast<char>(0xBC + ((wide >> 6) & 0x3F) - 0x3C);
    out += static_cast<char>(0x80 | (wide & 0x3F));
  }
  return out;
}

const std::vector<std::string> kGoods = {"smart speaker",
                                         "wireless speaker",
                                         "Bluetooth speaker",
                                         "WiFi speaker 360 sound",
                                         "voice assistant speaker",
                                         "home audio",
                                         "portable speaker",
                                         "desk lamp",
                                         "phone case",
                                         "USB-C charger",
                                         "power bank 20000mAh",
                                         "earbuds",
                                         "LED strip",
                                         "smart plug",
                                         "router",
                                         "webcam 1080p",
                                         "kitchen scale",
                                         "water bottle"};
const std::vector<std::string> kChineseGoods = {"智能音箱",  "蓝牙音箱",   "无线音响", "家用音响",
                                                "360度环绕", "激光投影仪", "台灯",     "充电宝",
                                                "手机壳",    "路由器",     "智能插座"};
const std::vector<std::string> kTraditionalGoods = {"智能音箱", "藍牙音響", "無線音響", "環繞聲", "家用音響"};
const std::vector<std::string> kSellerWords = {"factory direct", "wholesale",     "OEM",          "hot sale",
                                               "2024 new",       "free shipping", "high quality", "厂家直销",
                                               "批发",           "新款"};
// Words near the marks that must not be taken for them.
const std::vector<std::string> kNearMisses = {
    "Aurore", "Aura",  "Auroville",   "aurum",   "Borealis", "Northern lights", "激光",  "极简",    "光极",
    "Jigsaw", "Jiang", "Aurum audio", "Ji Gang", "AU-3600",  "AU-36",           "auror", "A-U-R-O", "极速"};

std::string goods(Random& random) {
  return any_of(random, pick(random, 3) == 0 ? kChineseGoods : kGoods);
}

std::string title_around(Random& random, const std::string& core) {
  std::string title = pick(random, 3) == 0 ? any_of(random, kSellerWords) + " " : "";
  if (pick(random, 2) == 0) return title + core + " " + goods(random);
  return title + goods(random) + " " + core;
}

struct TextCopy {
  std::string title;
  std::string variation;
};

TextCopy text_copy(Random& random) {
  switch (pick(random, 10)) {
    case 0:
      return {title_around(random, "AURORA"), "exact"};
    case 1:
      return {title_around(random, cased(random, "AURORA")), "case"};
    case 2:
      return {title_around(random, full_width("AURORA")), "full-width"};
    case 3:
      return {title_around(random, with_homoglyphs(random, "AURORA")), "homoglyph"};
    case 4:
      return {title_around(random, spaced(random, pick(random, 2) ? "AURORA" : "Aurora")), "spacing"};
    case 5:
      return {title_around(random, with_homoglyphs(random, spaced(random, "AURORA"))), "homoglyph + spacing"};
    case 6: {
      static const std::vector<std::string> traditional = {"極光", "極光牌", "【極光】"};
      return {any_of(random, traditional) + any_of(random, kTraditionalGoods), "Traditional"};
    }
    case 7: {
      static const std::vector<std::string> spoken = {"Jiguang",  "Ji Guang", "JIGUANG",
                                                      "jí guāng", "Jí-Guāng", "ji guang"};
      return {title_around(random, any_of(random, spoken)), "pinyin"};
    }
    case 8:
      return {"极光" + any_of(random, kChineseGoods), "Chinese mark"};
    default: {
      static const std::vector<std::string> models = {"AU-360", "AU 360", "au360", "AU‐360", "ＡＵ-３６０"};
      return {title_around(random, any_of(random, models)), "model"};
    }
  }
}

std::string unrelated_title(Random& random) {
  std::string title = title_around(random, pick(random, 3) == 0 ? any_of(random, kNearMisses) : "");
  if (pick(random, 4) == 0) title += " " + any_of(random, kChineseGoods);
  return title;
}

std::optional<double> price(Random& random) {
  if (pick(random, 5) == 0) return std::nullopt;
  return uniform(random, 8, 90);
}

}  // namespace

Corpus generate_corpus(std::uint32_t seed, int copies, int unrelated) {
  Random random(seed);
  Corpus corpus;
  CorpusProduct aurora;
  aurora.product.id = "aurora";
  aurora.product.marks = {{"IP07", "AURORA"}, {"IP08", "极光"}};
  aurora.product.models = {{"model-au360", "AU-360"}};
  aurora.product.price_floor = kPriceFloor;
  std::vector<cv::Mat> references;
  for (int i = 0; i < 3; ++i) {
    references.push_back(product_picture(random, "AURORA"));
    aurora.product.images.push_back({"aurora-ref-" + std::to_string(i + 1), {}});
    aurora.image_bytes.push_back(encode(references.back(), ".png", 0));
  }
  corpus.products.push_back(std::move(aurora));

  for (int i = 0; i < copies; ++i) {
    CorpusListing l;
    l.copies = "aurora";
    const int kind = pick(random, 3);  // text, picture, both
    std::string copied;
    if (kind != 1) {
      TextCopy t = text_copy(random);
      l.listing.title = std::move(t.title);
      l.variation = t.variation;
    } else {
      l.listing.title = title_around(random, "");
    }
    if (kind != 0) {
      Disguise d = disguised_picture(random, any_of(random, references));
      copied = d.bytes;
      l.image_bytes.push_back(std::move(d.bytes));
      l.variation += (l.variation.empty() ? "" : " + ") + std::string("image ") + d.kind;
      l.detail = d.detail;
    }
    if (pick(random, 2) == 0) l.image_bytes.push_back(encode(product_picture(random, "SPEAKER"), ".jpg", 80));
    if (!l.image_bytes.empty() && pick(random, 2) == 0)
      std::swap(l.image_bytes.front(), l.image_bytes.back());
    if (kind != 0) {
      l.copied_image = 0;
      while (l.image_bytes[static_cast<std::size_t>(l.copied_image)] != copied) ++l.copied_image;
    }
    l.listing.price = price(random);
    corpus.listings.push_back(std::move(l));
  }
  for (int i = 0; i < unrelated; ++i) {
    CorpusListing l;
    l.listing.title = unrelated_title(random);
    l.listing.description = pick(random, 2) == 0 ? "" : any_of(random, kSellerWords) + " " + goods(random);
    for (int k = 0; k < 1 + pick(random, 2); ++k) {
      static const std::vector<std::string> labels = {"SPEAKER", "AUDIO", "SOUND", "LAMP", "HOME", ""};
      l.image_bytes.push_back(encode(product_picture(random, any_of(random, labels)), ".jpg", 85));
    }
    l.listing.price = price(random);
    l.variation = "unrelated";
    corpus.listings.push_back(std::move(l));
  }
  std::shuffle(corpus.listings.begin(), corpus.listings.end(), random);
  for (std::size_t i = 0; i < corpus.listings.size(); ++i)
    corpus.listings[i].listing.id = "L" + std::to_string(i + 1);
  return corpus;
}

}  // namespace moat::bench
