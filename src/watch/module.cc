// SPDX-License-Identifier: Apache-2.0
// The entry of moat-watch.so (watch/module.h): the engine's functions, compiled into the module
// with the libraries they need. The module exports this function and nothing else.
#include "watch/module.h"

extern "C" __attribute__((visibility("default"))) const moat::watch::WatchModule* moat_watch_module() {
  namespace w = moat::watch;
  static const w::WatchModule functions{w::kModuleInterface, &w::normalise,  &w::pinyin, &w::text_ready,
                                        &w::fingerprint,     &w::similarity, &w::match};
  return &functions;
}
