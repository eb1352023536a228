// SPDX-License-Identifier: Apache-2.0
// The keyed pseudo-random function every mark is derived from: BLAKE2b keyed by a secret over
// length-prefixed parts (a 32-byte seed), expanded by ChaCha20 into uniform numbers (libsodium).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace moat::mark {

// 32 bytes: BLAKE2b-256 keyed by `key` (at most 64 bytes used) over the length-prefixed parts.
std::string keyed_hash(std::string_view key, std::initializer_list<std::string_view> parts);

// `count` uniform numbers in [0, 1) from the ChaCha20 stream of a 32-byte seed.
std::vector<double> uniforms(std::string_view seed, size_t count);

// SHA-256 of the bytes, 32 raw bytes.
std::string sha256(std::string_view bytes);

}  // namespace moat::mark
