// SPDX-License-Identifier: Apache-2.0
// A set of small integers (secret indices) as a dynamic bitset: union, subset and counting in
// a few machine words, which is what exposure analysis does millions of times.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace moat::plan {

class Bitset {
 public:
  Bitset() = default;
  explicit Bitset(std::size_t size) : words_((size + 63) / 64, 0) {}

  void set(std::size_t i) { words_[i / 64] |= std::uint64_t{1} << (i % 64); }
  void reset(std::size_t i) { words_[i / 64] &= ~(std::uint64_t{1} << (i % 64)); }
  bool test(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1U; }
  void unite(const Bitset& other) {
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] |= other.words_[w];
  }
  bool contains(const Bitset& other) const {  // other ⊆ this
    for (std::size_t w = 0; w < words_.size(); ++w) {
      if ((other.words_[w] & ~words_[w]) != 0) return false;
    }
    return true;
  }
  bool intersects(const Bitset& other) const {
    for (std::size_t w = 0; w < words_.size(); ++w) {
      if ((other.words_[w] & words_[w]) != 0) return true;
    }
    return false;
  }
  Bitset intersection(const Bitset& other) const {
    Bitset out = *this;
    for (std::size_t w = 0; w < words_.size(); ++w) out.words_[w] &= other.words_[w];
    return out;
  }
  Bitset minus(const Bitset& other) const {
    Bitset out = *this;
    for (std::size_t w = 0; w < words_.size(); ++w) out.words_[w] &= ~other.words_[w];
    return out;
  }
  bool empty() const {
    for (std::uint64_t word : words_) {
      if (word != 0) return false;
    }
    return true;
  }
  std::size_t count() const {
    std::size_t n = 0;
    for (std::uint64_t word : words_) n += static_cast<std::size_t>(std::popcount(word));
    return n;
  }
  template <typename F>
  void for_each(F&& visit) const {
    for (std::size_t w = 0; w < words_.size(); ++w) {
      std::uint64_t word = words_[w];
      while (word != 0) {
        visit(w * 64 + static_cast<std::size_t>(std::countr_zero(word)));
        word &= word - 1;
      }
    }
  }
  friend bool operator==(const Bitset&, const Bitset&) = default;
  friend bool operator<(const Bitset& a, const Bitset& b) { return a.words_ < b.words_; }

 private:
  std::vector<std::uint64_t> words_;
};

}  // namespace moat::plan
