// SPDX-License-Identifier: Apache-2.0
// The Merkle tree against the published RFC 9162 vectors (transparency-dev/merkle's inclusion and
// consistency cases, beside the repository in shared/vectors) and against brute force: proofs
// built from stored subtrees must equal those the RFC's recursive definitions give, verify, and
// stop verifying when either tree is altered.
#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>

#include "ledger/chain.h"

namespace moat::ledger {
namespace {

using nlohmann::json;

// Beside the repository: CTest sets MOAT_SOURCE_DIR.
std::filesystem::path vectors_dir() {
  const char* source = std::getenv("MOAT_SOURCE_DIR");
  return std::filesystem::path(source ? source : ".") / ".." / "shared" / "vectors" / "rfc9162-merkle";
}

json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// The vectors hold some values that are not 32 bytes long (empty, or short garbage). A Hash
// cannot hold them: an inclusion case with one is refused before verification, as the reference
// verifier refuses it; consistency cases only ever compare such roots for equality, so they are
// mapped one-to-one onto hashes that no real tree produces.
bool is_hash(const json& value) {
  return hash_from_base64(value.get<std::string>()).has_value();
}

Hash vector_hash(const json& value) {
  const std::string text = value.get<std::string>();
  if (auto hash = hash_from_base64(text)) return *hash;
  return sha256("not a 32-byte hash: " + text);
}

std::vector<Hash> vector_proof(const json& value) {
  std::vector<Hash> proof;
  for (const json& item : value) proof.push_back(vector_hash(item));
  return proof;
}

std::vector<std::filesystem::path> cases(const std::string& kind) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(vectors_dir() / kind)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(MerkleVectors, InclusionCasesGiveTheirExpectedVerdict) {
  ASSERT_TRUE(std::filesystem::is_directory(vectors_dir())) << vectors_dir() << " is missing";
  const auto files = cases("inclusion");
  ASSERT_GT(files.size(), 50u);
  for (const auto& file : files) {
    const json c = read_json(file);
    const bool hashes = is_hash(c["leafHash"]) && is_hash(c["root"]);
    const bool verified =
        hashes &&
        verify_inclusion(c["leafIdx"].get<std::uint64_t>(), c["treeSize"].get<std::uint64_t>(),
                         vector_hash(c["leafHash"]), vector_proof(c["proof"]), vector_hash(c["root"]));
    EXPECT_EQ(verified, !c["wantErr"].get<bool>()) << file << ": " << c["desc"];
  }
}

TEST(MerkleVectors, ConsistencyCasesGiveTheirExpectedVerdict) {
  ASSERT_TRUE(std::filesystem::is_directory(vectors_dir())) << vectors_dir() << " is missing";
  const auto files = cases("consistency");
  ASSERT_GT(files.size(), 50u);
  for (const auto& file : files) {
    const json c = read_json(file);
    const bool verified =
        verify_consistency(c["size1"].get<std::uint64_t>(), c["size2"].get<std::uint64_t>(),
                           vector_hash(c["root1"]), vector_hash(c["root2"]), vector_proof(c["proof"]));
    EXPECT_EQ(verified, !c["wantErr"].get<bool>()) << file << ": " << c["desc"];
  }
}

// RFC 9162 §2.1.3.1 PATH and §2.1.4.1 SUBPROOF, written straight from the text over leaves.
std::vector<Hash> brute_path(std::uint64_t m, std::span<const Hash> d) {
  if (d.size() <= 1) return {};
  const std::size_t k = std::bit_floor(d.size() - 1);
  std::vector<Hash> path;
  if (m < k) {
    path = brute_path(m, d.first(k));
    path.push_back(root_of(d.subspan(k)));
  } else {
    path = brute_path(m - k, d.subspan(k));
    path.push_back(root_of(d.first(k)));
  }
  return path;
}

std::vector<Hash> brute_subproof(std::uint64_t m, std::span<const Hash> d, bool complete) {
  if (m == d.size()) return complete ? std::vector<Hash>{} : std::vector<Hash>{root_of(d)};
  const std::size_t k = std::bit_floor(d.size() - 1);
  std::vector<Hash> proof;
  if (m <= k) {
    proof = brute_subproof(m, d.first(k), complete);
    proof.push_back(root_of(d.subspan(k)));
  } else {
    proof = brute_subproof(m - k, d.subspan(k), false);
    proof.push_back(root_of(d.first(k)));
  }
  return proof;
}

std::vector<Hash> leaves(std::size_t count, std::string_view salt = "") {
  std::vector<Hash> out;
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(leaf_hash("entry " + std::to_string(i) + std::string(salt)));
  return out;
}

// A tree as the store keeps it: every complete subtree by its key, made by appending.
struct StoredTree {
  std::unordered_map<std::uint64_t, Hash> nodes;
  std::vector<Hash> roots;  // roots[s]: the root after s leaves

  explicit StoredTree(std::span<const Hash> leaves) {
    TreeEdge edge;
    roots.push_back(edge.root());
    for (const Hash& leaf : leaves) {
      for (const StoredNode& node : edge.append(leaf)) nodes[node.id.key()] = node.hash;
      roots.push_back(edge.root());
    }
  }
  Hash range_hash(Range range) const {
    std::vector<Hash> hashes;
    for (const NodeId& id : range_nodes(range)) hashes.push_back(nodes.at(id.key()));
    return fold_nodes(hashes);
  }
  std::vector<Hash> proof(const std::vector<Range>& ranges) const {
    std::vector<Hash> out;
    for (const Range& range : ranges) out.push_back(range_hash(range));
    return out;
  }
};

TEST(Merkle, RootsFromAppendsEqualTheRecursiveDefinition) {
  const auto d = leaves(300);
  const StoredTree tree(d);
  EXPECT_EQ(tree.roots[0], empty_root());
  for (std::size_t n = 1; n <= d.size(); ++n) {
    ASSERT_EQ(tree.roots[n], root_of(std::span(d).first(n))) << n;
    ASSERT_EQ(tree.range_hash({0, n}), tree.roots[n]) << n;
  }
}

TEST(Merkle, InclusionProofsEqualBruteForceAndVerify) {
  const auto d = leaves(130);
  const StoredTree tree(d);
  for (std::uint64_t n = 1; n <= d.size(); ++n) {
    for (std::uint64_t m = 0; m < n; ++m) {
      const auto proof = tree.proof(inclusion_ranges(m, n));
      ASSERT_EQ(proof, brute_path(m, std::span(d).first(n))) << m << " in " << n;
      ASSERT_TRUE(verify_inclusion(m, n, d[m], proof, tree.roots[n])) << m << " in " << n;
      if (n > 1) {
        ASSERT_FALSE(verify_inclusion(m, n, d[(m + 1) % n], proof, tree.roots[n])) << m << " in " << n;
      }
      if (!proof.empty()) {
        auto truncated = proof;
        truncated.pop_back();
        ASSERT_FALSE(verify_inclusion(m, n, d[m], truncated, tree.roots[n])) << m << " in " << n;
      }
    }
  }
}

TEST(Merkle, ConsistencyProofsEqualBruteForce) {
  const auto d = leaves(130);
  const StoredTree tree(d);
  for (std::uint64_t n = 1; n <= d.size(); ++n) {
    for (std::uint64_t m = 1; m < n; ++m) {
      ASSERT_EQ(tree.proof(consistency_ranges(m, n)), brute_subproof(m, std::span(d).first(n), true))
          << m << " to " << n;
    }
  }
}

// Every pair of sizes of a 1,000-event ledger: the proof verifies, and fails when the old tree,
// the new tree, or the history under both was altered.
TEST(Merkle, ConsistencyBetweenAnyTwoSizesOfAThousandEventLedger) {
  constexpr std::size_t kEvents = 1000;
  const auto d = leaves(kEvents);
  const StoredTree tree(d);
  // Altered histories: one leaf changed at each of these places.
  const std::vector<std::size_t> places = {0, 1, 2, 5, 64, 100, 255, 256, 511, 700, 998};
  std::vector<StoredTree> altered;
  for (const std::size_t p : places) {
    auto changed = d;
    changed[p] = leaf_hash("forged");
    altered.emplace_back(changed);
  }
  for (std::uint64_t n = 2; n <= kEvents; ++n) {
    for (std::uint64_t m = 1; m < n; ++m) {
      const auto proof = tree.proof(consistency_ranges(m, n));
      ASSERT_TRUE(verify_consistency(m, n, tree.roots[m], tree.roots[n], proof)) << m << " to " << n;
      if ((m * 31 + n) % 8 != 0) continue;  // the alterations on one pair in eight: the test stays fast
      // The last alteration inside the old tree, and the first inside the new tree's new part.
      std::size_t old_alteration = 0, new_alteration = places.size();
      for (std::size_t a = 0; a < places.size(); ++a) {
        if (places[a] < m) old_alteration = a;
        if (places[a] >= m && places[a] < n && new_alteration == places.size()) new_alteration = a;
      }
      const StoredTree& forged = altered[old_alteration];
      ASSERT_FALSE(verify_consistency(m, n, forged.roots[m], tree.roots[n], proof))
          << "old altered " << m << "," << n;
      ASSERT_FALSE(verify_consistency(m, n, tree.roots[m], forged.roots[n], proof))
          << "new altered " << m << "," << n;
      ASSERT_FALSE(
          verify_consistency(m, n, tree.roots[m], forged.roots[n], forged.proof(consistency_ranges(m, n))))
          << "rewritten history " << m << "," << n;
      if (new_alteration < places.size()) {
        // Changing only what was appended after m is an honest extension: it stays consistent.
        const StoredTree& extended = altered[new_alteration];
        ASSERT_TRUE(verify_consistency(m, n, tree.roots[m], extended.roots[n],
                                       extended.proof(consistency_ranges(m, n))));
      }
    }
  }
}

TEST(Merkle, TruncatedOrPaddedConsistencyProofsFail) {
  const auto d = leaves(77);
  const StoredTree tree(d);
  for (std::uint64_t m = 1; m < 77; ++m) {
    auto proof = tree.proof(consistency_ranges(m, 77));
    auto longer = proof;
    longer.push_back(d[0]);
    EXPECT_FALSE(verify_consistency(m, 77, tree.roots[m], tree.roots[77], longer)) << m;
    proof.pop_back();
    EXPECT_FALSE(verify_consistency(m, 77, tree.roots[m], tree.roots[77], proof)) << m;
  }
}

TEST(Merkle, NodeKeysRoundTripAndFollowAppendOrder) {
  TreeEdge edge;
  std::uint64_t last_key = 0;
  bool first = true;
  for (const Hash& leaf : leaves(200)) {
    for (const StoredNode& node : edge.append(leaf)) {
      EXPECT_EQ(NodeId::from_key(node.id.key()), node.id);
      if (!first) {
        EXPECT_GT(node.id.key(), last_key);
      }
      last_key = node.id.key();
      first = false;
    }
  }
}

TEST(Merkle, EdgeRebuiltFromItsPeaksContinuesTheSameTree) {
  const auto d = leaves(45);
  const StoredTree tree(std::span<const Hash>(d).first(29));
  std::vector<Hash> peaks;
  for (const NodeId& id : range_nodes({0, 29})) peaks.push_back(tree.nodes.at(id.key()));
  auto edge = TreeEdge::from_nodes(29, peaks);
  ASSERT_TRUE(edge);
  for (std::size_t i = 29; i < d.size(); ++i) edge->append(d[i]);
  EXPECT_EQ(edge->root(), root_of(d));
  EXPECT_FALSE(TreeEdge::from_nodes(29, std::span(peaks).first(2)));
}

std::vector<Event> chain(std::size_t count) {
  std::vector<Event> events;
  for (std::size_t i = 0; i < count; ++i) {
    Event e;
    e.at = "2026-12-01T00:00:00.000Z";
    e.actor = "tester";
    e.action = "put";
    e.entity = "suppliers";
    e.key = "F" + std::to_string(i);
    e.after = "{}";
    events.push_back(seal(std::move(e), events.empty() ? nullptr : &events.back()));
  }
  return events;
}

std::vector<StoredNode> stored_nodes(std::span<const Event> events) {
  TreeEdge edge;
  std::vector<StoredNode> out;
  for (const Event& e : events) {
    for (const StoredNode& node : edge.append(event_leaf(e))) out.push_back(node);
  }
  return out;
}

TEST(MerkleTreeVerify, AcceptsTheTreeOfItsEvents) {
  const auto events = chain(37);
  const auto verdict = verify_tree(events, stored_nodes(events));
  EXPECT_TRUE(verdict.ok) << verdict.problem;
  EXPECT_EQ(verdict.size, 37u);
}

TEST(MerkleTreeVerify, NamesTheEventWhoseLeafDiffers) {
  auto events = chain(37);
  const auto nodes = stored_nodes(events);
  events[11].actor = "mallory";
  const auto verdict = verify_tree(events, nodes);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 12);
  EXPECT_NE(verdict.problem.find("event 12"), std::string::npos) << verdict.problem;
}

TEST(MerkleTreeVerify, NamesARolledBackOrLongerTree) {
  const auto events = chain(37);
  auto nodes = stored_nodes(events);
  const auto short_tree = std::span(nodes).first(nodes.size() - 5);
  const auto verdict = verify_tree(events, short_tree);
  EXPECT_FALSE(verdict.ok);
  EXPECT_NE(verdict.problem.find("rolled back"), std::string::npos) << verdict.problem;
  const auto longer = verify_tree(std::span(events).first(30), nodes);
  EXPECT_FALSE(longer.ok);
  EXPECT_NE(longer.problem.find("beyond the ledger's last event"), std::string::npos) << longer.problem;
}

TEST(MerkleTreeVerify, NamesAnAlteredInnerNode) {
  const auto events = chain(16);
  auto nodes = stored_nodes(events);
  for (StoredNode& node : nodes) {
    if (node.id.level == 2 && node.id.index == 1) node.hash[0] ^= 1;
  }
  const auto verdict = verify_tree(events, nodes);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.first_bad, 5);
  EXPECT_NE(verdict.problem.find("events 5..8"), std::string::npos) << verdict.problem;
}

// A thread hashes with libsodium first and with OpenSSL after its first thousand hashes
// (merkle.cc): the same inputs hashed in opposite orders in two fresh threads meet both ways.
TEST(Merkle, HashesAreTheSameBeforeAndAfterTheSwitchToOpenSsl) {
  std::vector<std::string> inputs{"abc"};
  for (int i = 1; i < 2500; ++i) {
    inputs.push_back(std::string(static_cast<std::size_t>(i % 300), 'x') + std::to_string(i));
  }
  const auto hash_all = [&inputs](bool reversed) {
    std::vector<Hash> out(inputs.size());
    std::thread worker([&] {
      for (std::size_t k = 0; k < inputs.size(); ++k) {
        const std::size_t i = reversed ? inputs.size() - 1 - k : k;
        out[i] = sha256(inputs[i]);
      }
    });
    worker.join();
    return out;
  };
  const std::vector<Hash> forward = hash_all(false);
  EXPECT_EQ(forward, hash_all(true));
  EXPECT_EQ(to_hex(forward[0]), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace moat::ledger
