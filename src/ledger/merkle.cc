// SPDX-License-Identifier: Apache-2.0
#include "ledger/merkle.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <bit>
#include <memory>
#include <stdexcept>

#include "ledger/chain.h"

namespace moat::ledger {
namespace {

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

// OpenSSL's libcrypto, opened by the first thread that needs its SHA-256 rather than linked: as
// a linked library its relocation was a third of the dynamic loader's work at every moat start,
// most of which never hash more than a few dozen times. Only the header is included (for the
// functions' types), as store/libpq.h does for libpq.
struct LibCrypto {
  decltype(&::EVP_MD_fetch) md_fetch;
  decltype(&::EVP_MD_free) md_free;
  decltype(&::EVP_MD_CTX_new) ctx_new;
  decltype(&::EVP_MD_CTX_free) ctx_free;
  decltype(&::EVP_DigestInit_ex2) init;
  decltype(&::EVP_DigestUpdate) update;
  decltype(&::EVP_DigestFinal_ex) final;
};

template <typename Function>
bool resolve(void* library, const char* name, Function& out) {
  out = reinterpret_cast<Function>(dlsym(library, name));
  return out != nullptr;
}

// The library (Debian's libssl3, which every moat install has) once per process; nullptr when it
// cannot be opened, and the portable code then hashes alone (the same digests, only slower).
const LibCrypto* load_libcrypto() {
  static const LibCrypto* const loaded = []() -> const LibCrypto* {
    void* library = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return nullptr;
    static LibCrypto functions;
    const bool ok = resolve(library, "EVP_MD_fetch", functions.md_fetch) &&
                    resolve(library, "EVP_MD_free", functions.md_free) &&
                    resolve(library, "EVP_MD_CTX_new", functions.ctx_new) &&
                    resolve(library, "EVP_MD_CTX_free", functions.ctx_free) &&
                    resolve(library, "EVP_DigestInit_ex2", functions.init) &&
                    resolve(library, "EVP_DigestUpdate", functions.update) &&
                    resolve(library, "EVP_DigestFinal_ex", functions.final);
    return ok ? &functions : nullptr;  // the library stays open for the process's life
  }();
  return loaded;
}

// SHA-256 through OpenSSL's EVP, fetched once and with one context per thread: it uses the
// processor's SHA extensions, several times faster than a portable implementation.
class Sha256 {
 public:
  explicit Sha256(const LibCrypto& crypto)
      : crypto_(crypto), md_(crypto.md_fetch(nullptr, "SHA256", nullptr)), ctx_(crypto.ctx_new()) {
    if (!md_ || !ctx_) throw std::runtime_error("SHA-256 is unavailable");
  }
  ~Sha256() {
    crypto_.ctx_free(ctx_);
    crypto_.md_free(md_);
  }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Hash digest(std::initializer_list<std::string_view> parts) {
    Hash out{};
    bool ok = crypto_.init(ctx_, md_, nullptr) == 1;
    for (std::string_view part : parts) ok = ok && crypto_.update(ctx_, part.data(), part.size()) == 1;
    ok = ok && crypto_.final(ctx_, out.data(), nullptr) == 1;
    if (!ok) throw std::runtime_error("SHA-256 failed");
    return out;
  }

 private:
  const LibCrypto& crypto_;
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

// SHA-256 by libsodium's portable code: 1.6 µs for 300 bytes where OpenSSL takes 0.4, but with
// nothing to start.
Hash portable_digest(std::initializer_list<std::string_view> parts) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (std::string_view part : parts) {
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  Hash out{};
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

// Fetching OpenSSL's SHA-256 starts its providers: 5 million instructions, a quarter of a
// one-record `moat set`, which hashes a few dozen times. A thread hashes with libsodium first and
// with OpenSSL from its kPortableDigests-th hash on (the fetch costs as much as ~1,700 portable
// hashes lose), so that a command hashing a whole ledger still runs at OpenSSL's speed; with the
// portable code only when libcrypto cannot be opened.
constexpr std::uint64_t kPortableDigests = 1000;

Hash digest(std::initializer_list<std::string_view> parts) {
  thread_local std::uint64_t digests = 0;
  if (digests < kPortableDigests) {
    ++digests;
    return portable_digest(parts);
  }
  static const LibCrypto* const crypto = load_libcrypto();
  if (crypto == nullptr) return portable_digest(parts);
  thread_local Sha256 sha(*crypto);
  return sha.digest(parts);
}

std::string_view bytes(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

// The largest power of two strictly smaller than n (n >= 2): where RFC 9162 splits a tree.
std::uint64_t split_point(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

void inclusion_ranges(std::uint64_t index, Range range, std::vector<Range>& out) {
  const std::uint64_t n = range.end - range.begin;
  if (n <= 1) return;
  const std::uint64_t k = split_point(n);
  const std::uint64_t middle = range.begin + k;
  if (index < middle) {
    inclusion_ranges(index, {range.begin, middle}, out);
    out.push_back({middle, range.end});
  } else {
    inclusion_ranges(index, {middle, range.end}, out);
    out.push_back({range.begin, middle});
  }
}

// SUBPROOF(m, D[range], complete) of RFC 9162 §2.1.4.1.
void consistency_ranges(std::uint64_t m, Range range, bool complete, std::vector<Range>& out) {
  const std::uint64_t n = range.end - range.begin;
  if (m == n) {
    if (!complete) out.push_back(range);
    return;
  }
  const std::uint64_t k = split_point(n);
  const std::uint64_t middle = range.begin + k;
  if (m <= k) {
    consistency_ranges(m, {range.begin, middle}, complete, out);
    out.push_back({middle, range.end});
  } else {
    consistency_ranges(m - k, {middle, range.end}, false, out);
    out.push_back({range.begin, middle});
  }
}

void shift_until_set_or_zero(std::uint64_t& fn, std::uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

std::string event_name(std::int64_t seq) {
  return "event " + std::to_string(seq);
}

}  // namespace

Hash sha256(std::string_view data) {
  return digest({data});
}

Hash leaf_hash(std::string_view entry) {
  const char prefix = static_cast<char>(kLeafPrefix);
  return digest({std::string_view(&prefix, 1), entry});
}

Hash node_hash(const Hash& left, const Hash& right) {
  const char prefix = static_cast<char>(kNodePrefix);
  return digest({std::string_view(&prefix, 1), bytes(left), bytes(right)});
}

Hash empty_root() {
  return sha256("");
}

Hash event_leaf(const Event& event) {
  return leaf_hash(canonical_encoding(event));
}

std::string to_hex(const Hash& hash) {
  std::string out(hash.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), hash.data(), hash.size());
  out.pop_back();
  return out;
}

std::string to_base64(const Hash& hash) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(hash.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), hash.data(), hash.size(), kVariant);
  out.pop_back();
  return out;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
  // A digit's value, or 16 for a byte that is none (either case, as sodium_hex2bin reads them).
  const auto value = [](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    return 16;
  };
  Hash hash{};
  if (hex.size() != hash.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < hash.size(); ++i) {
    const unsigned high = value(hex[2 * i]), low = value(hex[2 * i + 1]);
    if (high > 15 || low > 15) return std::nullopt;
    hash[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return hash;
}

std::optional<Hash> hash_from_base64(std::string_view text) {
  Hash hash{};
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(hash.data(), hash.size(), text.data(), text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      length != hash.size() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return hash;
}

Hash root_of(std::span<const Hash> leaves) {
  if (leaves.empty()) return empty_root();
  if (leaves.size() == 1) return leaves.front();
  const std::size_t k = static_cast<std::size_t>(split_point(leaves.size()));
  return node_hash(root_of(leaves.first(k)), root_of(leaves.subspan(k)));
}

NodeId NodeId::from_key(std::uint64_t key) {
  const int level = static_cast<int>(key % 64);
  const std::uint64_t last = key / 64;
  return {level, ((last + 1) >> level) - 1};
}

std::vector<NodeId> range_nodes(Range range) {
  std::vector<NodeId> nodes;
  std::uint64_t begin = range.begin;
  while (begin < range.end) {
    const std::uint64_t size = std::bit_floor(range.end - begin);
    const int level = std::countr_zero(size);
    nodes.push_back({level, begin >> level});
    begin += size;
  }
  return nodes;
}

Hash fold_nodes(std::span<const Hash> hashes) {
  if (hashes.empty()) return empty_root();
  Hash folded = hashes.back();
  for (std::size_t i = hashes.size() - 1; i-- > 0;) folded = node_hash(hashes[i], folded);
  return folded;
}

std::vector<Range> inclusion_ranges(std::uint64_t index, std::uint64_t size) {
  std::vector<Range> out;
  if (index < size) inclusion_ranges(index, {0, size}, out);
  return out;
}

std::vector<Range> consistency_ranges(std::uint64_t old_size, std::uint64_t new_size) {
  std::vector<Range> out;
  if (old_size > 0 && old_size < new_size) consistency_ranges(old_size, {0, new_size}, true, out);
  return out;
}

bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, std::span<const Hash> proof,
                      const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = node_hash(p, r);
      shift_until_set_or_zero(fn, sn);
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                        const Hash& new_root, std::span<const Hash> proof) {
  if (old_size == 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;
  std::vector<Hash> path;
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = old_size - 1, sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path.front(), sr = path.front();
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      shift_until_set_or_zero(fn, sn);
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

std::optional<TreeEdge> TreeEdge::from_nodes(std::uint64_t size, std::span<const Hash> peaks) {
  if (static_cast<std::size_t>(std::popcount(size)) != peaks.size()) return std::nullopt;
  TreeEdge edge;
  edge.size_ = size;
  edge.peaks_.assign(peaks.begin(), peaks.end());
  return edge;
}

std::vector<StoredNode> TreeEdge::append(const Hash& leaf) {
  std::vector<StoredNode> made;
  const std::uint64_t index = size_;
  Hash carry = leaf;
  made.push_back({{0, index}, carry});
  for (int level = 0; (index >> level) & 1; ++level) {
    carry = node_hash(peaks_.back(), carry);
    peaks_.pop_back();
    made.push_back({{level + 1, index >> (level + 1)}, carry});
  }
  peaks_.push_back(carry);
  ++size_;
  return made;
}

void TreeCheck::add(std::int64_t seq, const Hash& leaf) {
  ++events_;
  if (fault_ != Fault::kNone) return;
  for (const StoredNode& made : edge_.append(leaf)) {
    const auto found = [&](Fault fault) {
      fault_ = fault;
      fault_node_ = made.id;
      fault_seq_ = seq;
    };
    if (next_ == stored_.size()) return found(Fault::kTreeEnds);
    const StoredNode& stored = stored_[next_++];
    if (stored.id.key() != made.id.key()) return found(Fault::kNodeMissing);
    if (stored.hash != made.hash)
      return found(made.id.level == 0 ? Fault::kLeafDiffers : Fault::kNodeDiffers);
  }
}

std::string TreeCheck::fault_problem() const {
  const std::string range = "events " + std::to_string(fault_node_.first_leaf() + 1) + ".." +
                            std::to_string(fault_node_.last_leaf() + 1);
  switch (fault_) {
    case Fault::kTreeEnds:
      return "the stored Merkle tree ends before " + event_name(fault_seq_) + ": it covers " +
             std::to_string(fault_node_.first_leaf()) + " of " + std::to_string(events_) +
             " events (the tree was rolled back or cut short)";
    case Fault::kNodeMissing:
      return "the stored Merkle tree lacks its node over " + range + " (nodes were removed or added)";
    case Fault::kLeafDiffers:
      return event_name(fault_seq_) +
             " differs from its leaf in the Merkle tree: the event or the tree was altered";
    case Fault::kNodeDiffers:
      return "the Merkle tree's node over " + range + " differs from those events: the tree was altered";
    case Fault::kNone:
      break;
  }
  return {};
}

TreeVerdict TreeCheck::verdict() const {
  TreeVerdict verdict;
  if (fault_ != Fault::kNone) {
    verdict.ok = false;
    verdict.first_bad = static_cast<std::int64_t>(fault_node_.first_leaf()) + 1;
    verdict.problem = fault_problem();
    return verdict;
  }
  verdict.size = edge_.size();
  verdict.root = edge_.root();
  if (next_ < stored_.size()) {
    verdict.ok = false;
    verdict.first_bad = static_cast<std::int64_t>(stored_[next_].id.first_leaf()) + 1;
    verdict.problem = "the stored Merkle tree holds nodes beyond the ledger's last event (" +
                      std::to_string(events_) + "): events were removed from the end";
  }
  return verdict;
}

TreeVerdict verify_tree(std::span<const Event> events, std::span<const StoredNode> stored) {
  TreeCheck check(stored);
  for (const Event& event : events) check.add(event.seq, event_leaf(event));
  return check.verdict();
}

}  // namespace moat::ledger
