// SPDX-License-Identifier: Apache-2.0
// The watch engine as the moat binary has it: the functions of watch.h that need a library,
// forwarded to moat-watch.so, opened from beside the binary the first time one is called
// (watch/module.h says why).
#include <dlfcn.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "watch/module.h"
#include "watch/watch.h"

namespace moat::watch {
namespace {

namespace fs = std::filesystem;

// Where the module is looked for, relative to the binary's folder: installed
// (PREFIX/lib/moat for PREFIX/bin/moat, MOAT_WATCH_MODULE_DIR), then in a build tree
// (build/lib/moat for build/src/cli/moat and the tests beside their code).
std::vector<fs::path> module_candidates() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const fs::path bin = exe.parent_path();
  return {(bin / MOAT_WATCH_MODULE_DIR / kModuleFile).lexically_normal(),
          (bin.parent_path().parent_path() / "lib" / "moat" / kModuleFile).lexically_normal()};
}

Result<const WatchModule*> open_module() {
  const std::vector<fs::path> candidates = module_candidates();
  std::string looked;
  for (const fs::path& path : candidates) {
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
      looked += (looked.empty() ? "" : ", ") + path.string();
      continue;
    }
    void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr) {
      const char* why = dlerror();
      return internal_error(path.string() + " cannot be opened: " + (why ? why : "unknown reason"));
    }
    auto entry = reinterpret_cast<MoatWatchModuleEntry>(dlsym(module, kModuleEntry));
    const WatchModule* functions = entry == nullptr ? nullptr : entry();
    if (functions == nullptr || functions->interface != kModuleInterface) {
      return internal_error(path.string() + " is not the module of this moat (another build's?)");
    }
    return functions;  // the module stays open for the process's life
  }
  return internal_error(std::string("the counterfeit watch needs ") + kModuleFile +
                        ", installed with moat and not found: looked for " + looked);
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
  static const Result<const WatchModule*> loaded = open_module();
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
