// SPDX-License-Identifier: Apache-2.0
// The counterfeit watch over the Aurora demo, on every backend: the demo's copy on Taobao is found
// by its mark and photos, confirmed, traced to the suppliers in its seller's city and packaged for
// Alibaba's IP protection platform with its evidence; malformed listing files and broken images
// are refused at their place and change nothing; a pending right is not usable on a platform; a
// complaint's state keeps its dates and a relisting raises a flag.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "app/blobs.h"
#include "app/demo.h"
#include "app/demo_testing.h"
#include "app/legal.h"
#include "app/red_flags.h"
#include "app/watch.h"
#include "app/watch_complaints.h"
#include "app/watch_matching.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

using nlohmann::json;

constexpr const char* kHeader =
    "platform,url,listing_id,title,description,price,currency,min_order,seller,store_url,seller_location,"
    "images,"
    "captured_at,captured_by\n";

class WatchTest : public DemoTest {
 protected:
  WatchTest() : DemoTest("analyst") {}
  void SetUp() override {
    DemoTest::SetUp();
    if (HasFatalFailure()) return;
    watch_ = std::move(demo_->watch);
  }

  Date today() const { return *Date::parse(session_.now().substr(0, 10)); }

  std::int64_t events() {
    auto count = workspace_->store().event_count();
    EXPECT_TRUE(count.ok());
    return count.ok() ? *count : -1;
  }

  std::size_t listings() {
    auto all = list_listings(*workspace_);
    EXPECT_TRUE(all.ok());
    return all.ok() ? all->size() : 0;
  }

  // Imports `text` as `name`; expects a refusal whose first problem is at `where` and that nothing changed.
  void expect_refused(const std::string& name, const std::string& text, const std::string& where,
                      std::map<std::string, std::string> images = {}) {
    const std::int64_t before = events();
    const std::size_t listed = listings();
    ListingImport request{{{name, text}}, {}, std::move(images)};
    auto imported = import_listings(*workspace_, session_, std::move(request));
    ASSERT_FALSE(imported.ok()) << name;
    EXPECT_EQ(imported.error().code(), ErrorCode::kInput);
    EXPECT_EQ(imported.error().where(), where) << imported.error().to_string();
    EXPECT_EQ(events(), before) << "a refused import wrote to the ledger";
    EXPECT_EQ(listings(), listed) << "a refused import recorded listings";
  }

  static std::string png_of(const char* name) {
    std::ifstream in(testing::source_dir() / "examples/aurora/watch" / name, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  // The demo's complaint holds its confirmed hit: withdrawn, to draft the hit again.
  void withdraw_demo_complaint() {
    ASSERT_FALSE(watch_.packages.complaints.empty());
    auto withdrawn = set_complaint_status(*workspace_, session_, watch_.packages.complaints.front().id,
                                          {"withdrawn", std::nullopt, "", "drafted again"}, today());
    ASSERT_TRUE(withdrawn.ok()) << withdrawn.error().to_string();
  }

  DemoWatch watch_;
};

TEST_P(WatchTest, DemoCopyIsFoundByItsMarkAndPhotos) {
  const auto copy = std::find_if(watch_.imported.hits.begin(), watch_.imported.hits.end(),
                                 [](const HitView& h) { return h.listing.platform == "taobao"; });
  ASSERT_NE(copy, watch_.imported.hits.end());
  const auto has = [&](const std::string& kind) {
    return std::any_of(copy->reasons.begin(), copy->reasons.end(),
                       [&](const ReasonView& r) { return r.kind == kind; });
  };
  EXPECT_TRUE(has("mark"));
  EXPECT_TRUE(has("image"));
  EXPECT_TRUE(std::any_of(copy->rights.begin(), copy->rights.end(),
                          [](const RightView& r) { return r.id == "IP07"; }));
  const bool lamp = std::any_of(watch_.imported.hits.begin(), watch_.imported.hits.end(),
                                [](const HitView& h) { return h.listing.platform == "amazon"; });
  EXPECT_FALSE(lamp) << "the desk lamp is not a copy of the speaker";
}

TEST_P(WatchTest, ConfirmedCopyRaisesAFlagOnAHolderInTheSellersCity) {
  ASSERT_EQ(watch_.confirmed.hit.status, "confirmed");
  EXPECT_EQ(watch_.confirmed.hit.decided_by, "analyst");
  ASSERT_FALSE(watch_.confirmed.flags.empty());
  auto flags = recorded_flags(*workspace_);
  ASSERT_TRUE(flags.ok());
  for (const Flag& f : *flags) {
    if (f.rule != "counterfeit-traced") continue;
    EXPECT_EQ(f.cause, "hit/" + watch_.confirmed.hit.id);
    EXPECT_TRUE(f.subject.starts_with("supplier/")) << f.subject;
  }
}

TEST_P(WatchTest, PackageForAlibabaIsReadyWithItsEvidence) {
  ASSERT_EQ(watch_.packages.complaints.size(), 1U);
  const ComplaintView& complaint = watch_.packages.complaints.front();
  EXPECT_TRUE(complaint.ready) << (complaint.missing.empty() ? "" : complaint.missing.front());
  EXPECT_EQ(complaint.status, "drafted");
  EXPECT_EQ(complaint.rights, std::vector<std::string>{"IP07"});
  std::ifstream in(std::filesystem::path(complaint.folder) / "complaint.json");
  const json fields = json::parse(in);
  EXPECT_EQ(fields["programme"], "Alibaba IP Protection Platform (IPP)");
  ASSERT_EQ(fields["links"].size(), 1U);
  EXPECT_EQ(fields["links"][0]["url"], "https://item.taobao.com/item.htm?id=738120457001");
  // The platform passes the notice on to the seller: the hit's picture match is told without the
  // watch's reference id, and its price reason (a floor that is the company's unit cost) not at all.
  const std::string why = fields["links"][0]["why"].get<std::string>();
  EXPECT_NE(why.find("image: listing image 2 ~ the genuine product's photo"), std::string::npos) << why;
  EXPECT_EQ(why.find("WR1"), std::string::npos) << why;
  EXPECT_EQ(why.find("floor"), std::string::npos) << why;
  std::ifstream summary(std::filesystem::path(complaint.folder) / "summary.md");
  std::ostringstream summary_text;
  summary_text << summary.rdbuf();
  EXPECT_EQ(summary_text.str().find("floor"), std::string::npos) << summary_text.str();
  for (const json& evidence : fields["links"][0]["evidence"]) {
    std::ifstream image(std::filesystem::path(complaint.folder) / evidence["file"].get<std::string>(),
                        std::ios::binary);
    std::ostringstream bytes;
    bytes << image.rdbuf();
    EXPECT_EQ(sha256_hex(bytes.str()), evidence["sha256"]) << evidence["file"];
  }
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(complaint.folder) / "summary.md"));
}

TEST_P(WatchTest, PendingMarkIsNotUsableOnAlibabasPlatforms) {
  const auto wholesale = std::find_if(watch_.imported.hits.begin(), watch_.imported.hits.end(),
                                      [](const HitView& h) { return h.listing.platform == "1688"; });
  ASSERT_NE(wholesale, watch_.imported.hits.end());
  ASSERT_TRUE(decide_hit(*workspace_, session_, wholesale->id, "confirmed", "OEM copies", today()).ok());
  auto seen = enforceability(*workspace_, wholesale->id, "1688", today());
  ASSERT_TRUE(seen.ok()) << seen.error().to_string();
  for (const UsableRight& r : seen->rights) {
    if (r.right.id == "IP08") {
      EXPECT_FALSE(r.usable);
      EXPECT_NE(r.why.find("pending"), std::string::npos) << r.why;
    }
    if (r.right.jurisdiction != "CN") {
      EXPECT_FALSE(r.usable) << r.right.id;
    }
  }
}

TEST_P(WatchTest, MalformedFilesAreRefusedAtTheirPlaceAndChangeNothing) {
  expect_refused("bad.csv", std::string(kHeader) + "shopee,https://x.example/1,1,AURORA,,,,,,,,,,\n",
                 "bad.csv:2:1");
  expect_refused("bad.csv", "platform,url,title,colour\ntaobao,https://x.example/1,AURORA,red\n",
                 "bad.csv:1:20");
  expect_refused("bad.csv", "platform,url\ntaobao,https://x.example/1\n", "bad.csv:1:1");
  expect_refused("bad.csv",
                 "platform,url,title,price,currency\ntaobao,https://x.example/1,AURORA,cheap,CNY\n",
                 "bad.csv:2:35");
  expect_refused("bad.csv", "platform,url,title,captured_at\ntaobao,https://x.example/1,AURORA,yesterday\n",
                 "bad.csv:2:35");
  expect_refused("bad.json", R"([{"platform": "taobao", "url": "https://x.example/1", "title": "A"},
                                 {"platform": "taobao", "url": "https://x.example/2", "title": 7}])",
                 "bad.json#/1/title");
  expect_refused("bad.json", R"({"listings": [{"platform": "taobao", "url": "https://x.example/1"}]})",
                 "bad.json#/listings/0");
  expect_refused("bad.json", R"([{"platform": "taobao", "url": "https://x.example/1", "title": "A",)",
                 "bad.json:1:68");
}

TEST_P(WatchTest, ARightHeldBySomeoneElseIsNeitherMatchedNorUsedInAComplaint) {
  IpRightInput other;
  other.kind = "trademark";
  other.jurisdiction = "CN";
  other.title = "极光";
  other.mark = "极光";
  other.nice_classes = {"9"};
  other.registration_number = "70000001";
  other.filed = Date::parse("2024-01-01");
  other.registered = Date::parse("2025-01-01");
  other.owner = "深圳市某某科技有限公司";
  other.products = {watch_.confirmed.hit.product};
  auto added = add_ip_right(*workspace_, session_, other);
  ASSERT_TRUE(added.ok()) << added.error().to_string();
  ASSERT_TRUE(match_listings(*workspace_, session_, today()).ok());
  auto hits = list_hits(*workspace_, "", today());
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  for (const HitView& h : *hits) {
    for (const RightView& r : h.rights) EXPECT_NE(r.id, *added) << h.id << " rests on another's mark";
  }
  auto listed = list_references(*workspace_, today());
  ASSERT_TRUE(listed.ok());
  for (const ProductReferences& p : *listed) {
    for (const RightView& r : p.marks)
      EXPECT_NE(r.id, *added) << "another's mark listed as " << p.product << "'s";
    if (p.product != watch_.confirmed.hit.product) continue;
    // Said not matched, so that the company's own name written otherwise is seen.
    ASSERT_EQ(p.not_matched.size(), 1U);
    EXPECT_EQ(p.not_matched.front().id, *added);
  }
  auto views = watch_internal::right_views(*workspace_, today());
  ASSERT_TRUE(views.ok());
  EXPECT_FALSE(views->at(*added).own);
  for (const RightView& r : watch_.confirmed.hit.rights) EXPECT_TRUE(views->at(r.id).own) << r.id;
}

TEST_P(WatchTest, AnOlderCaptureImportedAfterANewerOneChangesNothing) {
  const auto capture = [&](const std::string& title, const std::string& at) {
    return import_listings(*workspace_, session_,
                           {{{"c.csv",
                              "platform,url,title,price,currency,captured_at\n"
                              "taobao,https://item.taobao.com/item.htm?id=68001," +
                                  title + ",150,CNY," + at + "\n"}},
                            {},
                            {}});
  };
  auto newer = capture("AURORA 智能音箱", "2026-11-10T10:00:00+08:00");
  ASSERT_TRUE(newer.ok()) << newer.error().to_string();
  ASSERT_EQ(newer->added.size(), 1U);
  const std::int64_t before = events();
  // 10:00 in Shenzhen is 02:00 UTC: 01:00Z was captured before it.
  auto older = capture("AURORA 智能音箱 旧", "2026-11-10T01:00:00Z");
  ASSERT_TRUE(older.ok()) << older.error().to_string();
  EXPECT_EQ(older->older, newer->added);
  EXPECT_TRUE(older->updated.empty());
  EXPECT_EQ(events(), before) << "an older capture writes nothing";
  auto listed = list_listings(*workspace_);
  ASSERT_TRUE(listed.ok());
  for (const ListingView& l : *listed) {
    if (l.id == newer->added.front()) {
      EXPECT_EQ(l.title, "AURORA 智能音箱");
    }
  }
  auto later = capture("AURORA 智能音箱 新", "2026-11-10T03:00:00Z");
  ASSERT_TRUE(later.ok()) << later.error().to_string();
  EXPECT_EQ(later->updated, newer->added) << "a later capture still updates it";
  // A day alone may be any time of it, anywhere: older only when it ends before the capture recorded.
  auto same_day = capture("AURORA 智能音箱 日", "2026-11-10");
  ASSERT_TRUE(same_day.ok()) << same_day.error().to_string();
  EXPECT_EQ(same_day->updated, newer->added) << "the same day may be later";
  auto day_before = capture("AURORA 智能音箱 前", "2026-11-07");
  ASSERT_TRUE(day_before.ok()) << day_before.error().to_string();
  EXPECT_EQ(day_before->older, newer->added) << "three days before is older for certain (two may overlap)";
  // An older capture's photo the listing has not seen is still added, as captured then; the
  // listing's fields stay the newer capture's.
  auto with_photo = import_listings(*workspace_, session_,
                                    {{{"p.csv",
                                       "platform,url,title,price,currency,captured_at,images\n"
                                       "taobao,https://item.taobao.com/item.htm?id=68001,AURORA 旧,99,CNY,"
                                       "2026-11-01T10:00:00+08:00,old.png\n"}},
                                     {},
                                     {{"old.png", png_of("tb-7001-main.png")}}});
  ASSERT_TRUE(with_photo.ok()) << with_photo.error().to_string();
  EXPECT_EQ(with_photo->older, newer->added);
  EXPECT_EQ(with_photo->images, 1U);
  auto after = list_listings(*workspace_);
  ASSERT_TRUE(after.ok());
  for (const ListingView& l : *after) {
    if (l.id != newer->added.front()) continue;
    EXPECT_EQ(l.title, "AURORA 智能音箱 日") << "the newer capture's fields stay";
    ASSERT_EQ(l.images.size(), 1U);
    EXPECT_EQ(l.images.front().captured_at, "2026-11-01T10:00:00+08:00");
  }
}

TEST_P(WatchTest, ChineseHeadersAsScrapingToolsWriteThemAreRead) {
  auto imported = import_listings(*workspace_, session_,
                                  {{{"采集.csv",
                                     "平台,链接,标题,价格,币种,卖家,所在地,采集时间\n"
                                     "taobao,https://item.taobao.com/item.htm?id=69001,极光 音箱,88,"
                                     "CNY,某某数码专营店,广东 深圳,2026-11-10\n"}},
                                   {},
                                   {}});
  ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  ASSERT_EQ(imported->added.size(), 1U);
  auto listed = list_listings(*workspace_);
  ASSERT_TRUE(listed.ok());
  for (const ListingView& l : *listed) {
    if (l.id != imported->added.front()) continue;
    EXPECT_EQ(l.title, "极光 音箱");
    EXPECT_EQ(l.seller, "某某数码专营店");
    EXPECT_EQ(l.seller_location, "广东 深圳");
    EXPECT_EQ(l.captured_at, "2026-11-10");
  }
}

TEST_P(WatchTest, APlatformInAnyCaseIsReadInJsonAsInCsv) {
  auto imported = import_listings(
      *workspace_, session_,
      {{{"l.json",
         R"([{"platform": "Taobao", "url": "https://item.taobao.com/item.htm?id=67001", "title": "A"},
                       {"platform": "JD", "url": "https://item.jd.com/67002.html", "title": "B"}])"}},
       {},
       {}});
  ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  ASSERT_EQ(imported->added.size(), 2U);
  auto listed = list_listings(*workspace_);
  ASSERT_TRUE(listed.ok());
  std::set<std::string> platforms;
  for (const ListingView& l : *listed) {
    if (std::find(imported->added.begin(), imported->added.end(), l.id) != imported->added.end())
      platforms.insert(l.platform);
  }
  EXPECT_EQ(platforms, (std::set<std::string>{"taobao", "jd"}));
}

TEST_P(WatchTest, MissingOrBrokenImagesAreRefusedAtTheirCellAndChangeNothing) {
  const std::string row = "platform,url,title,images\ntaobao,https://x.example/1,AURORA,front.png;back.png\n";
  // Not given at all, then given without one of the two, then one cut short.
  expect_refused("l.csv", row, "l.csv:2:35");
  expect_refused("l.csv", row, "l.csv:2:35", {{"front.png", png_of("aurora-front.png")}});
  std::string cut = png_of("tb-7001-main.png");
  cut.resize(cut.size() / 3);
  expect_refused("l.csv", row, "l.csv:2:35", {{"front.png", png_of("aurora-front.png")}, {"back.png", cut}});
  expect_refused("l.csv", row, "l.csv:2:35",
                 {{"front.png", png_of("aurora-front.png")}, {"back.png", "GIF89a not really an image"}});
}

TEST_P(WatchTest, ReimportingAListingCapturesItAgainUnderItsId) {
  const std::string text =
      std::string(kHeader) +
      "taobao,https://item.taobao.com/item.htm?id=738120457001,738120457001,AUR0RA 极光 音箱,,159,"
      "CNY,1,极光音响数码专营店,,广东省东莞市,tb-7001-main.png,2026-11-17T08:00:00+08:00,analyst\n";
  auto imported = import_listings(
      *workspace_, session_, {{{"again.csv", text}}, {}, {{"tb-7001-main.png", png_of("tb-7001-main.png")}}});
  ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  EXPECT_TRUE(imported->added.empty());
  ASSERT_EQ(imported->updated.size(), 1U);
  EXPECT_EQ(imported->images, 0U) << "the same photo is not stored twice";
  auto hits = list_hits(*workspace_, "confirmed", today());
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().status, "confirmed") << "a person's decision survives matching again";
}

TEST_P(WatchTest, ACaptureNamingNoPhotoKeepsThePhotosCapturedBefore) {
  // One word of the title changed, no photo named: the listing keeps both photos, and a package of
  // its confirmed hit carries them as evidence.
  const std::string text =
      std::string(kHeader) +
      "taobao,https://item.taobao.com/item.htm?id=738120457001,738120457001,AUR0RA 极光 360° 智能音箱 "
      "原装同款,,189,CNY,1,极光音响数码专营店,,广东省东莞市,,2026-11-17T08:00:00+08:00,analyst\n";
  auto imported = import_listings(*workspace_, session_, {{{"again.csv", text}}, {}, {}});
  ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  ASSERT_EQ(imported->updated.size(), 1U);
  EXPECT_TRUE(imported->unchanged.empty());
  auto listed = list_listings(*workspace_);
  ASSERT_TRUE(listed.ok());
  const auto l1 =
      std::find_if(listed->begin(), listed->end(), [](const ListingView& l) { return l.id == "L1"; });
  ASSERT_NE(l1, listed->end());
  std::vector<std::string> names;
  for (const auto& image : l1->images) names.push_back(image.name);
  EXPECT_EQ(names, (std::vector<std::string>{"tb-7001-main.png", "tb-7001-box.png"}));
  // A new photo under an old name is added beside it, not in its place.
  const std::string again =
      std::string(kHeader) +
      "taobao,https://item.taobao.com/item.htm?id=738120457001,738120457001,AUR0RA 极光 360° 智能音箱,,"
      "189,CNY,1,极光音响数码专营店,,广东省东莞市,tb-7001-main.png,2026-11-18T08:00:00+08:00,analyst\n";
  imported = import_listings(*workspace_, session_,
                             {{{"again2.csv", again}}, {}, {{"tb-7001-main.png", png_of("amz-lamp.png")}}});
  ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  listed = list_listings(*workspace_);
  ASSERT_TRUE(listed.ok());
  names.clear();
  for (const auto& image : listed->front().images) names.push_back(image.name);
  EXPECT_EQ(names, (std::vector<std::string>{"tb-7001-main.png", "tb-7001-box.png", "tb-7001-main.png (2)"}));
  auto hits = list_hits(*workspace_, "confirmed", today());
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_TRUE(hits->front().listing_changed_at.empty()) << "the photo it was confirmed on is still there";
  withdraw_demo_complaint();
  const auto out = dir_.path() / "takedown-photos";
  auto packages = write_packages(*workspace_, session_, {"taobao", {hits->front().id}, out, ""}, today());
  ASSERT_TRUE(packages.ok()) << packages.error().to_string();
  ASSERT_EQ(packages->complaints.size(), 1U);
  std::ifstream in(std::filesystem::path(packages->complaints.front().folder) / "complaint.json");
  const json fields = json::parse(in);
  EXPECT_EQ(fields["links"][0]["evidence"].size(), 3U) << fields["links"][0].dump();
}

TEST_P(WatchTest, ComplaintStatusKeepsItsDatesAndARelistingRaisesAFlag) {
  const std::string id = watch_.packages.complaints.front().id;
  const Date filed = today();
  ASSERT_TRUE(
      set_complaint_status(*workspace_, session_, id, {"filed", filed, "IPP-2026-114", ""}, today()).ok());
  const Date removed = Date::from_days(filed.days_since_epoch() + 2);
  ASSERT_TRUE(set_complaint_status(*workspace_, session_, id, {"removed", removed, "", ""}, removed).ok());
  const Date back = Date::from_days(filed.days_since_epoch() + 9);
  auto relisted =
      set_complaint_status(*workspace_, session_, id, {"relisted", back, "", "same seller, new link"}, back);
  ASSERT_TRUE(relisted.ok()) << relisted.error().to_string();
  EXPECT_EQ(relisted->filed_on, filed.to_string());
  EXPECT_EQ(relisted->removed_on, removed.to_string());
  EXPECT_EQ(relisted->relisted_on, back.to_string());
  EXPECT_EQ(relisted->platform_reference, "IPP-2026-114");
  auto flags = refresh_flags(*workspace_, session_, back);
  ASSERT_TRUE(flags.ok());
  EXPECT_TRUE(std::any_of(flags->begin(), flags->end(), [&](const Flag& f) {
    return f.rule == "complaint-relisted" && f.subject == "complaint/" + id;
  }));
  auto bad = set_complaint_status(*workspace_, session_, id, {"closed", back, "", ""}, back);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where(), "--status");
  auto late = set_complaint_status(*workspace_, session_, id, {"withdrawn", std::nullopt, "", ""}, back);
  ASSERT_FALSE(late.ok()) << "a relisted complaint is no longer open";
  EXPECT_EQ(late.error().where(), "--status");
}

TEST_P(WatchTest, ComplaintDatesAreNeitherInTheFutureNorOutOfSequence) {
  const std::string id = watch_.packages.complaints.front().id;
  const Date now = today();
  const Date later = Date::from_days(now.days_since_epoch() + 16);
  const auto refused = [&](const ComplaintUpdate& update, const std::string& where) {
    auto set = set_complaint_status(*workspace_, session_, id, update, now);
    ASSERT_FALSE(set.ok()) << update.status;
    EXPECT_EQ(set.error().code(), ErrorCode::kInput);
    EXPECT_EQ(set.error().where(), where) << set.error().to_string();
  };
  refused({"filed", later, "", ""}, "--on");
  refused({"relisted", now, "", ""}, "--status");  // never filed nor removed
  refused({"removed", now, "", ""}, "--status");   // never filed
  ASSERT_TRUE(set_complaint_status(*workspace_, session_, id, {"filed", now, "", ""}, now).ok());
  refused({"relisted", now, "", ""}, "--status");  // filed, not removed
  refused({"removed", later, "", ""}, "--on");
  ASSERT_TRUE(set_complaint_status(*workspace_, session_, id, {"removed", now, "", ""}, now).ok());
  EXPECT_TRUE(set_complaint_status(*workspace_, session_, id, {"relisted", now, "", ""}, now).ok());
}

TEST_P(WatchTest, ComplaintIsNoLongerReadyOnceItsHitIsDismissed) {
  const ComplaintView& drafted = watch_.packages.complaints.front();
  ASSERT_TRUE(drafted.ready);
  const std::string hit = drafted.hits.front();
  ASSERT_TRUE(decide_hit(*workspace_, session_, hit, "dismissed", "authorised reseller", today()).ok());
  auto complaints = list_complaints(*workspace_, today());
  ASSERT_TRUE(complaints.ok()) << complaints.error().to_string();
  EXPECT_FALSE(complaints->front().ready);
  ASSERT_FALSE(complaints->front().missing.empty());
  EXPECT_NE(complaints->front().missing.front().find(hit + " is dismissed"), std::string::npos)
      << complaints->front().missing.front();
}

TEST_P(WatchTest, ComplaintIsNoLongerReadyOnceItsRightEnds) {
  const ComplaintView& drafted = watch_.packages.complaints.front();
  ASSERT_TRUE(drafted.ready);
  const std::string right = drafted.rights.front();
  ASSERT_TRUE(
      add_ip_event(*workspace_, session_, right, "invalidated", today(), "invalidation decision").ok());
  auto complaints = list_complaints(*workspace_, today());
  ASSERT_TRUE(complaints.ok()) << complaints.error().to_string();
  EXPECT_FALSE(complaints->front().ready);
  const std::vector<std::string>& missing = complaints->front().missing;
  EXPECT_TRUE(std::any_of(missing.begin(), missing.end(), [&](const std::string& m) {
    return m.starts_with("a right in force: " + right);
  })) << (missing.empty() ? "nothing missing" : missing.front());
}

TEST_P(WatchTest, ListingThatNoLongerMatchesLeavesNoStaleHit) {
  const auto file = [](const char* title) {
    return std::string("platform,url,listing_id,title,price,currency\n") +
           "taobao,https://item.taobao.com/item.htm?id=555001,555001," + title + " A,100,CNY\n" +
           "taobao,https://item.taobao.com/item.htm?id=555009,555009," + title + " B,100,CNY\n";
  };
  auto first = import_listings(*workspace_, session_, {{{"v1.csv", file("AURORA speaker")}}, {}, {}});
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  ASSERT_EQ(first->hits.size(), 2U);
  const std::string confirmed = first->hits[0].id, undecided = first->hits[1].id;
  ASSERT_TRUE(decide_hit(*workspace_, session_, confirmed, "confirmed", "test buy", today()).ok());

  auto second = import_listings(*workspace_, session_, {{{"v2.csv", file("Generic speaker")}}, {}, {}});
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(second->hits.size(), 2U) << "both hits changed";
  auto gone = find_hit(*workspace_, undecided, today());
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->status, "unmatched");
  EXPECT_TRUE(gone->reasons.empty()) << gone->reasons.front().detail;
  auto kept = find_hit(*workspace_, confirmed, today());
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->status, "confirmed") << "a person's decision stands";
  EXPECT_FALSE(kept->listing_changed_at.empty());
  EXPECT_TRUE(kept->current_reasons.empty());
  // A complaint never quotes 'AURORA' in a title that now reads 'Generic speaker'.
  auto package = write_packages(*workspace_, session_,
                                {"taobao", {confirmed}, dir_.path() / "takedown-changed", ""}, today());
  ASSERT_FALSE(package.ok());
  EXPECT_EQ(package.error().code(), ErrorCode::kInput);
  EXPECT_NE(package.error().message().find("changed since it was confirmed"), std::string::npos)
      << package.error().message();
  EXPECT_FALSE(decide_hit(*workspace_, session_, confirmed, "confirmed", "again", today()).ok())
      << "nothing left to confirm on the current capture";

  // Captured again with the mark: the undecided hit is back, the confirmed one holds again.
  auto third = import_listings(*workspace_, session_, {{{"v3.csv", file("AURORA speaker")}}, {}, {}});
  ASSERT_TRUE(third.ok()) << third.error().to_string();
  EXPECT_EQ(find_hit(*workspace_, undecided, today())->status, "new");
  EXPECT_TRUE(find_hit(*workspace_, confirmed, today())->listing_changed_at.empty());
  auto packaged = write_packages(*workspace_, session_,
                                 {"taobao", {confirmed}, dir_.path() / "takedown-again", ""}, today());
  ASSERT_TRUE(packaged.ok()) << packaged.error().to_string();
  std::ifstream in(std::filesystem::path(packaged->complaints.front().folder) / "summary.md");
  std::ostringstream summary;
  summary << in.rdbuf();
  EXPECT_EQ(summary.str().find("seller:  ()"), std::string::npos) << "no seller was captured";
}

TEST_P(WatchTest, ReferencesLeaveOutEndedRightsAndAreNotRecordedTwice) {
  ReferenceInput input;
  input.product = watch_.confirmed.hit.product;
  input.models = {"AU-999"};
  ASSERT_TRUE(add_references(*workspace_, session_, input).ok());
  ASSERT_TRUE(add_references(*workspace_, session_, input).ok());
  ASSERT_TRUE(
      add_ip_event(*workspace_, session_, "IP07", "invalidated", today(), "invalidation decision").ok());
  auto listed = list_references(*workspace_, today());
  ASSERT_TRUE(listed.ok()) << listed.error().to_string();
  for (const ProductReferences& p : *listed) {
    if (p.product != input.product) continue;
    EXPECT_EQ(std::count_if(p.references.begin(), p.references.end(),
                            [](const ReferenceView& r) { return r.text == "AU-999"; }),
              1);
    EXPECT_FALSE(std::any_of(p.marks.begin(), p.marks.end(), [](const RightView& r) {
      return r.id == "IP07";
    })) << "an ended right is left out";
  }
}

TEST_P(WatchTest, ReimportingAnUnchangedFileWritesNothing) {
  const std::string text =
      "platform,url,title,price,currency\n"
      "taobao,https://item.taobao.com/item.htm?id=555101,AURORA speaker,100,CNY\n"
      "jd,https://item.jd.com/555102.html,Desk lamp,20,CNY\n";
  auto first = import_listings(*workspace_, session_, {{{"l.csv", text}}, {}, {}});
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  auto listed = list_listings(*workspace_);
  ASSERT_TRUE(listed.ok());
  const std::string captured = listed->back().captured_at;
  const std::int64_t before = events();
  auto again = import_listings(*workspace_, session_, {{{"l.csv", text}}, {}, {}});
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_TRUE(again->updated.empty()) << "nothing was updated";
  EXPECT_EQ(again->unchanged.size(), 2U);
  EXPECT_EQ(events(), before) << "an unchanged listing is not captured again";
  EXPECT_EQ(list_listings(*workspace_)->back().captured_at, captured);
}

TEST_P(WatchTest, OneItemUnderOtherUrlsIsOneListing) {
  auto first = import_listings(
      *workspace_, session_,
      {{{"a.csv", "platform,url,title\ntaobao,https://item.taobao.com/item.htm?id=555001,AURORA speaker\n"}},
       {},
       {}});
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  ASSERT_EQ(first->added.size(), 1U);
  auto variant =
      import_listings(*workspace_, session_,
                      {{{"b.csv",
                         "platform,url,title\n"
                         "taobao,HTTP://ITEM.TAOBAO.COM/item.htm?spm=a21n57.1.0.0&id=555001#x,AURORA "
                         "speaker\n"}},
                       {},
                       {}});
  ASSERT_TRUE(variant.ok()) << variant.error().to_string();
  EXPECT_TRUE(variant->added.empty());
  EXPECT_EQ(variant->updated, first->added);
  auto listed = list_listings(*workspace_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->back().url, "HTTP://ITEM.TAOBAO.COM/item.htm?spm=a21n57.1.0.0&id=555001#x")
      << "the URL as captured";
  expect_refused("dup.csv",
                 "platform,url,title\n"
                 "taobao,https://item.taobao.com/item.htm?id=555009,AURORA A\n"
                 "taobao,http://item.taobao.com/item.htm?id=555009&spm=a21n57.1.0.0,AURORA B\n",
                 "dup.csv:3:8");
}

TEST_P(WatchTest, EveryProblemOfAListingsFileIsReportedAtOnce) {
  const std::string text =
      "platform,url,title,price,currency\n"
      "shopee,https://a.taobao.com/1,AURORA,12,CNY\n"
      "taobao,https://a.taobao.com/2,AURORA,12,\n"
      "taobao,ftp://a.taobao.com/3,AURORA,3,CNY\n";
  auto imported = import_listings(*workspace_, session_, {{{"many.csv", text}}, {}, {}});
  ASSERT_FALSE(imported.ok());
  std::vector<std::string> where;
  for (const Diagnostic& d : imported.error().diagnostics()) where.push_back(d.where);
  EXPECT_EQ(where, (std::vector<std::string>{"many.csv:2:1", "many.csv:3:41", "many.csv:4:8"}))
      << imported.error().to_string();
  auto json_file = import_listings(
      *workspace_, session_,
      {{{"f.json", R"([{"platform": "taobao", "url": "https://a.taobao.com/1", "title": "A", "min_order": 2.5,
                       "captured_at": "yesterday"}])"}},
       {},
       {}});
  ASSERT_FALSE(json_file.ok());
  EXPECT_EQ(json_file.error().diagnostics().size(), 2U) << json_file.error().to_string();
}

TEST_P(WatchTest, AKeywordHitIsLabelledKeyword) {
  auto imported = import_listings(
      *workspace_, session_,
      {{{"k.csv", "platform,url,title\njd,https://item.jd.com/1012.html,圆柱 极光音箱\n"}}, {}, {}});
  ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  ASSERT_EQ(imported->hits.size(), 1U);
  std::map<std::string, std::string> kinds;
  for (const ReasonView& r : imported->hits.front().reasons) kinds[r.reference] = r.kind;
  EXPECT_EQ(kinds["WR3"], "keyword") << "WR3 is the keyword 极光音箱";
}

TEST_P(WatchTest, TheSameItemOnAnotherPageOrHostIsOneListing) {
  const auto import = [&](const std::string& platform, const std::string& url) {
    return import_listings(
        *workspace_, session_,
        {{{"u.csv", "platform,url,title\n" + platform + "," + url + ",极光 音箱\n"}}, {}, {}});
  };
  for (const auto& [platform, first, other] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"taobao", "https://item.taobao.com/item.htm?id=66001",
            "https://h5.m.taobao.com/awp/core/detail.htm?id=66001"},
           {"tmall", "https://detail.tmall.com/item.htm?id=66002",
            "https://detail.m.tmall.com/item.htm?id=66002"},
           {"pinduoduo", "https://mobile.yangkeduo.com/goods.html?goods_id=66003",
            "https://mobile.yangkeduo.com/goods2.html?goods_id=66003&_wvx=1"},
           {"1688", "https://detail.1688.com/offer/66004.html",
            "https://m.1688.com/offer/66004.html?spm=a26"},
           {"jd", "https://item.jd.com/66005.html", "https://item.m.jd.com/product/66005.html"},
           {"aliexpress", "https://www.aliexpress.com/item/1005066006.html",
            "https://www.aliexpress.us/item/1005066006.html?gatewayAdapt=glo2usa"},
           {"ebay", "https://www.ebay.com/itm/66007", "https://www.ebay.com/itm/speaker-aurora/66007?hash=x"},
           {"amazon", "https://www.amazon.com/dp/B0AURORA01",
            "https://amazon.com/Aurora-Speaker/dp/b0aurora01/ref=sr_1_1?keywords=aurora"},
           // The same pages as mobile sites, older scripts and other marketplaces' hosts show them.
           {"taobao", "https://item.taobao.com/item.htm?id=66021", "https://world.taobao.com/item/66021.htm"},
           {"1688", "https://detail.1688.com/offer/66024.html",
            "https://detail.m.1688.com/page/index.html?offerId=66024&spm=a2"},
           {"jd", "https://item.jd.com/66025.html", "https://item.m.jd.com/ware/view.action?wareId=66025"},
           {"aliexpress", "https://www.aliexpress.com/item/1005066026.html",
            "https://m.aliexpress.com/i/1005066026.html"},
           {"aliexpress", "https://www.aliexpress.com/item/1005066036.html",
            "https://m.aliexpress.com/item/detail.htm?productId=1005066036"},
           {"ebay", "https://www.ebay.com/itm/66027",
            "https://cgi.ebay.com/ws/eBayISAPI.dll?ViewItem&item=66027"},
           {"amazon", "https://www.amazon.com/dp/B0AURORA03", "https://smile.amazon.com/gp/aw/d/B0AURORA03"},
           {"amazon", "https://www.amazon.com/dp/B0AURORA04",
            "https://www.amazon.com/product-reviews/B0AURORA04/ref=cm_cr"},
           {"taobao", "https://item.taobao.com/item.htm?id=66043", "https://a.m.taobao.com/i66043.htm"},
           {"1688", "https://detail.1688.com/offer/66044.html", "https://detail.1688.com/offer/66044.HTML"},
           {"amazon", "https://www.amazon.com/dp/B0AURORA05",
            "https://www.amazon.com/exec/obidos/ASIN/B0AURORA05/ref=nosim"}}) {
    auto a = import(platform, first);
    ASSERT_TRUE(a.ok()) << a.error().to_string();
    ASSERT_EQ(a->added.size(), 1U) << first;
    auto b = import(platform, other);
    ASSERT_TRUE(b.ok()) << b.error().to_string();
    EXPECT_TRUE(b->added.empty()) << other << " is " << first;
    EXPECT_EQ(b->updated, a->added) << other;
  }
  // Taobao and Tmall are one item-id space: an item captured on either, by either's pages, is one
  // listing (and one complaint).
  for (const auto& [platform, first, other_platform, other] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"taobao", "https://item.taobao.com/item.htm?id=66041", "tmall",
            "https://detail.tmall.com/item.htm?id=66041"},
           {"tmall", "https://detail.tmall.com/item.htm?id=66042", "taobao",
            "https://item.taobao.com/item.htm?id=66042"},
           {"tmall", "https://detail.tmall.com/item.htm?id=66045", "tmall",
            "https://item.taobao.com/item.htm?id=66045&spm=a1"}}) {
    auto a = import(platform, first);
    ASSERT_TRUE(a.ok()) << a.error().to_string();
    ASSERT_EQ(a->added.size(), 1U) << first;
    auto b = import(other_platform, other);
    ASSERT_TRUE(b.ok()) << b.error().to_string();
    EXPECT_TRUE(b->added.empty()) << other << " is " << first;
    EXPECT_EQ(b->updated, a->added) << other;
    auto listed = list_listings(*workspace_);
    ASSERT_TRUE(listed.ok());
    for (const ListingView& l : *listed) {
      if (l.id == a->added.front()) {
        EXPECT_EQ(l.platform, platform) << "the platform first recorded stays";
      }
    }
  }
  // An ASIN is one marketplace's; two JD items are two listings; a look-alike host is another site.
  for (const auto& [platform, first, other] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"amazon", "https://www.amazon.com/dp/B0AURORA02", "https://www.amazon.de/dp/B0AURORA02"},
           {"jd", "https://item.jd.com/66008.html", "https://item.jd.com/66009.html"},
           {"jd", "https://item.jd.com/66010.html", "https://item.jd.com.evil.example/66010.html"},
           {"taobao", "https://item.taobao.com/item.htm?id=66011",
            "https://shop.taobao.evil.cn/item.htm?id=66011"},
           {"aliexpress", "https://www.aliexpress.com/item/1005066012.html",
            "https://www.notaliexpress.com/item/1005066012.html"},
           {"ebay", "https://www.ebay.com/itm/66013", "https://www.ebay.fake.com/itm/66013"},
           {"1688", "https://detail.1688.com/offer/66014.html",
            "https://detail.1688.com.evil.cn/offer/66014.html"},
           {"jd", "https://item.jd.com/66015.html", "https://item.jd.com.evil.example/view?wareId=66015"},
           {"ebay", "https://www.ebay.com/itm/66016", "https://cgi.ebay.com/ws/eBayISAPI.dll?item=66017"}}) {
    auto a = import(platform, first);
    ASSERT_TRUE(a.ok()) << a.error().to_string();
    auto b = import(platform, other);
    ASSERT_TRUE(b.ok()) << b.error().to_string();
    EXPECT_EQ(b->added.size(), 1U) << other << " is not " << first;
  }
}

TEST_P(WatchTest, ACaptureTimeNamesAnInstant) {
  const auto file = [](const std::string& at) {
    return "platform,url,title,captured_at\ntaobao,https://item.taobao.com/item.htm?id=31,x," + at + "\n";
  };
  expect_refused("zone.csv", file("2026-11-17T10:00:00"), "zone.csv:2:49");
  expect_refused("offset.csv", file("2026-11-17T10:00:00+25:00"), "offset.csv:2:49");
  // Not after the import's clock (the tests': 2026-11-18T11:06:40Z), allowing 5 minutes of skew;
  // a day begins first at UTC+14:00, when 2026-11-19 had begun in Kiribati.
  for (const std::string at : {"2099-11-27T10:00:00+08:00", "2026-11-18T11:12:00Z",
                               "2026-11-18T19:20:00+08:00", "2026-11-18T06:20:00-05:00", "2026-11-20"}) {
    expect_refused("future.csv", file(at), "future.csv:2:49");
  }
  for (const std::string at :
       {"2026-11-17", "2026-11-17T10:00:00Z", "2026-11-17T10:00+08:00", "2026-11-17T10:00:00-05:00",
        "2026-11-18T11:10:00Z", "2026-11-18T19:10:00.5+08:00", "2026-11-19"}) {
    auto imported = import_listings(*workspace_, session_, {{{"ok.csv", file(at)}}, {}, {}});
    EXPECT_TRUE(imported.ok()) << at << ": " << imported.error().to_string();
  }
}

TEST_P(WatchTest, AListingIdASpreadsheetWroteInScientificNotationIsRefused) {
  // Excel shows 738120457001 as 7.38120E+11 and saves it so: the id's last digits are gone.
  expect_refused("sci.csv",
                 "platform,url,title,listing_id\ntaobao,https://item.taobao.com/item.htm?id=738120457001,"
                 "极光,7.38120E+11\n",
                 "sci.csv:2:60");
}

TEST_P(WatchTest, ACurrencyIsAnIso4217CodeAndRmbIsCny) {
  // A code that names no currency would leave the price never compared with the floor.
  expect_refused(
      "c.csv", "platform,url,title,price,currency\ntaobao,https://item.taobao.com/item.htm?id=41,x,10,XYZ\n",
      "c.csv:2:52");
  expect_refused("c.json",
                 R"([{"platform": "taobao", "url": "https://item.taobao.com/item.htm?id=42", "title": "x", )"
                 R"("price": 10, "currency": "HRK"}])",
                 "c.json#/0/currency");
  // RMB is how Chinese listings label the yuan: recorded as CNY, and the price compared with the
  // floor (a weak match of the mark at 10 CNY is a hit by the price beside it).
  auto imported = import_listings(*workspace_, session_,
                                  {{{"rmb.csv",
                                     "platform,url,title,price,currency\ntaobao,https://item.taobao.com/"
                                     "item.htm?id=43,AURORAS 音箱,10,RMB\n"}},
                                   {},
                                   {}});
  ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  auto listed = list_listings(*workspace_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->back().currency, "CNY");
  ASSERT_EQ(imported->hits.size(), 1U) << "the price was compared with the floor";
}

TEST_P(WatchTest, AHitIsInOneOpenComplaintAtATime) {
  const std::string hit = watch_.confirmed.hit.id;
  const std::string first = watch_.packages.complaints.front().id;
  const auto package = [&](const char* folder) {
    return write_packages(*workspace_, session_, {"taobao", {hit}, dir_.path() / folder, ""}, today());
  };
  const auto set = [&](const std::string& complaint, const char* status) {
    return set_complaint_status(*workspace_, session_, complaint, {status, std::nullopt, "", ""}, today());
  };
  // Drafted, then filed: a second notice for the same link is refused, naming the complaint.
  for (const char* status : {"drafted", "filed"}) {
    if (std::string(status) == "filed") {
      ASSERT_TRUE(set(first, "filed").ok());
    }
    auto twice = package("takedown-twice");
    ASSERT_FALSE(twice.ok()) << status;
    EXPECT_EQ(twice.error().where(), "--hits");
    EXPECT_NE(twice.error().message().find("in complaint " + first + " (" + status + ")"), std::string::npos)
        << twice.error().message();
  }
  auto all = write_packages(*workspace_, session_, {"taobao", {}, dir_.path() / "takedown-all", ""}, today());
  ASSERT_TRUE(all.ok()) << all.error().to_string();
  EXPECT_TRUE(all->complaints.empty()) << "the hit is held";
  // Withdrawn, it is let go; the withdrawn complaint is not opened again while another holds it.
  auto dated = set_complaint_status(*workspace_, session_, first, {"withdrawn", today(), "", ""}, today());
  ASSERT_FALSE(dated.ok());
  EXPECT_EQ(dated.error().where(), "--on");
  ASSERT_TRUE(set(first, "withdrawn").ok());
  auto again = package("takedown-again");
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  ASSERT_EQ(again->complaints.size(), 1U);
  const std::string second = again->complaints.front().id;
  auto reopened = set(first, "drafted");
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.error().message().find("is in complaint " + second), std::string::npos)
      << reopened.error().message();
  // Removed: done, not withdrawn; the listing back (relisted), a new notice may be drafted.
  ASSERT_TRUE(set(second, "filed").ok());
  ASSERT_TRUE(set(second, "removed").ok());
  auto removed = package("takedown-removed");
  ASSERT_FALSE(removed.ok());
  EXPECT_NE(removed.error().message().find("--status relisted"), std::string::npos)
      << removed.error().message();
  EXPECT_FALSE(set(second, "withdrawn").ok());
  ASSERT_TRUE(set(second, "relisted").ok());
  auto relisted = package("takedown-relisted");
  ASSERT_TRUE(relisted.ok()) << relisted.error().to_string();
  EXPECT_EQ(relisted->complaints.size(), 1U);
}

TEST_P(WatchTest, ATitleOrUrlThatShowsNothingIsRefused) {
  expect_refused("t.csv", "platform,url,title\ntaobao,https://item.taobao.com/item.htm?id=1,\u3000\u3000\n",
                 "t.csv:2:46");
  expect_refused(
      "t.json", R"([{"platform": "taobao", "url": "https://item.taobao.com/item.htm?id=2", "title": "   "}])",
      "t.json#/0/title");
  expect_refused("u.csv", "platform,url,title\ntaobao,https://,x\n", "u.csv:2:8");
  expect_refused("q.csv", "platform,url,title\ntaobao,https://?id=5,x\n", "q.csv:2:8");
}

TEST_P(WatchTest, ADecisionNeedsAReasonThatShowsSomething) {
  const std::string hit = watch_.imported.hits.back().id;
  for (const std::string reason : {"\u3000\u3000", "\u200b", " \u00a0 "}) {
    auto decided = decide_hit(*workspace_, session_, hit, "dismissed", reason, today());
    ASSERT_FALSE(decided.ok()) << "a blank reason";
    EXPECT_EQ(decided.error().where(), "--reason");
  }
  EXPECT_TRUE(decide_hit(*workspace_, session_, hit, "dismissed", "\u3000正品\u3000", today()).ok());
}

TEST_P(WatchTest, ADocumentsLanguageIsATagComparedWithoutCase) {
  const auto poa = dir_.path() / "委托书.pdf";
  std::ofstream(poa) << "%PDF-1.4 power of attorney";
  EnforcementDocumentInput input{"power-of-attorney", poa, "", "chinese", std::nullopt, ""};
  auto refused = add_enforcement_document(*workspace_, session_, input);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().where(), "--language");
  input.language = "ZH";
  ASSERT_TRUE(add_enforcement_document(*workspace_, session_, input).ok());
  withdraw_demo_complaint();
  auto packaged = write_packages(
      *workspace_, session_,
      {"taobao", {watch_.confirmed.hit.id}, dir_.path() / "takedown-agent", "深圳知识产权代理有限公司"},
      today());
  ASSERT_TRUE(packaged.ok()) << packaged.error().to_string();
  ASSERT_EQ(packaged->complaints.size(), 1U);
  EXPECT_TRUE(packaged->complaints.front().missing.empty()) << packaged->complaints.front().missing.front();
}

TEST_P(WatchTest, AReferenceAddedAgainTakesTheRightAndSecretsGiven) {
  ReferenceInput input;
  input.product = watch_.confirmed.hit.product;
  input.image_files = {{"正面图.png", png_of("aurora-front.png")}};
  input.right = "IP02";
  input.secrets = {"S11"};
  auto added = add_references(*workspace_, session_, input);
  ASSERT_TRUE(added.ok()) << added.error().to_string();
  ASSERT_EQ(added->size(), 1U);
  EXPECT_EQ(added->front().id, "WR1") << "the same picture is not recorded twice";
  EXPECT_EQ(added->front().right, "IP02");
  EXPECT_EQ(added->front().secrets, (std::vector<std::string>{"S01", "S11"}));
  input.right = "IP01";
  auto other = add_references(*workspace_, session_, input);
  ASSERT_FALSE(other.ok()) << "a figure of one design is not silently made another's";
  EXPECT_EQ(other.error().where(), "--right");
}

TEST_P(WatchTest, ModelsAndKeywordsAreComparedInTheEnginesForm) {
  ReferenceInput input;
  input.product = watch_.confirmed.hit.product;
  input.models = {"ＡＵ－３６０"};
  input.keywords = {"極光音箱"};
  auto added = add_references(*workspace_, session_, input);
  ASSERT_TRUE(added.ok()) << added.error().to_string();
  ASSERT_EQ(added->size(), 2U);
  EXPECT_EQ(added->at(0).id, "WR2") << "ＡＵ－３６０ is AU-360";
  EXPECT_EQ(added->at(1).id, "WR3") << "極光音箱 is 极光音箱";
  input.models.clear();
  input.keywords = {"！"};
  auto nothing = add_references(*workspace_, session_, input);
  ASSERT_FALSE(nothing.ok()) << "punctuation alone matches nothing";
  EXPECT_EQ(nothing.error().where(), "--keyword");
}

TEST_P(WatchTest, ACopyBackAfterItsHitWasDismissedAsGoneIsShown) {
  const auto capture = [&](const std::string& title) {
    return import_listings(
        *workspace_, session_,
        {{{"b.csv", "platform,url,title\njd,https://item.jd.com/42.html," + title + "\n"}}, {}, {}});
  };
  auto first = capture("极光 音箱");
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  ASSERT_EQ(first->hits.size(), 1U);
  const std::string id = first->hits.front().id;
  ASSERT_TRUE(capture("音箱").ok());
  ASSERT_EQ(find_hit(*workspace_, id, today())->status, "unmatched");
  ASSERT_TRUE(decide_hit(*workspace_, session_, id, "dismissed", "the mark is gone", today()).ok());
  auto back = capture("极光 音箱");
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->hits.size(), 1U) << "the import says the hit changed";
  auto hit = find_hit(*workspace_, id, today());
  ASSERT_TRUE(hit.ok());
  EXPECT_EQ(hit->status, "dismissed");
  EXPECT_FALSE(hit->listing_changed_at.empty());
  EXPECT_FALSE(hit->current_reasons.empty());
}

TEST_P(WatchTest, AReferenceRemovedNoLongerMatchesAndAnUnknownOneRemovesNothing) {
  ReferenceInput input;
  input.product = watch_.confirmed.hit.product;
  input.models = {"AU-777X"};
  auto added = add_references(*workspace_, session_, input);
  ASSERT_TRUE(added.ok()) << added.error().to_string();
  ASSERT_EQ(added->size(), 1U);
  const std::string reference = added->front().id;
  auto imported = import_listings(
      *workspace_, session_,
      {{{"m.csv", "platform,url,title\njd,https://item.jd.com/777.html,AU-777X portable speaker\n"}},
       {},
       {}});
  ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  ASSERT_EQ(imported->hits.size(), 1U) << "the model name alone makes a hit";
  const std::string hit = imported->hits.front().id;
  ASSERT_EQ(find_hit(*workspace_, hit, today())->status, "new");

  const std::int64_t before = events();
  auto unknown = remove_references(*workspace_, session_, {reference, "WR999"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(events(), before) << "one unknown id: nothing removed";
  auto twice = remove_references(*workspace_, session_, {reference, reference});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code(), ErrorCode::kInput);

  auto removed = remove_references(*workspace_, session_, {reference});
  ASSERT_TRUE(removed.ok()) << removed.error().to_string();
  ASSERT_EQ(removed->size(), 1U);
  EXPECT_EQ(removed->front().text, "AU-777X");
  EXPECT_EQ(find_hit(*workspace_, hit, today())->status, "unmatched") << "matched again at once";
  auto listed = list_references(*workspace_, today());
  ASSERT_TRUE(listed.ok());
  for (const ProductReferences& p : *listed) {
    for (const ReferenceView& r : p.references) EXPECT_NE(r.id, reference);
  }
}

TEST_P(WatchTest, APlatformIsNamedInAnyCase) {
  withdraw_demo_complaint();
  auto packaged =
      write_packages(*workspace_, session_,
                     {"Taobao", {watch_.confirmed.hit.id}, dir_.path() / "takedown-case", ""}, today());
  ASSERT_TRUE(packaged.ok()) << packaged.error().to_string();
  ASSERT_EQ(packaged->complaints.size(), 1U);
  EXPECT_EQ(packaged->complaints.front().platform, "taobao");
}

TEST(WatchPlaceTest, SellerLocationNamesACityInEitherScript) {
  EXPECT_TRUE(names_city("广东省东莞市", "Dongguan"));
  EXPECT_TRUE(names_city("Dongguan, Guangdong", "东莞市"));
  EXPECT_TRUE(names_city("广东 深圳", "Shenzhen"));
  EXPECT_FALSE(names_city("浙江 义乌", "Dongguan"));
  EXPECT_FALSE(names_city("", "Dongguan"));
}

TEST(WatchPlaceTest, CitiesThatOnlySoundAlikeAreNotOne) {
  const char* suzhou = "江苏省苏州市吴中区木渎镇金枫南路1258号";
  EXPECT_FALSE(names_city("安徽省宿州市", "Suzhou", suzhou)) << "宿州 is not 苏州";
  EXPECT_FALSE(names_city("浙江省台州市", "Taizhou", "江苏省泰州市海陵区")) << "台州 is not 泰州";
  EXPECT_FALSE(names_city("江西 抚州", "福州市", ""));
  EXPECT_TRUE(names_city("江苏省苏州市", "Suzhou", suzhou));
  EXPECT_TRUE(names_city("蘇州", "Suzhou", suzhou)) << "Traditional characters";
  EXPECT_TRUE(names_city("Suzhou, Jiangsu", "Suzhou", suzhou)) << "a location in Latin letters";
  EXPECT_TRUE(names_city("安徽省宿州市", "Suzhou", "")) << "no characters to tell them apart: by sound";
}

INSTANTIATE_TEST_SUITE_P(Backends, WatchTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

}  // namespace
}  // namespace moat::app
