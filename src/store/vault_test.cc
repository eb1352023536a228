// SPDX-License-Identifier: Apache-2.0
#include "store/vault.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
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

// ---- Streaming --------------------------------------------------------------------------------------

// A ByteSource handing `content` out in pieces of `piece` bytes, as a socket would.
ByteSource pieces(const std::string& content, std::size_t piece) {
  return [&content, piece,
          offset = std::size_t{0}](std::span<unsigned char> buffer) mutable -> Result<std::size_t> {
    const std::size_t length = std::min({piece, buffer.size(), content.size() - offset});
    std::memcpy(buffer.data(), content.data() + offset, length);
    offset += length;
    return length;
  };
}

// Everything a reader hands out, and how it ended.
struct Drained {
  std::string content;
  std::size_t chunks = 0;
  std::size_t largest_chunk = 0;
  std::optional<Error> error;
};

Drained drain(VaultReader& reader) {
  Drained out;
  for (;;) {
    auto chunk = reader.next();
    if (!chunk.ok()) {
      out.error = chunk.error();
      return out;
    }
    if (chunk->empty()) return out;
    out.content.append(reinterpret_cast<const char*>(chunk->data()), chunk->size());
    out.largest_chunk = std::max(out.largest_chunk, chunk->size());
    ++out.chunks;
  }
}

std::size_t files_in(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST_F(VaultTest, StreamsAFileInAndOutInChunks) {
  const std::string content = pseudo_random(5 * kChunk + 123, 20);
  write_file(dir_.path() / "drawing.step", content);
  auto entry = vault().put_file(dir_.path() / "drawing.step");
  ASSERT_TRUE(entry.ok()) << entry.error().to_string();
  EXPECT_EQ(entry->size, content.size());
  EXPECT_EQ(entry->id, put(content));  // the same id as the whole content in memory gets

  auto reader = vault().open_reader(entry->id);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  EXPECT_EQ(reader->size(), content.size());
  const Drained drained = drain(*reader);
  ASSERT_FALSE(drained.error) << drained.error->to_string();
  EXPECT_TRUE(reader->finished());
  EXPECT_TRUE(drained.content == content);
  EXPECT_EQ(drained.chunks, 6U);
  EXPECT_EQ(drained.largest_chunk, kChunk);

  const fs::path out = dir_.path() / "out" / "drawing.step";
  fs::create_directories(out.parent_path());
  ASSERT_TRUE(vault().copy_to_file(entry->id, out).ok());
  EXPECT_TRUE(read_file(out) == content);
  EXPECT_EQ(files_in(out.parent_path()), 1U);
}

TEST_F(VaultTest, StreamsEverySizeFromASourceReadOnce) {
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{1}, kChunk - 1, kChunk, kChunk + 1, 3 * kChunk}) {
    SCOPED_TRACE(std::to_string(size) + " bytes");
    const std::string content = pseudo_random(size, static_cast<std::uint32_t>(size) + 21);
    auto entry = vault().put_stream(pieces(content, 1000));
    ASSERT_TRUE(entry.ok()) << entry.error().to_string();
    EXPECT_EQ(entry->size, size);
    auto back = vault().get(entry->id);
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_TRUE(*back == content);
  }
  auto ids = vault().list();
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(files_in(dir_.path() / "vault"), ids->size());  // no spool or temporary file left
}

TEST_F(VaultTest, ASourceThatFailsStoresNothing) {
  const std::string content = pseudo_random(3 * kChunk, 22);
  ByteSource inner = pieces(content, 4096);
  std::size_t served = 0;
  const ByteSource failing = [&](std::span<unsigned char> buffer) -> Result<std::size_t> {
    if (served > 2 * kChunk) return Error(ErrorCode::kInput, "upload", "the connection was reset");
    MOAT_TRY(const std::size_t got, inner(buffer));
    served += got;
    return got;
  };
  auto entry = vault().put_stream(failing);
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.error().where(), "upload");
  EXPECT_EQ(files_in(dir_.path() / "vault"), 0U);
}

TEST_F(VaultTest, PutFileRefusesAMissingFile) {
  EXPECT_EQ(failure(vault().put_file(dir_.path() / "absent.pdf")), ErrorCode::kNotFound);
}

TEST_F(VaultTest, CopiesToADescriptor) {
  const std::string content = pseudo_random(2 * kChunk + 7, 23);
  const std::string id = put(content);
  const fs::path out = dir_.path() / "copy";
  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(vault().copy_to_fd(id, fd).ok());
  ::close(fd);
  EXPECT_TRUE(read_file(out) == content);
}

// ---- Corruption: every way a stored file can go bad is caught by every way of reading it ------

// Whether every reading path refuses `id` with kIntegrity naming it, and the file copy writes
// nothing.
void expect_refused_everywhere(const Vault& vault, const std::string& id, const fs::path& scratch) {
  auto got = vault.get(id);
  ASSERT_EQ(failure(got), ErrorCode::kIntegrity);
  EXPECT_EQ(got.error().where(), "vault/" + id);
  const Status checked = vault.check(id);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code(), ErrorCode::kIntegrity);
  const fs::path out = scratch / "copy.bin";
  const Status copied = vault.copy_to_file(id, out);
  ASSERT_FALSE(copied.ok());
  EXPECT_EQ(copied.error().code(), ErrorCode::kIntegrity);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(files_in(scratch), 0U);  // not even a temporary file
  auto reader = vault.open_reader(id);
  if (!reader.ok()) {
    EXPECT_EQ(reader.error().code(), ErrorCode::kIntegrity);
    return;
  }
  const Drained drained = drain(*reader);
  ASSERT_TRUE(drained.error.has_value()) << "a streamed read reached its end";
  EXPECT_EQ(drained.error->code(), ErrorCode::kIntegrity);
  EXPECT_FALSE(reader->finished());
}

class VaultCorruptionTest : public VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    fs::create_directories(scratch());
    content_ = pseudo_random(3 * kChunk + 500, 30);
    id_ = put(content_);
    original_ = read_file(file_of(id_));
  }
  fs::path scratch() const { return dir_.path() / "scratch"; }
  void expect_refused() { expect_refused_everywhere(vault(), id_, scratch()); }
  void expect_restored() {
    write_file(file_of(id_), original_);
    auto back = vault().get(id_);
    ASSERT_TRUE(back.ok()) << back.error().to_string();
  }

  std::string content_, id_, original_;
};

TEST_F(VaultCorruptionTest, EveryFlippedByteIsCaught) {
  std::mt19937 generator(31);
  std::vector<std::size_t> offsets{0, kHeader, kHeader + kChunk + kSeal - 1, original_.size() - 1};
  for (int i = 0; i < 16; ++i) offsets.push_back(generator() % original_.size());
  for (const std::size_t offset : offsets) {
    SCOPED_TRACE("byte " + std::to_string(offset));
    std::string flipped = original_;
    flipped[offset] =
        static_cast<char>(static_cast<unsigned char>(flipped[offset]) ^ (1U << (generator() % 8U)));
    write_file(file_of(id_), flipped);
    expect_refused();
  }
  expect_restored();
}

TEST_F(VaultCorruptionTest, EveryTruncationIsCaught) {
  const std::size_t sealed_chunk = kChunk + kSeal;
  for (const std::size_t length :
       {std::size_t{0}, kHeader, kHeader + sealed_chunk, kHeader + 2 * sealed_chunk,
        kHeader + 3 * sealed_chunk, kHeader + 3 * sealed_chunk + 100, original_.size() - 1}) {
    SCOPED_TRACE("cut to " + std::to_string(length) + " bytes");
    write_file(file_of(id_), std::string_view(original_).substr(0, length));
    expect_refused();
  }
  expect_restored();
}

TEST_F(VaultCorruptionTest, ChunksReorderedOrRepeatedAreCaught) {
  const std::size_t sealed_chunk = kChunk + kSeal;
  const std::string header = original_.substr(0, kHeader);
  const std::string first = original_.substr(kHeader, sealed_chunk);
  const std::string second = original_.substr(kHeader + sealed_chunk, sealed_chunk);
  const std::string rest = original_.substr(kHeader + 2 * sealed_chunk);
  write_file(file_of(id_), header + second + first + rest);
  expect_refused();
  write_file(file_of(id_), header + first + first + second + rest);
  expect_refused();
  write_file(file_of(id_), original_ + original_.substr(kHeader));  // a second stream appended
  expect_refused();
  expect_restored();
}

TEST_F(VaultCorruptionTest, AFileSwappedOntoAnotherIdIsCaught) {
  const std::string other = put(pseudo_random(3 * kChunk + 500, 32));
  fs::copy_file(file_of(other), file_of(id_), fs::copy_options::overwrite_existing);
  expect_refused();
  EXPECT_TRUE(vault().check(other).ok());
  expect_restored();
}

TEST_F(VaultCorruptionTest, AnotherKeyIsRefused) {
  auto other = open_vault("vault", 2);  // the same folder, another key
  ASSERT_TRUE(other.ok()) << other.error().to_string();
  expect_refused_everywhere(*other, id_, scratch());
}

TEST_F(VaultCorruptionTest, VerifyNamesEveryBadFile) {
  const std::string sound = put("a sound file");
  const std::string cut = put(pseudo_random(2 * kChunk, 33));
  fs::resize_file(file_of(cut), kHeader + kChunk + kSeal);
  std::string flipped = original_;
  flipped[kHeader + 2 * (kChunk + kSeal) + 3] ^= 0x40;
  write_file(file_of(id_), flipped);
  std::size_t reported = 0;
  auto problems = vault().verify([&](std::size_t done, std::size_t total) {
    reported = done;
    EXPECT_EQ(total, 3U);
  });
  ASSERT_TRUE(problems.ok()) << problems.error().to_string();
  EXPECT_EQ(reported, 3U);
  std::vector<std::string> bad;
  for (const VaultProblem& p : *problems) bad.push_back(p.id);
  std::vector<std::string> expected{id_, cut};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(bad, expected);
}

// ---- Key rotation -------------------------------------------------------------------------------------

class VaultRotationTest : public VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    for (std::uint32_t i = 0; i < 6; ++i) {
      contents_.push_back(pseudo_random(i * kChunk / 2 + i, 40 + i));
      ids_.push_back(put(contents_.back()));
    }
  }
  fs::path key() const { return keys_dir() / "vault-1.key"; }
  fs::path next_key() const { return keys_dir() / "vault-1.key.next"; }
  void expect_all_readable(const Vault& v) {
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      auto back = v.get(ids_[i]);
      ASSERT_TRUE(back.ok()) << back.error().to_string();
      EXPECT_TRUE(*back == contents_[i]);
    }
  }
  // A vault opened with a retired key is refused, naming the key its files are under; and
  // without the folder's record of that key, the retired key decrypts nothing.
  void expect_retired(const fs::path& old_key) {
    auto refused = Vault::open(dir_.path() / "vault", old_key);
    ASSERT_EQ(failure(refused), ErrorCode::kInternal);
    EXPECT_NE(refused.error().message().find("under key " + *vault().key_fingerprint()), std::string::npos)
        << refused.error().message();
    fs::copy(dir_.path() / "vault", dir_.path() / "copy");
    fs::remove(dir_.path() / "copy" / ".key");
    auto old = Vault::open(dir_.path() / "copy", old_key);
    ASSERT_TRUE(old.ok()) << old.error().to_string();
    for (const std::string& id : ids_) EXPECT_EQ(failure(old->get(id)), ErrorCode::kIntegrity) << id;
    fs::remove_all(dir_.path() / "copy");
  }
  void rotate() {
    auto rotation = vault().rotate_key();
    ASSERT_TRUE(rotation.ok()) << rotation.error().to_string();
    auto files = rotation->reencrypt();
    ASSERT_TRUE(files.ok()) << files.error().to_string();
    EXPECT_EQ(*files, ids_.size());
    const Status committed = rotation->commit();
    ASSERT_TRUE(committed.ok()) << committed.error().to_string();
  }

  std::vector<std::string> contents_, ids_;
};

TEST_F(VaultRotationTest, ReencryptsEveryFileKeepingIds) {
  fs::copy_file(key(), keys_dir() / "old.key");
  const std::string before = *vault().key_fingerprint();
  rotate();
  EXPECT_FALSE(fs::exists(next_key()));
  EXPECT_EQ(fs::file_size(key()), 2 * SecretKey::kBytes);
  EXPECT_EQ(fs::status(key()).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(*vault().key_fingerprint(), before);
  EXPECT_FALSE(vault().pending_rotation()->has_value());
  expect_all_readable(vault());
  EXPECT_EQ(put(contents_[2]), ids_[2]);  // the same content still gets the same id

  expect_retired(keys_dir() / "old.key");

  rotate();  // a second rotation starts from a 64-byte key
  expect_all_readable(vault());
}

TEST_F(VaultRotationTest, AnInterruptedRotationReadsWithBothKeysAndResumes) {
  fs::copy_file(key(), keys_dir() / "old.key");
  std::vector<std::string> before_rotation;
  for (const std::string& id : ids_) before_rotation.push_back(read_file(file_of(id)));
  std::string to_key;
  {
    auto rotation = vault().rotate_key();
    ASSERT_TRUE(rotation.ok()) << rotation.error().to_string();
    to_key = rotation->to_key();
    ASSERT_TRUE(rotation->reencrypt().ok());
  }  // "killed" before commit; then half the renames are lost, as in a power cut
  for (std::size_t i = 0; i < ids_.size(); i += 2) write_file(file_of(ids_[i]), before_rotation[i]);

  auto reopened = open_vault("vault", 1);
  ASSERT_TRUE(reopened.ok()) << reopened.error().to_string();
  expect_all_readable(*reopened);
  auto pending = reopened->pending_rotation();
  ASSERT_TRUE(pending.ok() && pending->has_value());
  EXPECT_EQ((*pending)->second, to_key);
  contents_.push_back("stored during the rotation");
  ids_.push_back(put(contents_.back()));

  auto resumed = reopened->rotate_key();
  ASSERT_TRUE(resumed.ok()) << resumed.error().to_string();
  EXPECT_TRUE(resumed->resumed());
  EXPECT_EQ(resumed->to_key(), to_key);
  ASSERT_TRUE(resumed->reencrypt().ok());
  ASSERT_TRUE(resumed->commit().ok());
  expect_all_readable(*reopened);
  expect_retired(keys_dir() / "old.key");
}

TEST_F(VaultRotationTest, FilesStoredByAnotherOpeningDuringTheRotationSurviveIt) {
  auto writer = open_vault("vault", 1);  // opened before the rotation, as a server would be
  ASSERT_TRUE(writer.ok());
  auto rotation = vault().rotate_key();
  ASSERT_TRUE(rotation.ok()) << rotation.error().to_string();
  ASSERT_TRUE(rotation->reencrypt().ok());
  contents_.push_back(pseudo_random(kChunk + 9, 50));
  auto entry = writer->put(contents_.back());
  ASSERT_TRUE(entry.ok());
  ids_.push_back(entry->id);
  ASSERT_TRUE(rotation->commit().ok());
  expect_all_readable(*writer);
  expect_all_readable(vault());
}

TEST_F(VaultRotationTest, OneRotationAtATime) {
  auto first = vault().rotate_key();
  ASSERT_TRUE(first.ok());
  auto other = open_vault("vault", 1);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(failure(other->rotate_key()), ErrorCode::kConflict);
}

TEST_F(VaultRotationTest, ACorruptFileStopsTheRotationWithBothKeysKept) {
  std::string sealed = read_file(file_of(ids_[3]));
  sealed[sealed.size() - 2] ^= 0x10;
  write_file(file_of(ids_[3]), sealed);
  auto rotation = vault().rotate_key();
  ASSERT_TRUE(rotation.ok());
  auto files = rotation->reencrypt();
  ASSERT_EQ(failure(files), ErrorCode::kIntegrity);
  EXPECT_EQ(files.error().where(), "vault/" + ids_[3]);
  EXPECT_TRUE(fs::exists(next_key()));
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    if (i == 3) continue;
    EXPECT_TRUE(vault().check(ids_[i]).ok()) << ids_[i];
  }
}

TEST_F(VaultRotationTest, RefusesANextKeyOfAnotherVault) {
  write_file(next_key(), pseudo_random(2 * SecretKey::kBytes, 60));
  EXPECT_EQ(failure(open_vault("vault", 1)), ErrorCode::kInternal);
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
