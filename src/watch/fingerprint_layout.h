// SPDX-License-Identifier: Apache-2.0
// The bytes of an image fingerprint (watch/image.cc makes them): a version byte, the DCT hash of
// each crop window and of the mirrored whole, the edge map and the picture's aspect. Shared by
// the code that makes and compares fingerprints (loaded with OpenCV, watch/module.h) and the
// code that keeps them as text, which needs no library. Internal to the watch engine.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "watch/watch.h"

namespace moat::watch {

using Hash = std::uint64_t;

constexpr std::uint8_t kVersion = 3;
constexpr int kBaseSide = 128;  // the image is first resampled to this square
constexpr int kHashSide = 32;   // each window is resampled to this square before its DCT
constexpr int kLowSide = 8;     // the DCT's low frequencies kept: 8 x 8 less the constant term
constexpr int kHashBits = kLowSide * kLowSide - 1;
// The windows along each axis, as (start, length) fractions of the side: the whole, and crops
// keeping 95% at either end and 90%, 85% and 80% at the start, the middle and the end.
constexpr std::array<std::array<double, 2>, 12> kAxisWindows = {{{0.0, 1.0},
                                                                 {0.0, 0.95},
                                                                 {0.05, 0.95},
                                                                 {0.0, 0.9},
                                                                 {0.05, 0.9},
                                                                 {0.1, 0.9},
                                                                 {0.0, 0.85},
                                                                 {0.075, 0.85},
                                                                 {0.15, 0.85},
                                                                 {0.0, 0.8},
                                                                 {0.1, 0.8},
                                                                 {0.2, 0.8}}};
constexpr std::size_t kWindows = kAxisWindows.size() * kAxisWindows.size();
constexpr std::size_t kHashes = kWindows + 1;  // the windows, then the mirrored whole
// The edge map: the largest colour gradient of any channel, so that a shift of hue, which can
// swap which of two regions is lighter, keeps their border; kept small for the check by
// correlation of the candidate windows the hashes find.
constexpr int kEdgeSide = 96;
constexpr int kCheckSide = 56;  // both sides of a check are resampled to this square
constexpr int kShift = 3;       // pixels of the check's size a window may be off either way
constexpr int kPad = kEdgeSide * kShift / kCheckSide + 2;  // the edge map's margin for the shifts
constexpr std::size_t kCandidates = 10;
constexpr std::size_t kEdgeOffset = 1 + kHashes * sizeof(Hash);
// The picture's aspect (width / height, a float): a window is compared with a whole picture
// only when the picture's aspect is the window's, within kAspectTolerance (the grid's steps are
// 5%), since every view is squeezed to a square before it is hashed.
constexpr std::size_t kAspectOffset = kEdgeOffset + kEdgeSide * kEdgeSide;
constexpr double kAspectTolerance = 1.12;
constexpr std::size_t kBytes = kAspectOffset + sizeof(float);
constexpr std::string_view kTextPrefix = "phash3:";

// Whether `f` has this version's size and a sane aspect.
bool well_formed(const Fingerprint& f);

}  // namespace moat::watch
