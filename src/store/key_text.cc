// SPDX-License-Identifier: Apache-2.0
// Key parts joined by '/' (store.h), apart from store.cc so that the schema library, which the
// readers link without the store, holds it.
#include <string>

#include "store/store.h"

namespace moat::store {

std::string key_text(const Key& key) {
  std::string out;
  for (const std::string& part : key) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

}  // namespace moat::store
