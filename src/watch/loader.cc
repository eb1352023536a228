// SPDX-License-Identifier: Apache-2.0
// The watch engine as the moat binary has it: the functions of watch.h that need a library,
// forwarded to moat-watch.so, opened the first time one is called (watch/module.h says why).
#include <stdexcept>
#include <string>
#include <vector>

#include "core/module.h"
#include "watch/module.h"
#include "watch/watch.h"

namespace moat::watch {
namespace {

Result<const WatchModule*> open_watch_module() {
  MOAT_TRY(void* entry, open_module(kModuleFile, kModuleEntry));
  const WatchModule* functions = reinterpret_cast<MoatWatchModuleEntry>(entry)();
  if (functions == nullptr || functions->interface != kModuleInterface) {
    return internal_error(std::string(kModuleFile) + " is not the module of this moat (another build's?)");
  }
  return functions;
}

// For the functions whose contract has no error to return (watch.h: adapters check text_ready()
// first): the module's error as an exception.
const WatchModule& module_or_throw() {
  const Result<const WatchModule*> module = load_module();
  if (!module.ok()) throw std::runtime_error(module.error().message());
  return **module;
}

}  // namespace

Result<const WatchModule*> load_module() {
  static const Result<const WatchModule*> loaded = open_watch_module();
  return loaded;
}

std::string normalise(std::string_view text) {
  return module_or_throw().normalise(text);
}

std::string pinyin(std::string_view text) {
  return module_or_throw().pinyin(text);
}

Status text_ready() {
  MOAT_TRY(const WatchModule* module, load_module());
  return module->text_ready();
}

Result<Fingerprint> fingerprint(std::string_view image) {
  MOAT_TRY(const WatchModule* module, load_module());
  return module->fingerprint(image);
}

double similarity(const Fingerprint& a, const Fingerprint& b) {
  return module_or_throw().similarity(a, b);
}

std::vector<Hit> match(const Listing& listing, const std::vector<Product>& products,
                       const Thresholds& thresholds) {
  return module_or_throw().match(listing, products, thresholds);
}

}  // namespace moat::watch
