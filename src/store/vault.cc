// SPDX-License-Identifier: Apache-2.0
#include "store/vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace moat::store {
namespace {

namespace fs = std::filesystem;

// File layout (docs/vault.md):
//   file  = header chunk* final
//   header: crypto_secretstream_xchacha20poly1305 header (24 bytes)
//   chunk:  kChunkBytes of plaintext, sealed (+17 bytes), tagged MESSAGE
//   final:  0..kChunkBytes of plaintext, sealed, tagged FINAL
// Every chunk carries the file's id as additional data.
constexpr std::size_t kChunkBytes = kVaultChunkBytes;
constexpr std::size_t kSealBytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr std::size_t kSealedChunkBytes = kChunkBytes + kSealBytes;
constexpr std::size_t kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr std::size_t kHashBytes = 32;  // BLAKE2b-256
constexpr std::size_t kIdLength = 1 + 2 * kHashBytes;
constexpr std::size_t kFingerprintBytes = 8;
constexpr char kKdfContext[] = "moatvalt";
constexpr std::uint64_t kIdKeyId = 1;
constexpr std::uint64_t kStreamKeyId = 2;
constexpr mode_t kOwnerReadWrite = 0600;
constexpr std::string_view kNextKeySuffix = ".next";
constexpr std::string_view kTemporaryInfix = ".tmp-";
constexpr std::string_view kKeyMarker = ".key";  // in the vault folder: the fingerprint its files are under
constexpr std::string_view kFingerprintLabel = "moat vault key fingerprint";
constexpr std::string_view kFailsAuthentication =
    "fails authentication: tampered with, truncated, under another key, or not this vault's file for "
    "this id";
constexpr std::string_view kFailsHash = "its content does not hash to its id";

static_assert(sizeof(kKdfContext) == crypto_kdf_CONTEXTBYTES + 1);
static_assert(SecretKey::kBytes == crypto_kdf_KEYBYTES);
static_assert(SecretKey::kBytes == crypto_secretstream_xchacha20poly1305_KEYBYTES);
static_assert(SecretKey::kBytes >= crypto_generichash_KEYBYTES_MIN);

using Hash = std::array<unsigned char, kHashBytes>;

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

// Integrity errors name the file by its place in the workspace, "vault/<id>", so that they name
// the id without revealing the server's folders.
Error integrity_error(const std::string& id, std::string_view why = kFailsAuthentication) {
  return Error(ErrorCode::kIntegrity, "vault/" + id, std::string(why));
}

std::string hex(std::span<const unsigned char> data) {
  std::string out(2 * data.size() + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data.data(), data.size());
  out.pop_back();
  return out;
}

std::string id_text(const Hash& hash) {
  return "v" + hex(hash);
}

// ---- Closing and locking -------------------------------------------------------------------------

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// flock on a folder, shared or exclusive, released when the lock goes out of scope. Writers of new
// files hold the vault folder's lock shared; a rotation takes it exclusively while it adds or
// retires a key, so that no file is written under a key about to be retired.
Result<Fd> lock_folder(const fs::path& dir, int operation) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return internal_error("cannot open " + dir.string() + ": " + errno_text());
  while (::flock(fd.get(), operation) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return Error(ErrorCode::kConflict, dir.string(), "in use by another process");
    return internal_error("cannot lock " + dir.string() + ": " + errno_text());
  }
  return fd;
}

// ---- Keys --------------------------------------------------------------------------------------------

// A secretstream state, which holds the stream key: zeroed when it goes out of scope.
struct StreamState {
  StreamState() = default;
  ~StreamState() { sodium_memzero(&state, sizeof state); }
  StreamState(const StreamState&) = delete;
  StreamState& operator=(const StreamState&) = delete;

  crypto_secretstream_xchacha20poly1305_state state{};
};

// A keyed BLAKE2b-256 in progress (the id of content read in chunks), zeroed when it goes.
struct Hasher {
  explicit Hasher(const SecretKey& key) {
    crypto_generichash_init(&state, key.data(), SecretKey::kBytes, kHashBytes);
  }
  ~Hasher() { sodium_memzero(&state, sizeof state); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void update(std::span<const unsigned char> data) {
    crypto_generichash_update(&state, data.data(), data.size());
  }
  Hash final() {
    Hash hash{};
    crypto_generichash_final(&state, hash.data(), hash.size());
    return hash;
  }

  crypto_generichash_state state{};
};

SecretKey derive(const SecretKey& master, std::uint64_t subkey_id) {
  SecretKey subkey;
  crypto_kdf_derive_from_key(subkey.data(), SecretKey::kBytes, subkey_id, kKdfContext, master.data());
  return subkey;
}

SecretKey random_key() {
  SecretKey key;
  randombytes_buf(key.data(), SecretKey::kBytes);
  return key;
}

// What a key file holds: the id key and the stream key.
struct KeyFile {
  SecretKey id_key;
  SecretKey stream_key;
};

Status read_exactly(int fd, unsigned char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t got = ::read(fd, data, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return internal_error(got == 0 ? "the file is shorter than its size" : errno_text());
    data += got;
    size -= static_cast<std::size_t>(got);
  }
  return {};
}

// A key file holds either 32 bytes, a master key from which the id and stream keys are derived
// (as `moat init` writes it), or 64: the id key then the stream key (as a rotation writes it).
Result<KeyFile> read_key_file(const fs::path& file) {
  std::error_code error;
  const std::uintmax_t size = fs::file_size(file, error);
  if (error)
    return Error(ErrorCode::kInternal, file.string(), "cannot read the vault key: " + error.message());
  if (size != SecretKey::kBytes && size != 2 * SecretKey::kBytes) {
    return Error(ErrorCode::kInternal, file.string(),
                 "the vault key must hold 32 bytes (64 after a key rotation), this file holds " +
                     std::to_string(size));
  }
  const Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  SecretKey first, second;
  Status read =
      fd.get() < 0 ? internal_error(errno_text()) : read_exactly(fd.get(), first.data(), SecretKey::kBytes);
  if (read.ok() && size > SecretKey::kBytes) read = read_exactly(fd.get(), second.data(), SecretKey::kBytes);
  if (!read.ok())
    return Error(ErrorCode::kInternal, file.string(), "cannot read the vault key: " + read.error().message());
  if (size > SecretKey::kBytes) return KeyFile{std::move(first), std::move(second)};
  return KeyFile{derive(first, kIdKeyId), derive(first, kStreamKeyId)};
}

// 16 hex digits naming `key`: a MAC of a fixed text under it, which reveals nothing of the key.
std::string fingerprint(const SecretKey& key) {
  std::array<unsigned char, kFingerprintBytes> out{};
  crypto_generichash(out.data(), out.size(), bytes(kFingerprintLabel), kFingerprintLabel.size(), key.data(),
                     SecretKey::kBytes);
  return hex(out);
}

// ---- Writing -------------------------------------------------------------------------------------------

Status write_all(int fd, const unsigned char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return internal_error("cannot write: " + errno_text());
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return {};
}

// Flushes a folder's entries to disk, so that a rename in it survives a crash.
Status sync_dir(const fs::path& dir) {
  const Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0)
    return internal_error("cannot flush " + dir.string() + ": " + errno_text());
  return {};
}

enum class SyncFolder { kYes, kNo };

// Fills a temporary file beside `path` through `fill`, flushes it and renames it to `path`:
// readers see the whole file or none. The file is readable by the owner only. With
// SyncFolder::kNo the rename may be lost in a power cut (the caller flushes the folder later).
Status write_atomically(const fs::path& path, const std::function<Status(int fd)>& fill,
                        SyncFolder sync = SyncFolder::kYes) {
  std::string temporary = path.string() + std::string(kTemporaryInfix) + "XXXXXX";
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
  if (sync == SyncFolder::kNo) return {};
  return sync_dir(path.has_parent_path() ? path.parent_path() : fs::path("."));
}

// Fills `buffer` from `source` as far as it goes; fewer bytes than its size only at the end.
Result<std::size_t> fill_from(const ByteSource& source, std::span<unsigned char> buffer) {
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    MOAT_TRY(const std::size_t got, source(buffer.subspan(filled)));
    if (got == 0) break;
    filled += got;
  }
  return filled;
}

// What seal() read: its keyed hash (the id it deserves) and its size.
struct Digest {
  Hash hash{};
  std::uint64_t size = 0;
};

// Reads `source` to its end and writes it to `fd` as a sealed stream under `key`, each chunk
// carrying `ad`: the header, then kChunkBytes chunks, the last one (possibly empty) tagged FINAL
// so that a file cut short at a chunk boundary is still noticed. One chunk is read ahead to know
// which is the last.
Result<Digest> seal(int fd, std::string_view ad, const SecretKey& key, const SecretKey& id_key,
                    const ByteSource& source) {
  StreamState stream;
  Hasher hasher(id_key);
  std::array<unsigned char, kHeaderBytes> header{};
  crypto_secretstream_xchacha20poly1305_init_push(&stream.state, header.data(), key.data());
  MOAT_CHECK(write_all(fd, header.data(), header.size()));
  std::vector<unsigned char> current(kChunkBytes), ahead(kChunkBytes), sealed(kSealedChunkBytes);
  MOAT_TRY(std::size_t length, fill_from(source, current));
  Digest digest;
  for (;;) {
    std::size_t ahead_length = 0;
    if (length == kChunkBytes) {
      MOAT_TRY(ahead_length, fill_from(source, ahead));
    }
    const bool last = ahead_length == 0;
    unsigned long long sealed_length = 0;
    crypto_secretstream_xchacha20poly1305_push(&stream.state, sealed.data(), &sealed_length, current.data(),
                                               length, bytes(ad), ad.size(),
                                               last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                    : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    MOAT_CHECK(write_all(fd, sealed.data(), static_cast<std::size_t>(sealed_length)));
    hasher.update(std::span(current).first(length));
    digest.size += length;
    if (last) break;
    std::swap(current, ahead);
    length = ahead_length;
  }
  digest.hash = hasher.final();
  sodium_memzero(current.data(), current.size());
  sodium_memzero(ahead.data(), ahead.size());
  return digest;
}

// The keyed hash and size of what `source` yields.
Result<Digest> digest_of(const ByteSource& source, const SecretKey& id_key) {
  Hasher hasher(id_key);
  std::vector<unsigned char> buffer(kChunkBytes);
  Digest digest;
  for (;;) {
    MOAT_TRY(const std::size_t got, fill_from(source, buffer));
    hasher.update(std::span(buffer).first(got));
    digest.size += got;
    if (got < buffer.size()) break;
  }
  digest.hash = hasher.final();
  return digest;
}

ByteSource memory_source(std::string_view content) {
  return [content, offset = std::size_t{0}](std::span<unsigned char> buffer) mutable -> Result<std::size_t> {
    const std::size_t length = std::min(buffer.size(), content.size() - offset);
    std::memcpy(buffer.data(), content.data() + offset, length);
    offset += length;
    return length;
  };
}

// ---- Reading -------------------------------------------------------------------------------------------

Result<std::size_t> read_up_to(int fd, unsigned char* data, std::size_t size) {
  std::size_t filled = 0;
  while (filled < size) {
    const ssize_t got = ::read(fd, data + filled, size - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return internal_error(errno_text());
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  return filled;
}

// The plaintext size a sealed file of `file_size` bytes announces.
std::uint64_t announced_size(std::uint64_t file_size) {
  if (file_size <= kHeaderBytes) return 0;
  const std::uint64_t body = file_size - kHeaderBytes;
  const std::uint64_t chunks = (body + kSealedChunkBytes - 1) / kSealedChunkBytes;
  return body > chunks * kSealBytes ? body - chunks * kSealBytes : 0;
}

// Opens a sealed stream from a file descriptor, chunk by chunk. `name` is what errors name.
class Puller {
 public:
  Puller(int fd, std::string ad, std::string name) : fd_(fd), ad_(std::move(ad)), name_(std::move(name)) {}
  ~Puller() { sodium_memzero(plain_.data(), plain_.size()); }
  Puller(const Puller&) = delete;
  Puller& operator=(const Puller&) = delete;

  // Reads the header and opens the first chunk, trying each of `keys` in turn. kIntegrity when
  // none opens it.
  Status start(std::span<const SecretKey* const> keys) {
    MOAT_TRY(const std::size_t header_length, read_up_to(fd_, header_.data(), header_.size()));
    MOAT_TRY(sealed_length_, read_up_to(fd_, sealed_.data(), sealed_.size()));
    if (header_length == kHeaderBytes) {
      for (const SecretKey* key : keys) {
        if (open_first(*key)) return {};
      }
    }
    return failure(kFailsAuthentication);
  }

  // The next chunk's plaintext; its tag says whether it was the last. After the last chunk,
  // the file must end.
  Result<std::span<const unsigned char>> next() {
    if (pending_) {
      pending_ = false;
    } else {
      if (last_) return failure("read past its end");
      MOAT_TRY(sealed_length_, read_up_to(fd_, sealed_.data(), sealed_.size()));
      MOAT_CHECK(open_chunk());
    }
    if (last_) MOAT_CHECK(expect_end());
    return std::span<const unsigned char>(plain_).first(plain_length_);
  }
  bool last() const { return last_; }
  Error failure(std::string_view why) const { return integrity_error(name_, why); }

 private:
  bool open_first(const SecretKey& key) {
    if (crypto_secretstream_xchacha20poly1305_init_pull(&stream_.state, header_.data(), key.data()) != 0)
      return false;
    if (!open_chunk().ok()) return false;
    pending_ = true;
    return true;
  }
  Status open_chunk() {
    unsigned long long opened = 0;
    unsigned char tag = 0;
    if (sealed_length_ < kSealBytes || crypto_secretstream_xchacha20poly1305_pull(
                                           &stream_.state, plain_.data(), &opened, &tag, sealed_.data(),
                                           sealed_length_, bytes(ad_), ad_.size()) != 0) {
      return failure(kFailsAuthentication);
    }
    plain_length_ = static_cast<std::size_t>(opened);
    last_ = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    // A chunk shorter than a whole one must be the last: the file was cut there otherwise.
    if (!last_ && sealed_length_ < kSealedChunkBytes) return failure(kFailsAuthentication);
    return {};
  }
  Status expect_end() {
    unsigned char extra = 0;
    MOAT_TRY(const std::size_t more, read_up_to(fd_, &extra, 1));
    return more == 0 ? Status{} : failure(kFailsAuthentication);
  }

  int fd_;
  std::string ad_;
  std::string name_;
  StreamState stream_;
  std::array<unsigned char, kHeaderBytes> header_{};
  std::vector<unsigned char> sealed_ = std::vector<unsigned char>(kSealedChunkBytes);
  std::size_t sealed_length_ = 0;
  std::vector<unsigned char> plain_ = std::vector<unsigned char>(kChunkBytes);
  std::size_t plain_length_ = 0;
  bool pending_ = false;  // the first chunk, opened by start(), not yet handed out
  bool last_ = false;
};

// A ByteSource over a reader's chunks (which may be shorter than the buffer).
ByteSource reader_source(VaultReader& reader) {
  return [&reader, chunk = std::span<const unsigned char>()](
             std::span<unsigned char> buffer) mutable -> Result<std::size_t> {
    if (chunk.empty()) {
      MOAT_TRY(chunk, reader.next());
    }
    const std::size_t length = std::min(buffer.size(), chunk.size());
    std::memcpy(buffer.data(), chunk.data(), length);
    chunk = chunk.subspan(length);
    return length;
  };
}

// A temporary file a crash left: "<id>.tmp-XXXXXX" or ".key.tmp-XXXXXX".
bool is_temporary(const std::string& name) {
  const std::size_t infix = name.find(kTemporaryInfix);
  if (infix == std::string::npos) return false;
  const std::string stem = name.substr(0, infix);
  return stem == kKeyMarker || is_vault_id(stem);
}

}  // namespace

// ---- SecretKey -----------------------------------------------------------------------------------------

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

ByteSource fd_source(int fd, std::string what) {
  return [fd, what = std::move(what)](std::span<unsigned char> buffer) -> Result<std::size_t> {
    for (;;) {
      const ssize_t got = ::read(fd, buffer.data(), buffer.size());
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno != EINTR) return internal_error("cannot read " + what + ": " + errno_text());
    }
  };
}

// ---- VaultReader ---------------------------------------------------------------------------------------

struct VaultReader::State {
  State(Fd file, std::string name, std::uint64_t announced, const SecretKey& id_key)
      : fd(std::move(file)), id(std::move(name)), size(announced), puller(fd.get(), id, id), hasher(id_key) {}

  Fd fd;
  std::string id;
  std::uint64_t size;
  Puller puller;
  Hasher hasher;
  std::optional<Error> failed;  // once a chunk failed, every later call fails the same way
  bool at_end = false;          // the last chunk was handed out
  bool finished = false;        // and the end was reported
};

VaultReader::VaultReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
VaultReader::VaultReader(VaultReader&&) noexcept = default;
VaultReader& VaultReader::operator=(VaultReader&&) noexcept = default;
VaultReader::~VaultReader() = default;

// Chunks are handed out as they open; the last one only once the content's hash matches the id
// as well, so that a caller who reaches the end has the content the id names.
Result<std::span<const unsigned char>> VaultReader::next() {
  State& s = *state_;
  if (s.failed) return *s.failed;
  for (;;) {
    if (s.at_end) {
      s.finished = true;
      return std::span<const unsigned char>();
    }
    auto chunk = s.puller.next();
    if (!chunk.ok()) {
      s.failed = chunk.error();
      return std::move(chunk).error();
    }
    s.hasher.update(*chunk);
    if (s.puller.last()) {
      if (id_text(s.hasher.final()) != s.id) {
        s.failed = s.puller.failure(kFailsHash);
        return *s.failed;
      }
      s.at_end = true;
    }
    if (!chunk->empty()) return *chunk;
  }
}

bool VaultReader::finished() const {
  return state_->finished;
}

std::uint64_t VaultReader::size() const {
  return state_->size;
}

const std::string& VaultReader::id() const {
  return state_->id;
}

// ---- Vault ---------------------------------------------------------------------------------------------

// The stream keys in force: the current one, and during a rotation the next one, under which new
// files are written.
struct Vault::Keys {
  SecretKey current;
  std::optional<SecretKey> next;
  const SecretKey& write_key() const { return next ? *next : current; }
  std::vector<const SecretKey*> read_keys() const {
    if (next) return {&*next, &current};
    return {&current};
  }
};

Result<Vault> Vault::open(fs::path dir, const fs::path& key_file) {
  if (!sodium_ready()) return internal_error("libsodium failed to initialise");
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return Error(ErrorCode::kInternal, dir.string(), "the vault folder is missing");
  }
  MOAT_TRY(KeyFile keys, read_key_file(key_file));
  Vault vault(std::move(dir), key_file, std::move(keys.id_key));
  MOAT_CHECK(vault.load_keys());  // the next key too, when a rotation is pending
  return vault;
}

fs::path Vault::next_key_file() const {
  return key_file_.string() + std::string(kNextKeySuffix);
}

// Read afresh for each operation: another process may have rotated the key since this one opened
// the vault.
Result<Vault::Keys> Vault::load_keys() const {
  MOAT_TRY(KeyFile current, read_key_file(key_file_));
  Keys keys{std::move(current.stream_key), std::nullopt};
  const fs::path next_file = next_key_file();
  std::error_code error;
  if (fs::exists(next_file, error)) {
    MOAT_TRY(KeyFile next, read_key_file(next_file));
    if (sodium_memcmp(next.id_key.data(), id_key_.data(), SecretKey::kBytes) != 0) {
      return Error(ErrorCode::kInternal, next_file.string(), "this next key does not belong to this vault");
    }
    keys.next = std::move(next.stream_key);
  }
  MOAT_CHECK(check_marker(keys));
  return keys;
}

// After a rotation the vault folder names the key its files are under. A process whose keys
// folder was not given the new key (several servers sharing one vault folder, each with its own
// copy of the key) is stopped here, before it writes a file nobody else could read.
Status Vault::check_marker(const Keys& keys) const {
  const fs::path marker = dir_ / std::string(kKeyMarker);
  std::array<char, 2 * kFingerprintBytes> text{};
  const Fd fd(::open(marker.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return {};  // no rotation yet
  MOAT_TRY(const std::size_t length,
           read_up_to(fd.get(), reinterpret_cast<unsigned char*>(text.data()), text.size()));
  const std::string expected(text.data(), length);
  if (expected == fingerprint(keys.current) || (keys.next && expected == fingerprint(*keys.next))) return {};
  return Error(ErrorCode::kInternal, key_file_.string(),
               "the vault's files are under key " + expected + ", this key file holds key " +
                   fingerprint(keys.current) + ": copy keys/vault.key from where the key was rotated");
}

Result<VaultEntry> Vault::put(std::string_view content) {
  MOAT_TRY(const Digest digest, digest_of(memory_source(content), id_key_));
  return seal_new(id_text(digest.hash), digest.size, memory_source(content), digest.hash);
}

Result<VaultEntry> Vault::put_file(const fs::path& path) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Error(ErrorCode::kNotFound, path.string(), "cannot open: " + errno_text());
  MOAT_TRY(const Digest digest, digest_of(fd_source(fd.get(), path.string()), id_key_));
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return internal_error("cannot read " + path.string() + " again");
  auto stored = seal_new(id_text(digest.hash), digest.size, fd_source(fd.get(), path.string()), digest.hash);
  if (!stored.ok() && stored.error().code() == ErrorCode::kConflict) {
    return Error(ErrorCode::kConflict, path.string(),
                 "the file changed while it was being stored: nothing stored");
  }
  return stored;
}

// The data is read once, so its id is known only at its end: it is first spooled to an unnamed
// file, encrypted under a key that exists only in this call, then read back and sealed.
Result<VaultEntry> Vault::put_stream(const ByteSource& source) {
  std::string name = (dir_ / ".spool-XXXXXX").string();
  const Fd spool(::mkostemp(name.data(), O_CLOEXEC));
  if (spool.get() < 0)
    return internal_error("cannot create a file in " + dir_.string() + ": " + errno_text());
  ::unlink(name.c_str());  // gone with the descriptor, even if the process is killed
  const SecretKey spool_key = random_key();
  MOAT_TRY(const Digest digest, seal(spool.get(), "", spool_key, id_key_, source));
  if (::lseek(spool.get(), 0, SEEK_SET) != 0) return internal_error("cannot read the spooled data again");
  Puller puller(spool.get(), "", "spool");
  const SecretKey* const keys[] = {&spool_key};
  MOAT_CHECK(puller.start(keys));
  const ByteSource respool = [&puller, chunk = std::span<const unsigned char>(),
                              done = false](std::span<unsigned char> buffer) mutable -> Result<std::size_t> {
    if (chunk.empty() && !done) {
      MOAT_TRY(chunk, puller.next());
      done = puller.last();
    }
    const std::size_t length = std::min(buffer.size(), chunk.size());
    std::memcpy(buffer.data(), chunk.data(), length);
    chunk = chunk.subspan(length);
    return length;
  };
  return seal_new(id_text(digest.hash), digest.size, respool, digest.hash);
}

// Seals `source` as the file for `id` (unless it is stored already) under the key new files take,
// checking that what it read hashes to `expected_hash` (kConflict otherwise; nothing stored).
Result<VaultEntry> Vault::seal_new(const std::string& id, std::uint64_t size, const ByteSource& source,
                                   const Hash& expected_hash) {
  VaultEntry entry{id, size};
  if (contains(id)) return entry;
  MOAT_TRY(const Fd lock, lock_folder(dir_, LOCK_SH));
  MOAT_TRY(const Keys keys, load_keys());
  MOAT_CHECK(write_atomically(dir_ / id, [&](int fd) -> Status {
    MOAT_TRY(const Digest sealed, seal(fd, id, keys.write_key(), id_key_, source));
    if (sodium_memcmp(sealed.hash.data(), expected_hash.data(), kHashBytes) != 0) {
      return Error(ErrorCode::kConflict, "vault/" + id, "the data changed while it was being stored");
    }
    return {};
  }));
  return entry;
}

Result<VaultReader> Vault::open_reader(std::string_view id) const {
  if (!is_vault_id(id)) return Error(ErrorCode::kNotFound, std::string(id), "not a vault id");
  // The keys and the file are taken together, under the lock a rotation takes to retire a key:
  // the file opened is under one of the keys read.
  MOAT_TRY(const Fd lock, lock_folder(dir_, LOCK_SH));
  MOAT_TRY(const Keys keys, load_keys());
  return open_reader_with(std::string(id), keys);
}

Result<VaultReader> Vault::open_reader_with(const std::string& id, const Keys& keys) const {
  const fs::path path = dir_ / id;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Error(ErrorCode::kNotFound, id, "not in the vault");
    return internal_error("cannot read " + path.string() + ": " + errno_text());
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    return internal_error("cannot read " + path.string() + ": " + errno_text());
  if (!S_ISREG(info.st_mode)) return Error(ErrorCode::kNotFound, id, "not in the vault");
  auto state = std::make_unique<VaultReader::State>(
      std::move(fd), id, announced_size(static_cast<std::uint64_t>(info.st_size)), id_key_);
  MOAT_CHECK(state->puller.start(keys.read_keys()));
  return VaultReader(std::move(state));
}

Result<std::string> Vault::get(std::string_view id) const {
  MOAT_TRY(VaultReader reader, open_reader(id));
  std::string content;
  content.reserve(reader.size());
  for (;;) {
    MOAT_TRY(const std::span<const unsigned char> chunk, reader.next());
    if (chunk.empty()) return content;
    content.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
  }
}

Status Vault::copy_to_fd(std::string_view id, int fd) const {
  MOAT_TRY(VaultReader reader, open_reader(id));
  for (;;) {
    MOAT_TRY(const std::span<const unsigned char> chunk, reader.next());
    if (chunk.empty()) return {};
    MOAT_CHECK(write_all(fd, chunk.data(), chunk.size()));
  }
}

Status Vault::copy_to_file(std::string_view id, const fs::path& path) const {
  MOAT_TRY(VaultReader reader, open_reader(id));  // before a temporary file is made
  return write_atomically(path, [&reader](int fd) -> Status {
    for (;;) {
      MOAT_TRY(const std::span<const unsigned char> chunk, reader.next());
      if (chunk.empty()) return {};
      MOAT_CHECK(write_all(fd, chunk.data(), chunk.size()));
    }
  });
}

Status Vault::check(std::string_view id) const {
  MOAT_TRY(VaultReader reader, open_reader(id));
  for (;;) {
    MOAT_TRY(const std::span<const unsigned char> chunk, reader.next());
    if (chunk.empty()) return {};
  }
}

Result<std::vector<VaultProblem>> Vault::verify(
    const std::function<void(std::size_t, std::size_t)>& progress) const {
  MOAT_TRY(const std::vector<std::string> ids, list());
  std::vector<VaultProblem> problems;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Status checked = check(ids[i]);
    if (!checked.ok()) problems.push_back({ids[i], checked.error().message()});
    if (progress) progress(i + 1, ids.size());
  }
  return problems;
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

Result<std::optional<std::pair<std::string, std::string>>> Vault::pending_rotation() const {
  MOAT_TRY(const Keys keys, load_keys());
  if (!keys.next) return std::optional<std::pair<std::string, std::string>>();
  return std::optional(std::pair(fingerprint(keys.current), fingerprint(*keys.next)));
}

Result<std::string> Vault::key_fingerprint() const {
  MOAT_TRY(const Keys keys, load_keys());
  return fingerprint(keys.current);
}

// ---- Key rotation --------------------------------------------------------------------------------------

// The new key is written beside the old one while no new file is being written (the vault
// folder's lock, exclusive): every file written afterwards is under the new key.
Result<VaultRotation> Vault::rotate_key() {
  auto rotation_lock = lock_folder(key_file_.parent_path(), LOCK_EX | LOCK_NB);
  if (!rotation_lock.ok() && rotation_lock.error().code() == ErrorCode::kConflict) {
    return Error(ErrorCode::kConflict, key_file_.string(), "another process is rotating the vault's key");
  }
  MOAT_TRY(Fd lock, std::move(rotation_lock));
  MOAT_TRY(Keys keys, load_keys());
  const bool resumed = keys.next.has_value();
  if (!resumed) {
    MOAT_TRY(const Fd writers, lock_folder(dir_, LOCK_EX));
    const SecretKey next = random_key();
    const auto write_next = [&](int fd) -> Status {
      MOAT_CHECK(write_all(fd, id_key_.data(), SecretKey::kBytes));
      return write_all(fd, next.data(), SecretKey::kBytes);
    };
    MOAT_CHECK(write_atomically(next_key_file(), write_next));
    MOAT_TRY(keys, load_keys());
  }
  return VaultRotation(*this, lock.release(), fingerprint(keys.current), fingerprint(*keys.next), resumed);
}

VaultRotation::VaultRotation(VaultRotation&& other) noexcept
    : vault_(other.vault_),
      lock_fd_(std::exchange(other.lock_fd_, -1)),
      from_key_(std::move(other.from_key_)),
      to_key_(std::move(other.to_key_)),
      resumed_(other.resumed_),
      done_(std::move(other.done_)) {}

VaultRotation::~VaultRotation() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::size_t> VaultRotation::reencrypt(const std::function<void(std::size_t, std::size_t)>& progress) {
  MOAT_TRY(const std::vector<std::string> ids, vault_->list());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    MOAT_CHECK(reencrypt_one(ids[i]));
    if (progress) progress(i + 1, ids.size());
  }
  return ids.size();
}

// A file whose first chunk opens under the new key is left as it is (a resumed rotation, or one
// written during this one); any other is decrypted, checked to its end, and sealed afresh.
Status VaultRotation::reencrypt_one(const std::string& id) {
  if (done_.count(id) > 0) return {};
  MOAT_TRY(const Vault::Keys keys, vault_->load_keys());
  if (!keys.next) return internal_error("the vault's key rotation ended in another process");
  const fs::path path = vault_->dir_ / id;
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return internal_error("cannot read " + path.string() + ": " + errno_text());
  Puller probe(fd.get(), id, id);
  const SecretKey* const new_key[] = {&*keys.next};
  if (!probe.start(new_key).ok()) {
    MOAT_TRY(VaultReader reader, vault_->open_reader_with(id, keys));
    const ByteSource source = reader_source(reader);
    MOAT_CHECK(write_atomically(
        path,
        [&](int out) -> Status {
          MOAT_TRY(const Digest digest, seal(out, id, *keys.next, vault_->id_key_, source));
          if (id_text(digest.hash) != id) return integrity_error(id, kFailsHash);
          return {};
        },
        SyncFolder::kNo));
  }
  done_.insert(id);
  return {};
}

// Files stored since reencrypt() listed the folder were written under the new key, unless their
// writer took its keys before the rotation began: the folder is listed again with writers held
// off, then flushed, then the new key replaces the old one (the commit point: a rename).
Status VaultRotation::commit() {
  MOAT_TRY(const Fd writers, lock_folder(vault_->dir_, LOCK_EX));
  MOAT_TRY(const std::vector<std::string> ids, vault_->list());
  for (const std::string& id : ids) MOAT_CHECK(reencrypt_one(id));
  MOAT_CHECK(sync_dir(vault_->dir_));
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(vault_->dir_, ignored)) {
    if (is_temporary(entry.path().filename().string())) fs::remove(entry.path(), ignored);  // left by a crash
  }
  const std::string marker = to_key_;
  MOAT_CHECK(write_atomically(vault_->dir_ / std::string(kKeyMarker),
                              [&marker](int fd) { return write_all(fd, bytes(marker), marker.size()); }));
  const fs::path next = vault_->next_key_file();
  if (::rename(next.c_str(), vault_->key_file_.c_str()) != 0) {
    return internal_error("cannot rename " + next.string() + " to " + vault_->key_file_.string() + ": " +
                          errno_text());
  }
  return sync_dir(vault_->key_file_.parent_path());
}

}  // namespace moat::store
