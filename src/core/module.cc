// SPDX-License-Identifier: Apache-2.0
#include "core/module.h"

#include <dlfcn.h>

#include <filesystem>
#include <string>
#include <vector>

namespace moat {
namespace {

namespace fs = std::filesystem;

// Where a module is looked for, relative to the binary's folder: installed (MOAT_MODULE_DIR,
// from the install's bin/ to its lib/moat), then in a build tree (build/lib/moat for
// build/src/cli/moat).
std::vector<fs::path> candidates(std::string_view file) {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const fs::path bin = exe.parent_path();
  return {(bin / MOAT_MODULE_DIR / file).lexically_normal(),
          (bin.parent_path().parent_path() / "lib" / "moat" / file).lexically_normal()};
}

}  // namespace

Result<void*> open_module(std::string_view file, const char* entry) {
  std::string looked;
  for (const fs::path& path : candidates(file)) {
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
    void* function = dlsym(module, entry);
    if (function == nullptr) {
      return internal_error(path.string() + " is not a moat module: it lacks " + entry);
    }
    return function;
  }
  return internal_error("moat's module " + std::string(file) +
                        ", installed with it, is not there: looked for " + looked);
}

}  // namespace moat
