// SPDX-License-Identifier: Apache-2.0
// The ledger's Merkle tree, as RFC 9162 §2.1 defines it: SHA-256, a leaf hashed as
// H(0x00 ‖ entry) and a node as H(0x01 ‖ left ‖ right), the entry being an event's canonical
// encoding (ledger/chain.h). Inclusion and consistency proofs are generated and verified here;
// the tree's nodes are stored by the store. Pure: hashes in, hashes and verdicts out.
//
// The tree is kept as its complete subtrees (NodeId): each is written once, when its last leaf
// is appended, so that appending never rewrites a stored node and any range a proof needs is a
// fold of at most 64 stored nodes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moat::ledger {

struct Event;  // ledger/chain.h

using Hash = std::array<std::uint8_t, 32>;

Hash sha256(std::string_view bytes);
Hash leaf_hash(std::string_view entry);               // H(0x00 ‖ entry)
Hash node_hash(const Hash& left, const Hash& right);  // H(0x01 ‖ left ‖ right)
Hash empty_root();                                    // H(""), the root of the empty tree
Hash event_leaf(const Event& event);                  // leaf_hash(canonical_encoding(event))

std::string to_hex(const Hash& hash);
std::string to_base64(const Hash& hash);
std::optional<Hash> hash_from_hex(std::string_view hex);
std::optional<Hash> hash_from_base64(std::string_view text);

// MTH(D[0:n]) over leaf hashes, by the RFC's recursive definition: the reference the tests and
// the verification of a whole ledger compare with.
Hash root_of(std::span<const Hash> leaves);

// A complete subtree: the 2^level leaves from index · 2^level on.
struct NodeId {
  int level = 0;
  std::uint64_t index = 0;
  std::uint64_t first_leaf() const { return index << level; }
  std::uint64_t last_leaf() const { return ((index + 1) << level) - 1; }
  // The key a node is stored under: ordered as the nodes are made while leaves are appended.
  std::uint64_t key() const { return last_leaf() * 64 + static_cast<std::uint64_t>(level); }
  static NodeId from_key(std::uint64_t key);
  bool operator==(const NodeId&) const = default;
};

// Leaves [begin, end).
struct Range {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

// The complete subtrees whose fold (fold_nodes) is MTH of `range`, left to right. The range must
// be one an RFC 9162 proof names (its start a multiple of a power of two not smaller than its
// size), as every range below is.
std::vector<NodeId> range_nodes(Range range);
// Folds subtree hashes, left to right, into the hash of the range they cover:
// node(h0, node(h1, ... node(hn-2, hn-1))). Empty: the empty root.
Hash fold_nodes(std::span<const Hash> hashes);

// The ranges whose hashes are the inclusion proof of leaf `index` in a tree of `size` leaves
// (RFC 9162 §2.1.3.1), leaf's sibling first. Empty when index >= size.
std::vector<Range> inclusion_ranges(std::uint64_t index, std::uint64_t size);
// The ranges whose hashes are the consistency proof from `old_size` to `new_size` leaves
// (RFC 9162 §2.1.4.1). Empty unless 0 < old_size < new_size.
std::vector<Range> consistency_ranges(std::uint64_t old_size, std::uint64_t new_size);

// RFC 9162 §2.1.3.2. False for any proof that does not lead from `leaf` to `root`.
bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, std::span<const Hash> proof,
                      const Hash& root);
// RFC 9162 §2.1.4.2, with the edge cases of the published vectors: equal sizes need an empty
// proof and equal roots; an old size of zero proves nothing and is refused.
bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                        const Hash& new_root, std::span<const Hash> proof);

struct StoredNode {
  NodeId id;
  Hash hash{};
};

// The right edge of a tree: the complete subtrees that make up its `size` leaves, largest first.
// Appending a leaf returns the nodes it completes (the leaf itself included), which are all that
// must be stored; nothing stored before changes.
class TreeEdge {
 public:
  TreeEdge() = default;
  // The edge of a tree of `size` leaves, from the hashes of range_nodes({0, size}).
  static std::optional<TreeEdge> from_nodes(std::uint64_t size, std::span<const Hash> peaks);

  std::vector<StoredNode> append(const Hash& leaf);
  std::uint64_t size() const { return size_; }
  Hash root() const { return fold_nodes(peaks_); }

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> peaks_;
};

struct TreeVerdict {
  bool ok = true;
  std::uint64_t size = 0;                 // leaves rebuilt from the events
  Hash root{};                            // their root
  std::optional<std::int64_t> first_bad;  // the seq of the first event whose leaf or subtree is wrong
  std::string problem;                    // for a person
};

// Rebuilds the tree from `events` (seq 1, 2, ... in order: check the chain first) and compares
// every node with `stored` (sorted by key), naming the first event whose leaf or subtree differs,
// and a stored tree that is shorter (rolled back) or longer than the ledger.
TreeVerdict verify_tree(std::span<const Event> events, std::span<const StoredNode> stored);

// The same check one event at a time, for a reader that streams the events: `add` each event's
// leaf in order, then `verdict()` is what verify_tree gives for all of them. Holds the tree's
// right edge, not the events; `stored` must outlive it.
class TreeCheck {
 public:
  explicit TreeCheck(std::span<const StoredNode> stored) : stored_(stored) {}
  // The next event's seq and leaf hash (event_leaf). After a fault, only counts the events.
  void add(std::int64_t seq, const Hash& leaf);
  TreeVerdict verdict() const;

 private:
  enum class Fault { kNone, kTreeEnds, kNodeMissing, kLeafDiffers, kNodeDiffers };
  std::string fault_problem() const;

  std::span<const StoredNode> stored_;
  TreeEdge edge_;
  std::size_t next_ = 0;      // the next stored node to compare
  std::uint64_t events_ = 0;  // events added
  Fault fault_ = Fault::kNone;
  NodeId fault_node_;           // the node made when the fault was found
  std::int64_t fault_seq_ = 0;  // and the event that made it
};

}  // namespace moat::ledger
