// SPDX-License-Identifier: Apache-2.0
// What tests share: a temporary folder removed afterwards, and a session with a fixed actor and
// a clock that ticks one millisecond per reading, so that ledger contents are reproducible.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "app/session.h"

namespace moat::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "moat-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline app::Session fixed_session(std::string actor = "tester") {
  auto tick = std::make_shared<long long>(1'795'000'000'000LL);
  return {std::move(actor), [tick] { return app::iso8601_utc((*tick)++); }};
}

// The repository root (CTest sets MOAT_SOURCE_DIR).
inline std::filesystem::path source_dir() {
  const char* dir = std::getenv("MOAT_SOURCE_DIR");
  return dir ? dir : ".";
}

}  // namespace moat::testing
