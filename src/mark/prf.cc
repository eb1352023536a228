// SPDX-License-Identifier: Apache-2.0
#include "mark/prf.h"

#include <sodium.h>

#include <algorithm>

namespace moat::mark {

std::string keyed_hash(std::string_view key, std::initializer_list<std::string_view> parts) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                          std::min<size_t>(key.size(), crypto_generichash_KEYBYTES_MAX),
                          randombytes_SEEDBYTES);
  for (const std::string_view part : parts) {
    const uint64_t size = part.size();
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&size), sizeof size);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  std::string out(randombytes_SEEDBYTES, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()), out.size());
  return out;
}

std::vector<double> uniforms(std::string_view seed, size_t count) {
  std::vector<uint64_t> words(count);
  if (count == 0) return {};
  randombytes_buf_deterministic(words.data(), count * sizeof(uint64_t),
                                reinterpret_cast<const unsigned char*>(seed.data()));
  std::vector<double> out(count);
  for (size_t i = 0; i < count; ++i) out[i] = static_cast<double>(words[i] >> 11) * 0x1p-53;
  return out;
}

std::string sha256(std::string_view bytes) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return out;
}

}  // namespace moat::mark
