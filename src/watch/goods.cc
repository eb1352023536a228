// SPDX-License-Identifier: Apache-2.0
#include "watch/goods.h"

#include <string_view>
#include <utility>
#include <vector>

namespace moat::watch {
namespace {

// Goods by class, as listings on Taobao, JD, 1688, AliExpress and Amazon name them. A Chinese term is
// found anywhere in the text (Chinese writes no spaces); a Latin one as whole words.
struct Goods {
  int nice_class;
  std::vector<std::string_view> terms;
};

const std::vector<Goods>& vocabulary() {
  // Words a copy's own title often holds beside its goods are left out: "travel" (size), "gift",
  // "fan" (of music), "watch" (works with), 玩具 (a toy as a gift), 咖啡 (the colour 咖啡色), 汽车
  // (车载, in the car), 台灯 and "lamp" (light effects).
  static const std::vector<Goods> kGoods = {
      {3,
       {"化妆品", "口红", "面膜", "香水", "洗发水", "沐浴露", "洗面奶", "lipstick", "perfume", "shampoo",
        "cosmetics"}},
      {7,
       {"吸尘器", "洗衣机", "扫地机", "洗碗机", "榨汁机", "破壁机", "搅拌机", "vacuum cleaner", "vacuum",
        "washing machine", "blender", "dishwasher"}},
      {8, {"螺丝刀", "扳手", "剃须刀", "screwdriver", "wrench", "razor"}},
      {9, {"音箱",       "音响",       "扬声器",    "喇叭",       "低音炮",     "小钢炮",   "话筒",
           "麦克风",     "声卡",       "功放",      "耳机",       "蓝牙",       "充电器",   "充电宝",
           "数据线",     "手机壳",     "手机",      "电脑",       "平板",       "相机",     "摄像头",
           "鼠标",       "键盘",       "路由器",    "显示器",     "智能手表",   "水平仪",   "车载",
           "speaker",    "speakers",   "sound box", "soundbox",   "sound bar",  "soundbar", "subwoofer",
           "boombox",    "sound dock", "audio",     "microphone", "earphones",  "earbuds",  "headphones",
           "headset",    "bluetooth",  "wireless",  "charger",    "power bank", "usb",      "phone case",
           "laptop",     "tablet",     "camera",    "mouse",      "keyboard",   "router",   "monitor",
           "smartwatch", "smart watch"}},
      {10, {"血压计", "体温计", "thermometer"}},
      {11,
       {"夜灯",      "灯泡",       "吊灯",       "灯带",         "手电筒",       "空调",        "冰箱",
        "电风扇",    "加湿器",     "热水器",     "电饭煲",       "空气净化器",   "night light", "light bulb",
        "led strip", "flashlight", "humidifier", "air purifier", "refrigerator", "heater"}},
      {12, {"自行车", "电动车", "bicycle", "scooter"}},
      {14, {"项链", "戒指", "手镯", "耳环", "necklace", "bracelet", "earrings", "jewelry"}},
      {16, {"文具", "贴纸", "海报", "stickers", "poster", "stationery", "wall art", "canvas print"}},
      {18, {"背包", "钱包", "手提包", "行李箱", "backpack", "wallet", "handbag", "suitcase", "luggage"}},
      {20, {"沙发", "椅子", "床垫", "sofa", "chair", "mattress"}},
      {21, {"水杯", "保温杯", "餐具", "mug", "tumbler"}},
      {24, {"床单", "毛巾", "被子", "towel", "bedsheet", "blanket"}},
      {25,
       {"T恤", "衬衫", "连衣裙", "外套", "羽绒服", "裤子", "运动鞋", "鞋子", "帽子", "袜子", "卫衣",
        "t-shirt", "shirt", "dress", "jacket", "hoodie", "shoes", "sneakers", "socks"}},
      {28, {"毛绒", "公仔", "积木", "钓鱼竿", "球拍", "plush", "puzzle", "fishing rod"}},
      {30, {"茶叶", "咖啡豆", "巧克力", "饼干", "零食", "面包", "chocolate", "snacks"}},
      {33, {"白酒", "葡萄酒", "wine", "whisky"}},
      {39, {"旅行团", "旅游团", "跟团游", "机票", "tour package", "guided tour"}},
      {41, {"培训", "课程", "演唱会", "course", "concert"}},
      {43, {"酒店", "民宿", "餐厅", "hotel", "restaurant"}}};
  return kGoods;
}

// Whether `term` (its comparison form) stands in `text` at `at`: Han terms anywhere, Latin ones as
// whole words (the unit before is a word's start and the one after begins another or ends it).
bool stands_at(const NormalText& text, const std::vector<Unit>& term, std::size_t at) {
  if (at + term.size() > text.units.size()) return false;
  for (std::size_t i = 0; i < term.size(); ++i) {
    if (text.units[at + i].code != term[i].code) return false;
  }
  if (term.front().han) return true;
  const std::size_t after = at + term.size();
  return text.units[at].boundary &&
         (after == text.units.size() || text.units[after].boundary || text.units[after].han);
}

}  // namespace

std::set<int> goods_classes(const NormalText& text) {
  static const std::vector<std::pair<int, std::vector<Unit>>> kForms = [] {
    std::vector<std::pair<int, std::vector<Unit>>> forms;
    for (const Goods& goods : vocabulary()) {
      for (const std::string_view term : goods.terms)
        forms.emplace_back(goods.nice_class, normal_form(term).units);
    }
    return forms;
  }();
  std::set<int> out;
  for (const auto& [nice_class, term] : kForms) {
    if (term.empty() || out.contains(nice_class)) continue;
    for (std::size_t at = 0; at < text.units.size(); ++at) {
      if (stands_at(text, term, at)) {
        out.insert(nice_class);
        break;
      }
    }
  }
  return out;
}

}  // namespace moat::watch
