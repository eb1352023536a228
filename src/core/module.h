// SPDX-License-Identifier: Apache-2.0
// Modules: the parts of moat that need large libraries (the counterfeit watch's ICU, OpenCC and
// OpenCV; the PDF marks' qpdf and GnuTLS) are built as shared objects of their own, opened with
// dlopen by the commands that use them. Linked into the binary, those libraries were loaded and
// relocated by every command (docs/decisions/0022-modules.md).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace moat {

// Opens the module `file` from beside the running binary (PREFIX/lib/moat for PREFIX/bin/moat
// installed; build/lib/moat in a build tree, for the binary and the tests beside their code) and
// returns the address of its function `entry`. An internal error naming the places looked in when
// it is in none, or saying why the file found cannot be opened. The module stays open for the
// process's life; each caller opens it once (a function-local static).
Result<void*> open_module(std::string_view file, const char* entry);

// The functions of the module `file`, from its `entry` (`const Functions* entry(int interface)`)
// asked for `interface`: an internal error when the module gives none for it, as a module of
// another build does.
template <typename Functions>
Result<const Functions*> open_module_functions(std::string_view file, const char* entry, int interface) {
  MOAT_TRY(void* address, open_module(file, entry));
  using Entry = const Functions* (*)(int);
  const Functions* functions = reinterpret_cast<Entry>(address)(interface);
  if (functions == nullptr) {
    return internal_error(std::string(file) + " is not the module of this moat (another build's?)");
  }
  return functions;
}

}  // namespace moat
