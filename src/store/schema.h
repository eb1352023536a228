// SPDX-License-Identifier: Apache-2.0
// The workspace's record kinds, as data: each table's fields with their type, whether they are
// required, their bounds, defaults and the CSV header names they answer to. One description
// drives the readers' validation, the store's row mapping, export order and the ledger's
// entity names, so that adding a field is one row here plus a migration.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace moat::store {

enum class FieldType {
  kId,       // moat id syntax
  kText,     // any UTF-8 text
  kNumber,   // decimal
  kInteger,  // whole number
  kBool,
  kDate,        // YYYY-MM-DD
  kCurrency,    // ISO 4217: three capitals
  kEnum,        // one of `values`
  kIdList,      // list of ids
  kTextList,    // list of texts (designators): CSV cells split on , ; or space
  kNameList,    // list of texts that may hold spaces (sites, names): CSV cells split on ;
  kCapability,  // from the workspace's capability catalog
  kCapabilityList,
  kUscc,   // unified social credit code
  kShare,  // number in [0, 1]
};

// What a number must be besides its type: a count at least 1, a percent 0 to 100 (a score), ...
enum class Bound { kNone, kPositive, kNonNegative, kAtLeastOne, kPercent };

struct Field {
  std::string_view name;
  FieldType type;
  bool required = false;
  Bound bound = Bound::kNone;
  std::span<const std::string_view> values = {};   // kEnum's allowed values
  std::string_view default_json = {};              // JSON text of the default, if any
  std::span<const std::string_view> aliases = {};  // further CSV header names
};

// A field whose value (or each item of a list) names a record of `table`. With `scope`, the
// target's key is (this record's `scope` field, the value): a work package of the same product.
struct Reference {
  std::string_view field;
  std::string_view table;
  std::string_view scope = {};
};

struct Table {
  std::string_view name;      // SQL table, JSON key and ledger entity: "suppliers"
  std::string_view singular;  // for messages: "supplier"
  std::vector<Field> fields;  // the key fields come first
  std::size_t key_size = 1;
  bool product_scoped = false;             // first key field is the product
  std::vector<Reference> references = {};  // checked across records on every write

  std::span<const Field> key_fields() const { return {fields.data(), key_size}; }
  const Field* field(std::string_view field_name) const;
};

// Every record table, parents before children (the order of export and import).
std::span<const Table> tables();
// The table named `name`, or nullptr.
const Table* find_table(std::string_view name);

}  // namespace moat::store
