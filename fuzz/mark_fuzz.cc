// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the fingerprint readers that `moat trace` runs on a file from outside:
// the input is read as a suspect against a small master of each format (STEP, Gerber, Excellon),
// and, where it looks like that format, prepared as a master, marked and read back. Any input
// must give a result or an error of the user's input (kInput) — never a crash, a sanitizer
// report or an internal fault.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mark/excellon.h"
#include "mark/format.h"
#include "mark/gerber.h"
#include "mark/step.h"

namespace {

constexpr std::string_view kSecret = "fuzz";

constexpr std::string_view kStep = R"(ISO-10303-21;
HEADER;
FILE_DESCRIPTION((''),'2;1');
FILE_NAME('block.stp','2026-01-01T00:00:00',(''),(''),'','','');
FILE_SCHEMA(('AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }'));
ENDSEC;
DATA;
#1=CARTESIAN_POINT('',(0.,0.,0.));
#2=DIRECTION('',(0.,0.,1.));
#3=DIRECTION('',(1.,0.,0.));
#4=AXIS2_PLACEMENT_3D('',#1,#2,#3);
#5=PLANE('',#4);
#6=CARTESIAN_POINT('',(10.5,2.25,-3.));
#7=VECTOR('',#3,1.);
#8=LINE('',#6,#7);
#9=CARTESIAN_POINT('Origin',(4.125,7.5,1.E-1));
#10=CARTESIAN_POINT('',(20.,20.,20.));
#11=CARTESIAN_POINT('',(-5.,12.,3.5));
#12=DIRECTION('',(0.,1.,0.));
#13=AXIS2_PLACEMENT_3D('',#11,#12,#3);
#14=CYLINDRICAL_SURFACE('',#13,2.);
#15=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
#16=UNCERTAINTY_MEASURE_WITH_UNIT(LENGTH_MEASURE(0.001),#15,'distance_accuracy_value','');
#17=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNCERTAINTY_ASSIGNED_CONTEXT((#16))GLOBAL_UNIT_ASSIGNED_CONTEXT((#15))REPRESENTATION_CONTEXT('',''));
ENDSEC;
END-ISO-10303-21;
)";

constexpr std::string_view kGerber = R"(G04 fuzz board*
%FSLAX43Y43*%
%MOMM*%
%ADD10C,0.250*%
%ADD11C,0.800*%
G01*
D11*
X10000Y10000D03*
X30000Y12000D03*
X52000Y47000D03*
X81000Y23000D03*
D10*
X10000Y10000D02*
X30000Y10000D01*
X30000Y12000D01*
X52000Y47000D02*
X81000Y47000D01*
M02*
)";

constexpr std::string_view kDrill = R"(M48
;FILE_FORMAT=3:3
METRIC,LZ
T1C0.300
T2C0.800
%
T01
X010000Y010000
X030000Y012000
T02
X052000Y047000
X081000Y023000
M30
)";

void must_be_input(const moat::Error& error) {
  if (error.code() == moat::ErrorCode::kInternal) std::abort();
}

struct Master {
  std::unique_ptr<moat::mark::Format> format;
  std::unique_ptr<moat::mark::PreparedMaster> prepared;
};

Master master(std::unique_ptr<moat::mark::Format> format, std::string_view text) {
  auto prepared = format->prepare(text, kSecret);
  if (!prepared.ok()) std::abort();
  return {std::move(format), std::move(prepared).value()};
}

std::vector<Master> masters() {
  std::vector<Master> out;
  out.push_back(master(moat::mark::make_step_format(), kStep));
  out.push_back(master(moat::mark::make_gerber_format(), kGerber));
  out.push_back(master(moat::mark::make_excellon_format(), kDrill));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<Master> known = masters();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const Master& m : known) {
    const auto read = m.prepared->read(input, {});
    if (!read.ok()) must_be_input(read.error());
    if (!m.format->detect(input)) continue;
    auto prepared = m.format->prepare(input, kSecret);
    if (!prepared.ok()) {
      must_be_input(prepared.error());
      continue;
    }
    const std::vector<uint8_t> codeword(prepared.value()->capacity().length, 1);
    const auto copy = prepared.value()->embed(codeword, "");
    if (!copy.ok()) std::abort();  // a master that parsed always takes its mark
    const auto back = prepared.value()->read(copy.value().bytes, {});
    if (!back.ok()) must_be_input(back.error());
  }
  return 0;
}
