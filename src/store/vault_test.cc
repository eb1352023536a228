// SPDX-License-Identifier: Apache-2.0
#include "store/vault.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>

#include "testing/testing.h"

namespace moat::store {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunk = std::size_t{64} * 1024;
constexpr std::size_t kSeveralChunks = std::size_t{200} * 1024;
constexpr std::size_t kHeader = 24;  // secretstream header
constexpr std::size_t kSeal = 17;    // per-chunk tag and MAC

std::string pseudo_random(std::size_t size, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(generator() & 0xffU);
  return out;
}

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The code a result failed with, or nothing when it succeeded.
template <typename T>
std::optional<ErrorCode> failure(const Result<T>& result) {
  if (result.ok()) return std::nullopt;
  return result.error().code();
}

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(keys_dir());
    auto opened = open_vault("vault", 1);
    ASSERT_TRUE(opened.ok()) << opened.error().to_string();
    vault_.emplace(std::move(opened).value());
  }

  fs::path keys_dir() const { return dir_.path() / "keys"; }
  fs::path key_file(std::uint32_t seed) const {
    fs::path path = keys_dir() / ("vault-" + std::to_string(seed) + ".key");
    write_file(path, pseudo_random(SecretKey::kBytes, seed));
    return path;
  }
  Result<Vault> open_vault(const std::string& folder, std::uint32_t key_seed) const {
    fs::create_directories(dir_.path() / folder);
    return Vault::open(dir_.path() / folder, key_file(key_seed));
  }
  Vault& vault() { return *vault_; }
  fs::path file_of(const std::string& id) const { return dir_.path() / "vault" / id; }
  std::string put(std::string_view content) {
    auto entry = vault().put(content);
    EXPECT_TRUE(entry.ok()) << entry.error().to_string();
    return entry.ok() ? entry->id : "";
  }

  testing::TempDir dir_;
  std::optional<Vault> vault_;
};

TEST_F(VaultTest, RoundTripsContentOfEverySize) {
  struct Case {
    std::string name;
    std::string content;
  };
  const std::vector<Case> cases{
      {"empty", ""},
      {"small", "signed NDA, page 1 of 1"},
      {"exactly one chunk", pseudo_random(kChunk, 2)},
      {"one byte past a chunk", pseudo_random(kChunk + 1, 3)},
      {"exactly two chunks", pseudo_random(2 * kChunk, 4)},
      {"several chunks", pseudo_random(kSeveralChunks, 5)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto entry = vault().put(c.content);
    ASSERT_TRUE(entry.ok()) << entry.error().to_string();
    EXPECT_TRUE(is_vault_id(entry->id)) << entry->id;
    EXPECT_EQ(entry->size, c.content.size());
    EXPECT_TRUE(vault().contains(entry->id));
    auto back = vault().get(entry->id);
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_TRUE(*back == c.content);
  }
}

TEST_F(VaultTest, StoresTheSameContentOnce) {
  const std::string content = pseudo_random(100'000, 6);
  const std::string first = put(content);
  const std::string second = put(content);
  EXPECT_EQ(first, second);
  const auto files = std::distance(fs::directory_iterator(dir_.path() / "vault"), fs::directory_iterator());
  EXPECT_EQ(files, 1);  // and no temporary file left behind
}

TEST_F(VaultTest, ReadsWhatAnEarlierOpeningStored) {
  const std::string id = put("ISO 9001 certificate");
  auto reopened = open_vault("vault", 1);
  ASSERT_TRUE(reopened.ok()) << reopened.error().to_string();
  auto back = reopened->get(id);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, "ISO 9001 certificate");
}

TEST_F(VaultTest, RemainsUsableAfterAMove) {
  const std::string id = put("audit photo");
  Vault moved = std::move(vault());
  auto back = moved.get(id);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, "audit photo");
}

TEST_F(VaultTest, AnotherKeyGivesAnotherIdAndCannotReadTheFile) {
  auto other = open_vault("other", 2);
  ASSERT_TRUE(other.ok()) << other.error().to_string();
  const std::string content = "supplier agreement";
  const std::string id = put(content);
  auto other_entry = other->put(content);
  ASSERT_TRUE(other_entry.ok()) << other_entry.error().to_string();
  EXPECT_NE(other_entry->id, id);

  fs::copy_file(file_of(id), dir_.path() / "other" / id);
  EXPECT_EQ(failure(other->get(id)), ErrorCode::kIntegrity);
}

TEST_F(VaultTest, DetectsAFlippedByte) {
  const std::string id = put(pseudo_random(150'000, 7));
  const std::string original = read_file(file_of(id));
  const std::vector<std::size_t> offsets{
      0, kHeader - 1, kHeader, kHeader + 100, kHeader + kChunk + kSeal + 5, original.size() - 1};
  for (const std::size_t offset : offsets) {
    SCOPED_TRACE("byte " + std::to_string(offset));
    std::string flipped = original;
    flipped[offset] = static_cast<char>(flipped[offset] ^ 0x01);
    write_file(file_of(id), flipped);
    EXPECT_EQ(failure(vault().get(id)), ErrorCode::kIntegrity);
  }
  write_file(file_of(id), original);
  EXPECT_TRUE(vault().get(id).ok());
}

TEST_F(VaultTest, DetectsATruncatedFile) {
  const std::string id = put(pseudo_random(kSeveralChunks, 8));
  const std::string original = read_file(file_of(id));
  const std::size_t sealed_chunk = kChunk + kSeal;
  const std::vector<std::size_t> lengths{0,
                                         10,
                                         kHeader,
                                         kHeader + 1000,
                                         kHeader + sealed_chunk,
                                         kHeader + 3 * sealed_chunk,
                                         original.size() - 1};
  for (const std::size_t length : lengths) {
    SCOPED_TRACE("cut to " + std::to_string(length) + " bytes");
    write_file(file_of(id), std::string_view(original).substr(0, length));
    EXPECT_EQ(failure(vault().get(id)), ErrorCode::kIntegrity);
  }
}

TEST_F(VaultTest, DetectsBytesAppended) {
  const std::string id = put("certificate of conformity");
  write_file(file_of(id), read_file(file_of(id)) + "extra");
  EXPECT_EQ(failure(vault().get(id)), ErrorCode::kIntegrity);
}

TEST_F(VaultTest, DetectsAFileMovedOntoAnotherId) {
  const std::string genuine = put("the agreement as signed");
  const std::string forged = put("a different agreement");
  fs::copy_file(file_of(forged), file_of(genuine), fs::copy_options::overwrite_existing);
  EXPECT_EQ(failure(vault().get(genuine)), ErrorCode::kIntegrity);
  EXPECT_TRUE(vault().get(forged).ok());
}

TEST_F(VaultTest, ReportsUnknownAndMalformedIdsAsNotFound) {
  const std::string stored = put("stored");
  write_file(dir_.path() / "vault" / "notes.txt", "not vault content");
  const std::vector<std::string> ids{
      "v" + std::string(64, '0'),  // well formed, not stored
      "",
      "v",
      "../x",
      "notes.txt",
      "../keys/vault-1.key",
      "v" + std::string(64, 'A'),
      "x" + stored.substr(1),
      stored.substr(0, 64),
      stored + "0",
      stored + "/",
      "./" + stored,
      "../vault/" + stored,
  };
  for (const std::string& id : ids) {
    SCOPED_TRACE("id '" + id + "'");
    EXPECT_EQ(failure(vault().get(id)), ErrorCode::kNotFound);
    EXPECT_FALSE(vault().contains(id));
  }
}

TEST_F(VaultTest, StoresFilesReadableByTheOwnerOnly) {
  const std::string id = put("factory audit photo");
  EXPECT_EQ(fs::status(file_of(id)).permissions(), fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(VaultTest, DoesNotStoreThePlaintext) {
  const std::string marker = "CONFIDENTIAL-RECIPE-MARKER-";
  std::string content;
  for (int i = 0; i < 1000; ++i) content += marker;
  const std::string id = put(content);
  const std::string on_disk = read_file(file_of(id));
  EXPECT_EQ(on_disk.find(marker), std::string::npos);
  EXPECT_EQ(on_disk.size(), kHeader + content.size() + kSeal);
}

TEST_F(VaultTest, ListsStoredIdsSorted) {
  std::vector<std::string> ids;
  ids.reserve(5);
  for (int i = 0; i < 5; ++i) ids.push_back(put("document " + std::to_string(i)));
  write_file(dir_.path() / "vault" / "notes.txt", "stray");
  fs::create_directories(dir_.path() / "vault" / ("v" + std::string(64, 'f')));
  std::sort(ids.begin(), ids.end());
  auto listed = vault().list();
  ASSERT_TRUE(listed.ok()) << listed.error().to_string();
  EXPECT_EQ(*listed, ids);
}

TEST_F(VaultTest, RefusesAMissingKeyFile) {
  const fs::path missing = keys_dir() / "missing.key";
  auto opened = Vault::open(dir_.path() / "vault", missing);
  ASSERT_EQ(failure(opened), ErrorCode::kInternal);
  EXPECT_EQ(opened.error().where(), missing.string());
}

TEST_F(VaultTest, RefusesAKeyFileOfTheWrongLength) {
  for (const std::size_t length : {std::size_t{0}, std::size_t{16}, std::size_t{31}, std::size_t{33}}) {
    SCOPED_TRACE(std::to_string(length) + " bytes");
    const fs::path key = keys_dir() / "wrong.key";
    write_file(key, pseudo_random(length, 9));
    auto opened = Vault::open(dir_.path() / "vault", key);
    ASSERT_EQ(failure(opened), ErrorCode::kInternal);
    EXPECT_EQ(opened.error().where(), key.string());
    EXPECT_NE(opened.error().message().find("32 bytes"), std::string::npos) << opened.error().message();
  }
}

TEST_F(VaultTest, RefusesAMissingFolder) {
  EXPECT_EQ(failure(Vault::open(dir_.path() / "absent", key_file(1))), ErrorCode::kInternal);
}

std::optional<fs::path> find_pdf(const fs::path& dir) {
  std::error_code ignored;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ignored)) {
    if (entry.is_regular_file() && entry.path().extension() == ".pdf") return entry.path();
  }
  return std::nullopt;
}

TEST_F(VaultTest, RoundTripsARealPdf) {
  const fs::path shared = moat::testing::source_dir() / ".." / "shared" / "realworld";
  if (!fs::is_directory(shared)) GTEST_SKIP() << shared << " is missing";
  const std::optional<fs::path> pdf = find_pdf(shared);
  if (!pdf) GTEST_SKIP() << "no PDF under " << shared;
  const std::string content = read_file(*pdf);
  ASSERT_FALSE(content.empty());
  const std::string id = put(content);
  auto back = vault().get(id);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(*back == content) << *pdf;
}

}  // namespace
}  // namespace moat::store
