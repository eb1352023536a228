// SPDX-License-Identifier: Apache-2.0
#include "store/tree.h"

#include <algorithm>
#include <bit>
#include <map>

namespace moat::store {
namespace {

constexpr std::string_view kEventColumns =
    R"("seq", "at", "actor", "action", "entity", "entity_key", "before_json", "after_json", "prev_hash", "hash")";
constexpr std::size_t kBuildBatch = 10000;
constexpr std::size_t kInsertRows = 1000;  // rows per INSERT (SQLite allows 32766 parameters)
constexpr std::uint64_t kMaxNodesReserved = std::uint64_t{1} << 21;  // 96 MiB of nodes

Error integrity(std::string message) {
  return Error(ErrorCode::kIntegrity, "ledger_tree", std::move(message));
}

std::string placeholders(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += i ? ", ?" : "?";
  return out;
}

Result<ledger::Hash> hash_of(const SqlValue& value, std::string_view what) {
  const auto* text = std::get_if<std::string>(&value);
  const auto hash = text ? ledger::hash_from_hex(*text) : std::nullopt;
  if (!hash) return integrity(std::string(what) + " holds a malformed hash");
  return *hash;
}

// The hashes of `ids`, in their order, in one query.
Result<std::vector<ledger::Hash>> load_nodes(Database& db, std::span<const ledger::NodeId> ids) {
  if (ids.empty()) return std::vector<ledger::Hash>();
  std::vector<SqlValue> keys;
  for (const ledger::NodeId& id : ids) keys.emplace_back(static_cast<std::int64_t>(id.key()));
  MOAT_TRY(const auto rows, db.query(R"(SELECT "node", "hash" FROM "ledger_tree" WHERE "node" IN ()" +
                                         placeholders(keys.size()) + ")",
                                     keys));
  std::map<std::int64_t, ledger::Hash> found;
  for (const SqlRow& row : rows) {
    const auto* key = std::get_if<std::int64_t>(&row[0]);
    if (!key) return integrity("a node's key is not a number");
    MOAT_TRY(found[*key], hash_of(row[1], "a node"));
  }
  std::vector<ledger::Hash> hashes;
  for (const ledger::NodeId& id : ids) {
    const auto it = found.find(static_cast<std::int64_t>(id.key()));
    if (it == found.end()) {
      return integrity("the Merkle tree lacks its node over events " + std::to_string(id.first_leaf() + 1) +
                       ".." + std::to_string(id.last_leaf() + 1) + ": run 'moat audit verify'");
    }
    hashes.push_back(it->second);
  }
  return hashes;
}

Result<StoredCheckpoint> checkpoint_of(const SqlRow& row) {
  StoredCheckpoint checkpoint;
  const auto* id = std::get_if<std::int64_t>(&row[0]);
  const auto* size = std::get_if<std::int64_t>(&row[1]);
  const auto* note = std::get_if<std::string>(&row[3]);
  const auto* at = std::get_if<std::string>(&row[4]);
  if (!id || !size || *size < 0 || !note || !at) {
    return Error(ErrorCode::kIntegrity, "checkpoints", "a stored checkpoint is malformed");
  }
  checkpoint.id = *id;
  checkpoint.size = static_cast<std::uint64_t>(*size);
  MOAT_TRY(checkpoint.root, hash_of(row[2], "a checkpoint"));
  checkpoint.note = *note;
  checkpoint.at = *at;
  return checkpoint;
}

}  // namespace

std::string_view event_columns() {
  return kEventColumns;
}

Result<ledger::Event> event_of_row(const SqlRow& row) {
  return event_of_row(SqlRow(row));
}

Result<ledger::Event> event_of_row(SqlRow&& row) {
  ledger::Event event;
  const auto text = [&](std::size_t i) -> std::optional<std::string> {
    if (auto* s = std::get_if<std::string>(&row[i])) return std::move(*s);
    return std::nullopt;
  };
  const auto* seq = std::get_if<std::int64_t>(&row[0]);
  if (!seq) return Error(ErrorCode::kIntegrity, "ledger", "an event's seq is not a number");
  event.seq = *seq;
  event.at = text(1).value_or("");
  event.actor = text(2).value_or("");
  event.action = text(3).value_or("");
  event.entity = text(4).value_or("");
  event.key = text(5).value_or("");
  event.before = text(6);
  event.after = text(7);
  event.prev_hash = text(8).value_or("");
  event.hash = text(9).value_or("");
  return event;
}

Status assign_event(std::span<const SqlValueView> row, ledger::Event& event) {
  const auto* seq = std::get_if<std::int64_t>(&row[0]);
  if (!seq) return Error(ErrorCode::kIntegrity, "ledger", "an event's seq is not a number");
  const auto text = [&](std::size_t i) { return std::get_if<std::string_view>(&row[i]); };
  const auto assign = [&](std::size_t i, std::string& out) {
    const auto* value = text(i);
    out.assign(value ? *value : std::string_view());
  };
  const auto assign_optional = [&](std::size_t i, std::optional<std::string>& out) {
    if (const auto* value = text(i)) {
      if (!out) out.emplace();
      out->assign(*value);
    } else {
      out.reset();
    }
  };
  event.seq = *seq;
  assign(1, event.at);
  assign(2, event.actor);
  assign(3, event.action);
  assign(4, event.entity);
  assign(5, event.key);
  assign_optional(6, event.before);
  assign_optional(7, event.after);
  assign(8, event.prev_hash);
  assign(9, event.hash);
  return {};
}

Result<std::uint64_t> tree_size(Database& db) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT MAX("node") FROM "ledger_tree")"));
  const auto* key = rows.empty() ? nullptr : std::get_if<std::int64_t>(&rows.front().front());
  if (!key) return std::uint64_t{0};
  if (*key < 0) return integrity("a node's key is negative");
  return ledger::NodeId::from_key(static_cast<std::uint64_t>(*key)).last_leaf() + 1;
}

Result<ledger::TreeEdge> load_tree_edge(Database& db, std::uint64_t size) {
  const std::vector<ledger::NodeId> ids = ledger::range_nodes({0, size});
  MOAT_TRY(const auto peaks, load_nodes(db, ids));
  auto edge = ledger::TreeEdge::from_nodes(size, peaks);
  if (!edge) return integrity("the Merkle tree's edge is inconsistent");
  return *edge;
}

Result<TreeHead> tree_head(Database& db) {
  MOAT_TRY(const std::uint64_t size, tree_size(db));
  MOAT_TRY(const ledger::TreeEdge edge, load_tree_edge(db, size));
  return TreeHead{size, edge.root()};
}

Status insert_tree_nodes(Database& db, std::span<const ledger::StoredNode> nodes) {
  // Many nodes (a tree built at once) copied where the database copies rows; else several rows
  // per statement (an append makes about two).
  const bool copy = db.copies_rows() && nodes.size() >= kCopyRowsAtLeast;
  const std::size_t per_statement = copy ? nodes.size() : kInsertRows;
  for (std::size_t at = 0; at < nodes.size(); at += per_statement) {
    const std::span<const ledger::StoredNode> chunk =
        nodes.subspan(at, std::min(per_statement, nodes.size() - at));
    std::vector<SqlValue> values;
    values.reserve(chunk.size() * 2);
    for (const ledger::StoredNode& node : chunk) {
      values.emplace_back(static_cast<std::int64_t>(node.id.key()));
      values.emplace_back(ledger::to_hex(node.hash));
    }
    if (copy) {
      MOAT_CHECK(db.copy_rows(R"("ledger_tree")", R"("node", "hash")", 2, values));
      continue;
    }
    std::string sql = R"(INSERT INTO "ledger_tree" ("node", "hash") VALUES (?, ?))";
    for (std::size_t i = 1; i < chunk.size(); ++i) sql += ", (?, ?)";
    MOAT_CHECK(db.execute_unanswered(sql, values));
  }
  return {};
}

Result<std::vector<ledger::Hash>> tree_range_hashes(Database& db, std::span<const ledger::Range> ranges) {
  std::vector<ledger::NodeId> ids;
  std::vector<std::size_t> counts;
  for (const ledger::Range& range : ranges) {
    const auto nodes = ledger::range_nodes(range);
    ids.insert(ids.end(), nodes.begin(), nodes.end());
    counts.push_back(nodes.size());
  }
  MOAT_TRY(const auto hashes, load_nodes(db, ids));
  std::vector<ledger::Hash> out;
  std::size_t at = 0;
  for (const std::size_t count : counts) {
    out.push_back(ledger::fold_nodes(std::span(hashes).subspan(at, count)));
    at += count;
  }
  return out;
}

Result<std::vector<ledger::StoredNode>> tree_nodes(Database& db) {
  std::vector<ledger::StoredNode> nodes;
  // A tree of n leaves stores 2n - popcount(n) complete subtrees (n from its newest node, which
  // may be forged: the reservation is bounded).
  MOAT_TRY(const std::uint64_t size, tree_size(db));
  const std::uint64_t expected = 2 * size - static_cast<std::uint64_t>(std::popcount(size));
  nodes.reserve(static_cast<std::size_t>(std::min(expected, kMaxNodesReserved)));
  MOAT_CHECK(
      db.for_each_row(R"(SELECT "node", "hash" FROM "ledger_tree" ORDER BY "node")", {},
                      [&](std::span<const SqlValueView> row) -> Result<bool> {
                        const auto* key = std::get_if<std::int64_t>(&row[0]);
                        if (!key || *key < 0) return integrity("a node's key is not a number");
                        const auto* hex = std::get_if<std::string_view>(&row[1]);
                        const auto hash = hex ? ledger::hash_from_hex(*hex) : std::nullopt;
                        if (!hash) return integrity("a node holds a malformed hash");
                        nodes.push_back({ledger::NodeId::from_key(static_cast<std::uint64_t>(*key)), *hash});
                        return true;
                      }));
  return nodes;
}

Status build_tree(Database& db) {
  MOAT_TRY(const std::uint64_t existing, tree_size(db));
  if (existing > 0) return {};
  ledger::TreeEdge edge;
  for (std::int64_t from = 1;;) {
    const SqlValue params[] = {from, static_cast<std::int64_t>(kBuildBatch)};
    MOAT_TRY(const auto rows, db.query("SELECT " + std::string(kEventColumns) +
                                           R"( FROM "ledger" WHERE "seq" >= ? ORDER BY "seq" LIMIT ?)",
                                       params));
    std::vector<ledger::StoredNode> nodes;
    for (const SqlRow& row : rows) {
      MOAT_TRY(const ledger::Event event, event_of_row(row));
      const auto made = edge.append(ledger::event_leaf(event));
      nodes.insert(nodes.end(), made.begin(), made.end());
      from = event.seq + 1;
    }
    MOAT_CHECK(insert_tree_nodes(db, nodes));
    if (rows.size() < kBuildBatch) return {};
  }
}

Result<std::vector<StoredCheckpoint>> stored_checkpoints(Database& db) {
  MOAT_TRY(const auto rows,
           db.query(R"(SELECT "id", "size", "root", "note", "at" FROM "checkpoints" ORDER BY "id")"));
  std::vector<StoredCheckpoint> out;
  for (const SqlRow& row : rows) {
    MOAT_TRY(StoredCheckpoint checkpoint, checkpoint_of(row));
    out.push_back(std::move(checkpoint));
  }
  return out;
}

Result<std::int64_t> insert_checkpoint(Database& db, const StoredCheckpoint& checkpoint) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT MAX("id") FROM "checkpoints")"));
  const auto* last = rows.empty() ? nullptr : std::get_if<std::int64_t>(&rows.front().front());
  const std::int64_t id = last ? *last + 1 : 1;
  const SqlValue params[] = {id, static_cast<std::int64_t>(checkpoint.size), ledger::to_hex(checkpoint.root),
                             checkpoint.note, checkpoint.at};
  MOAT_CHECK(db.execute(
      R"(INSERT INTO "checkpoints" ("id", "size", "root", "note", "at") VALUES (?, ?, ?, ?, ?))", params));
  return id;
}

Status update_checkpoint_note(Database& db, std::int64_t id, const std::string& note) {
  const SqlValue params[] = {note, id};
  return db.execute(R"(UPDATE "checkpoints" SET "note" = ? WHERE "id" = ?)", params);
}

}  // namespace moat::store
