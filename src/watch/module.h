// SPDX-License-Identifier: Apache-2.0
// The watch engine's code that needs ICU, OpenCC, OpenCV and the picture decoders is built as a
// module of its own (moat-watch.so) that the moat binary opens with dlopen when a command first
// normalises text or reads a picture. Linked into the binary, those libraries (OpenCV with TBB,
// GLX and LAPACK beneath it; ICU's 30 MB of data) were loaded and relocated by every command
// (docs/PERFORMANCE.md, "A write on a large workspace"). Internal to the watch engine.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "watch/watch.h"

namespace moat::watch {

// The module's file name, and the one symbol it exports (a function returning its WatchModule).
inline constexpr const char* kModuleFile = "moat-watch.so";
inline constexpr const char* kModuleEntry = "moat_watch_module";

// Raised whenever WatchModule changes, so that a binary never calls a module of another build.
inline constexpr int kModuleInterface = 3;

// The engine's functions (watch.h says what each does), as the module implements them.
struct WatchModule {
  int interface = kModuleInterface;
  std::string (*normalise)(std::string_view text);
  std::string (*pinyin)(std::string_view text);
  Status (*text_ready)();
  Result<Fingerprint> (*fingerprint)(std::string_view image);
  double (*similarity)(const Fingerprint& a, const Fingerprint& b);
  std::vector<Hit> (*match)(const Listing& listing, const std::vector<Product>& products,
                            const Thresholds& thresholds);
};

// The module, opened once per process (thread-safe) from beside the binary; an internal error
// naming the places looked in, or what is wrong with the file found, when it cannot be used.
Result<const WatchModule*> load_module();

}  // namespace moat::watch

extern "C" {
// What the module exports (kModuleEntry).
using MoatWatchModuleEntry = const moat::watch::WatchModule* (*)();
}
