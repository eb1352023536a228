// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>

#include "watch/watch.h"

namespace moat::watch {
namespace {

Product aurora() {
  Product p;
  p.id = "aurora";
  p.marks = {{"IP07", "AURORA"}, {"IP08", "极光"}};
  p.models = {{"M1", "AU-360"}};
  p.price_floor = 40.0;
  return p;
}

Listing listing(std::string title, std::string description = "", std::optional<double> price = std::nullopt) {
  return {"L1", std::move(title), std::move(description), price, {}};
}

std::optional<Reason> reason_for(const Listing& l, std::string_view reference) {
  const std::vector<Hit> hits = match(l, {aurora()});
  if (hits.empty()) return std::nullopt;
  for (const Reason& r : hits.front().reasons) {
    if (r.reference == reference) return r;
  }
  return std::nullopt;
}

struct Case {
  std::string title;
  std::string reference;
  std::string how;  // a word the detail must hold
};

TEST(Match, FindsMarksHoweverTheyAreDisguised) {
  const std::vector<Case> cases = {
      {"AURORA smart speaker", "IP07", "exact"},
      {"Aurora smart speaker", "IP07", "case"},
      {"ＡＵＲＯＲＡ 智能音箱", "IP07", "full-width"},
      {"AUR0RA smart speaker", "IP07", "homoglyph"},
      {"Аurora smart speaker", "IP07", "homoglyph"},
      {"A U R O R A smart speaker", "IP07", "spacing"},
      {"A.U.R.O.R.A speaker", "IP07", "spacing"},
      {"極光 智能音箱", "IP08", "Traditional"},
      {"极光智能音箱 360度", "IP08", "exact"},
      {"Jiguang smart speaker", "IP08", "pinyin"},
      {"Ji Guang smart speaker", "IP08", "pinyin"},
      {"JÍ GUĀNG speaker", "IP08", "pinyin"},
      {"ji2 guang1 speaker", "IP08", "pinyin"},
      {"Ji2Guang1", "IP08", "pinyin"},
      {"「極光」藍牙音響", "IP08", "Traditional"},
      {"极 光 音箱", "IP08", "spacing"},
      {"Smart speaker AU 360", "M1", "'AU 360'"},
      {"Smart speaker AU-360", "M1", "exact"},
      {"极光AURORA音箱", "IP07", "exact"},
      {"AURORA2 speaker", "IP07", "exact"},
      {"SmartAurora speaker", "IP07", "case"},
  };
  for (const Case& c : cases) {
    const std::optional<Reason> r = reason_for(listing(c.title), c.reference);
    ASSERT_TRUE(r) << c.title;
    EXPECT_NE(r->detail.find(c.how), std::string::npos) << c.title << ": " << r->detail;
    EXPECT_GT(r->score, 0.5) << c.title;
    EXPECT_LE(r->score, 1.0) << c.title;
  }
}

TEST(Match, QuotesNumberedPinyinAsTheListingWroteIt) {
  // The tone numbers are dropped to compare, not from the quote.
  for (const std::string title : {"ji2 guang1 speaker", "Ji2Guang1", "speaker ji2 guang1"}) {
    const std::optional<Reason> r = reason_for(listing(title), "IP08");
    ASSERT_TRUE(r) << title;
    const std::string quoted =
        "'" + title.substr(title.find_first_of("jJ"), title.find('1') + 1 - title.find_first_of("jJ")) + "'";
    EXPECT_TRUE(r->detail.starts_with(quoted)) << title << ": " << r->detail;
  }
}

TEST(Match, FindsAMarkFollowedByATradeMarkSign) {
  // NFKC spells ™ as the letters "TM": the sign must not make the mark run into a longer word.
  for (const char* title : {"AURORA™ 智能音箱", "AURORA℠ speaker", "AURORA№1 speaker", "AU-360™ 音箱"}) {
    const std::vector<Hit> hits = match(listing(title), {aurora()});
    ASSERT_FALSE(hits.empty()) << title;
    EXPECT_NE(hits.front().reasons.front().detail.find("exact"), std::string::npos)
        << title << ": " << hits.front().reasons.front().detail;
  }
  EXPECT_TRUE(reason_for(listing("ⒶⓊⓇⓄⓇⒶ speaker"), "IP07")) << "circled letters are still letters";
}

TEST(Match, ScoresAnExactMarkAboveADisguisedOne) {
  const double exact = reason_for(listing("AURORA speaker"), "IP07")->score;
  const double homoglyph = reason_for(listing("AUR0RA speaker"), "IP07")->score;
  const double spaced = reason_for(listing("A U R 0 R A speaker"), "IP07")->score;
  EXPECT_GT(exact, homoglyph);
  EXPECT_GT(homoglyph, spaced);
}

TEST(Match, DoesNotFindAShortMarkInsideOtherWords) {
  Product p;
  p.id = "mt";
  p.marks = {{"T1", "MT"}};
  EXPECT_TRUE(match(listing("smart team bluetooth"), {p}).empty());
  EXPECT_TRUE(match(listing("Summit speaker"), {p}).empty());
  EXPECT_TRUE(match(listing("M T speaker"), {p}).empty());
  EXPECT_FALSE(match(listing("MT speaker"), {p}).empty());
  EXPECT_FALSE(match(listing("speaker (MT)"), {p}).empty());
}

TEST(Match, DoesNotFindUnrelatedListings) {
  EXPECT_TRUE(match(listing("Bluetooth speaker waterproof", "激光 投影仪"), {aurora()}).empty());
  EXPECT_TRUE(match(listing("Aurore lamp"), {aurora()}).empty());
  EXPECT_TRUE(match(listing("AU-3600 adapter"), {aurora()}).empty());
}

TEST(Match, KeepsAMarkInsideAWordBelowAHitUnlessThePriceIsLow) {
  EXPECT_TRUE(match(listing("Borealisaurora lamp"), {aurora()}).empty());
  const std::vector<Hit> hits = match(listing("Borealisaurora lamp", "", 10.0), {aurora()});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].reasons.size(), 2u);
}

TEST(Match, AMarkRunningIntoALongerWordIsAHitOnlyWithASecondReason) {
  for (const char* title : {"AURORAS speaker", "Auroraspeaker bluetooth"}) {
    EXPECT_TRUE(match(listing(title), {aurora()}).empty()) << title;
    const std::vector<Hit> cheap = match(listing(title, "", 10.0), {aurora()});
    ASSERT_EQ(cheap.size(), 1u) << title;
    ASSERT_EQ(cheap[0].reasons.size(), 2u);
    EXPECT_NE(cheap[0].reasons[0].detail.find("runs into a longer word"), std::string::npos)
        << cheap[0].reasons[0].detail;
    EXPECT_TRUE(cheap[0].reasons[0].weak);
  }
  const std::vector<Hit> with_model = match(listing("Auroraspeaker AU-360"), {aurora()});
  ASSERT_EQ(with_model.size(), 1u);
  EXPECT_EQ(with_model[0].reasons.size(), 2u);
}

TEST(Match, APriceAloneIsNotAHit) {
  EXPECT_TRUE(match(listing("Bluetooth speaker", "", 1.0), {aurora()}).empty());
}

TEST(Match, ALowPriceStrengthensAMark) {
  const std::vector<Hit> plain = match(listing("AUR0RA speaker", "", 50.0), {aurora()});
  const std::vector<Hit> cheap = match(listing("AUR0RA speaker", "", 12.0), {aurora()});
  ASSERT_EQ(plain.size(), 1u);
  ASSERT_EQ(cheap.size(), 1u);
  EXPECT_GT(cheap[0].score, plain[0].score);
  EXPECT_EQ(cheap[0].reasons.back().kind, ReasonKind::kPrice);
  EXPECT_NE(cheap[0].reasons.back().detail.find("70% below"), std::string::npos)
      << cheap[0].reasons.back().detail;
}

TEST(Match, FindsAMarkInTheDescriptionWithALowerScore) {
  const double title = reason_for(listing("AURORA speaker"), "IP07")->score;
  const std::optional<Reason> description = reason_for(listing("speaker", "compatible with AURORA"), "IP07");
  ASSERT_TRUE(description);
  EXPECT_LT(description->score, title);
  EXPECT_NE(description->detail.find("in description"), std::string::npos);
}

TEST(Match, NamesReasonKinds) {
  EXPECT_EQ(reason_name(ReasonKind::kMark), "mark");
  EXPECT_EQ(reason_name(ReasonKind::kModel), "model");
  EXPECT_EQ(reason_name(ReasonKind::kImage), "image");
  EXPECT_EQ(reason_name(ReasonKind::kPrice), "price");
}

// A mark protects the goods of its classes: a listing whose title names only goods of other classes
// (a vacuum cleaner, a tour, a plush toy under a class 9 speaker mark) and whose description none of
// the mark's is still a hit, ranked below the copies of the mark's goods and saying why; a copy
// whose title names its speaker beside everyday words (travel, gift, lamp light, a watch), or names
// it in the description only, keeps its full score; and a mark registered for no class in
// particular covers any goods.
TEST(Match, AMarkInAListingOfOtherGoodsRanksBelowCopiesOfItsGoods) {
  Product speaker = aurora();
  for (TextReference& mark : speaker.marks) mark.classes = {9};
  speaker.price_floor.reset();
  const double copy = match(listing("AURORA 智能音箱"), {speaker}).front().score;
  for (const std::string title : {"AURORA 奥罗拉 无线吸尘器", "北极光 冰岛 旅游团 极光",
                                  "Aurora World Plush Toy", "Aurora Borealis Galaxy Projector Night Light"}) {
    const std::vector<Hit> hits = match(listing(title), {speaker});
    ASSERT_EQ(hits.size(), 1U) << title << ": still a hit";
    EXPECT_LT(hits.front().score, copy) << title;
    EXPECT_TRUE(hits.front().reasons.front().other_goods) << title;
    EXPECT_LT(hits.front().score, match(listing(title), {aurora()}).front().score)
        << title << ": a mark of no class";
  }
  for (const std::string title :
       {"极光 蓝牙音箱 户外旅游", "AURORA 360 Wireless Sound Box with Lamp Light Effects, Travel Gift",
        "AURORA 360 Smart Sound Tower for Phone and Watch", "极光 低音炮 咖啡色", "极光 车载 低音炮 汽车用品",
        "极光 同款 圆柱 小钢炮 送礼 台灯 氛围"}) {
    const std::vector<Hit> hits = match(listing(title), {speaker});
    ASSERT_EQ(hits.size(), 1U) << title;
    EXPECT_FALSE(hits.front().reasons.front().other_goods) << title;
  }
  const std::vector<Hit> described =
      match(listing("AURORA 吸尘器 同款", "Bluetooth speaker, 蓝牙音箱"), {speaker});
  ASSERT_EQ(described.size(), 1U);
  EXPECT_FALSE(described.front().reasons.front().other_goods) << "the description names a speaker";
  const Reason& vacuum = match(listing("AURORA 无线吸尘器"), {speaker}).front().reasons.front();
  EXPECT_NE(vacuum.detail.find("class 7"), std::string::npos) << vacuum.detail;
}

}  // namespace
}  // namespace moat::watch
