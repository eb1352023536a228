// SPDX-License-Identifier: Apache-2.0
#include "store/vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>

namespace moat::store {
namespace {

namespace fs = std::filesystem;

// File layout (docs/decisions/0009-vault.md):
//   file  = header chunk* final
//   header: crypto_secretstream_xchacha20poly1305 header (24 bytes)
//   chunk:  kChunkBytes of plaintext, sealed (+17 bytes), tagged MESSAGE
//   final:  0..kChunkBytes of plaintext, sealed, tagged FINAL
// Every chunk carries the file's id as additional data.
constexpr std::size_t kChunkBytes = std::size_t{64} * 1024;
constexpr std::size_t kSealBytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr std::size_t kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr std::size_t kHashBytes = 32;  // BLAKE2b-256
constexpr std::size_t kIdLength = 1 + 2 * kHashBytes;
constexpr char kKdfContext[] = "moatvalt";
constexpr std::uint64_t kIdKeyId = 1;
constexpr std::uint64_t kStreamKeyId = 2;
constexpr mode_t kOwnerReadWrite = 0600;
constexpr std::string_view kFailsAuthentication =
    "fails authentication: tampered with, truncated, or not this vault's file for this id";
constexpr std::string_view kFailsHash = "its content does not hash to its id";

static_assert(sizeof(kKdfContext) == crypto_kdf_CONTEXTBYTES + 1);
static_assert(SecretKey::kBytes == crypto_kdf_KEYBYTES);
static_assert(SecretKey::kBytes == crypto_secretstream_xchacha20poly1305_KEYBYTES);
static_assert(SecretKey::kBytes >= crypto_generichash_KEYBYTES_MIN);

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string errno_text() {
  return std::strerror(errno);
}

Error integrity_error(const fs::path& path, std::string_view why = kFailsAuthentication) {
  return Error(ErrorCode::kIntegrity, path.string(), std::string(why));
}

// A secretstream state, which holds the stream key: zeroed when it goes out of scope.
struct StreamState {
  StreamState() = default;
  ~StreamState() { sodium_memzero(&state, sizeof state); }
  StreamState(const StreamState&) = delete;
  StreamState& operator=(const StreamState&) = delete;

  crypto_secretstream_xchacha20poly1305_state state{};
};

Result<SecretKey> read_key(const fs::path& file) {
  std::error_code error;
  const std::uintmax_t size = fs::file_size(file, error);
  if (error)
    return Error(ErrorCode::kInternal, file.string(), "cannot read the vault key: " + error.message());
  if (size != SecretKey::kBytes) {
    return Error(ErrorCode::kInternal, file.string(),
                 "the vault key must hold 32 bytes, this file holds " + std::to_string(size));
  }
  SecretKey key;
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  const bool read =
      fd >= 0 && ::read(fd, key.data(), SecretKey::kBytes) == static_cast<ssize_t>(SecretKey::kBytes);
  if (fd >= 0) ::close(fd);
  if (!read) return Error(ErrorCode::kInternal, file.string(), "cannot read the vault key: " + errno_text());
  return key;
}

SecretKey derive(const SecretKey& master, std::uint64_t subkey_id) {
  SecretKey subkey;
  crypto_kdf_derive_from_key(subkey.data(), SecretKey::kBytes, subkey_id, kKdfContext, master.data());
  return subkey;
}

Status write_all(int fd, const unsigned char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return internal_error("cannot write to the vault: " + errno_text());
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return {};
}

// Flushes a folder's entries to disk, so that a rename in it survives a crash.
Status sync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!synced) return internal_error("cannot flush " + dir.string() + ": " + errno_text());
  return {};
}

// Fills a temporary file beside `path` through `fill`, flushes it and renames it to `path`:
// readers see the whole file or none. The file is readable by the owner only.
Status write_atomically(const fs::path& path, const std::function<Status(int fd)>& fill) {
  std::string temporary = path.string() + ".tmp-XXXXXX";
  const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) return internal_error("cannot create a file beside " + path.string() + ": " + errno_text());
  Status written =
      ::fchmod(fd, kOwnerReadWrite) == 0 ? fill(fd) : internal_error("cannot restrict " + temporary);
  if (written.ok() && ::fsync(fd) != 0)
    written = internal_error("cannot flush " + temporary + ": " + errno_text());
  if (::close(fd) != 0 && written.ok())
    written = internal_error("cannot close " + temporary + ": " + errno_text());
  if (written.ok() && ::rename(temporary.c_str(), path.c_str()) != 0) {
    written = internal_error("cannot rename " + temporary + " to " + path.string() + ": " + errno_text());
  }
  if (!written.ok()) {
    ::unlink(temporary.c_str());
    return written;
  }
  return sync_dir(path.parent_path());
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ignored;
    if (!fs::exists(path, ignored)) return Error(ErrorCode::kNotFound, path.string(), "not in the vault");
    return internal_error("cannot read " + path.string());
  }
  std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return internal_error("cannot read " + path.string());
  return content;
}

}  // namespace

SecretKey::~SecretKey() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this == &other) return *this;
  bytes_ = other.bytes_;
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
  return *this;
}

bool is_vault_id(std::string_view id) {
  if (id.size() != kIdLength || id.front() != 'v') return false;
  return std::all_of(id.begin() + 1, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<Vault> Vault::open(fs::path dir, const fs::path& key_file) {
  if (!sodium_ready()) return internal_error("libsodium failed to initialise");
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return Error(ErrorCode::kInternal, dir.string(), "the vault folder is missing");
  }
  MOAT_TRY(const SecretKey master, read_key(key_file));
  return Vault(std::move(dir), derive(master, kIdKeyId), derive(master, kStreamKeyId));
}

Result<VaultEntry> Vault::put(std::string_view content) {
  VaultEntry entry{id_of(content), content.size()};
  if (contains(entry.id)) return entry;
  const std::string& id = entry.id;
  MOAT_CHECK(
      write_atomically(dir_ / id, [this, &id, content](int fd) { return encrypt_to(fd, id, content); }));
  return entry;
}

Result<std::string> Vault::get(std::string_view id) const {
  if (!is_vault_id(id)) return Error(ErrorCode::kNotFound, std::string(id), "not a vault id");
  const std::string name(id);
  const fs::path path = dir_ / name;
  MOAT_TRY(const std::string sealed, read_file(path));
  MOAT_TRY(std::string content, decrypt(name, sealed, path));
  if (id_of(content) != name) return integrity_error(path, kFailsHash);
  return content;
}

bool Vault::contains(std::string_view id) const {
  if (!is_vault_id(id)) return false;
  std::error_code ignored;
  return fs::is_regular_file(dir_ / std::string(id), ignored);
}

Result<std::vector<std::string>> Vault::list() const {
  std::error_code error;
  fs::directory_iterator entries(dir_, error);
  if (error) return internal_error("cannot list " + dir_.string() + ": " + error.message());
  std::vector<std::string> ids;
  for (const fs::directory_entry& entry : entries) {
    std::string name = entry.path().filename().string();
    if (is_vault_id(name) && entry.is_regular_file(error)) ids.push_back(std::move(name));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// "v" + the lowercase hex of BLAKE2b-256 over `content`, keyed with the id subkey.
std::string Vault::id_of(std::string_view content) const {
  std::array<unsigned char, kHashBytes> hash{};
  crypto_generichash(hash.data(), hash.size(), bytes(content), content.size(), id_key_.data(),
                     SecretKey::kBytes);
  std::array<char, 2 * kHashBytes + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  return "v" + std::string(hex.data(), 2 * kHashBytes);
}

// Writes the header, then `content` in kChunkBytes chunks, the last one (possibly empty)
// tagged FINAL so that a file cut short at a chunk boundary is still noticed.
Status Vault::encrypt_to(int fd, const std::string& id, std::string_view content) const {
  StreamState stream;
  std::array<unsigned char, kHeaderBytes> header{};
  crypto_secretstream_xchacha20poly1305_init_push(&stream.state, header.data(), stream_key_.data());
  MOAT_CHECK(write_all(fd, header.data(), header.size()));
  std::vector<unsigned char> sealed(kChunkBytes + kSealBytes);
  std::size_t offset = 0;
  do {
    const std::size_t length = std::min(kChunkBytes, content.size() - offset);
    const bool last = offset + length == content.size();
    unsigned long long sealed_length = 0;
    crypto_secretstream_xchacha20poly1305_push(&stream.state, sealed.data(), &sealed_length,
                                               bytes(content) + offset, length, bytes(id), id.size(),
                                               last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                    : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    MOAT_CHECK(write_all(fd, sealed.data(), static_cast<std::size_t>(sealed_length)));
    offset += length;
  } while (offset < content.size());
  return {};
}

// Opens each chunk in turn; the stream must end with the FINAL chunk, exactly at the end of
// the file.
Result<std::string> Vault::decrypt(const std::string& id, std::string_view sealed,
                                   const fs::path& path) const {
  StreamState stream;
  if (sealed.size() < kHeaderBytes || crypto_secretstream_xchacha20poly1305_init_pull(
                                          &stream.state, bytes(sealed), stream_key_.data()) != 0) {
    return integrity_error(path);
  }
  std::string content(sealed.size(), '\0');  // the plaintext is shorter than the file
  std::size_t offset = kHeaderBytes;
  std::size_t content_length = 0;
  unsigned char tag = 0;
  while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    const std::size_t length = std::min(kChunkBytes + kSealBytes, sealed.size() - offset);
    unsigned long long opened = 0;
    auto* out = reinterpret_cast<unsigned char*>(content.data()) + content_length;
    if (crypto_secretstream_xchacha20poly1305_pull(&stream.state, out, &opened, &tag, bytes(sealed) + offset,
                                                   length, bytes(id), id.size()) != 0) {
      return integrity_error(path);
    }
    offset += length;
    content_length += static_cast<std::size_t>(opened);
  }
  if (offset != sealed.size()) return integrity_error(path);
  content.resize(content_length);
  return content;
}

}  // namespace moat::store
