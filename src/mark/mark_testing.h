// SPDX-License-Identifier: Apache-2.0
// What the marking tests share: files on disk in a temporary folder, running the real tools,
// the Ploopy trackball's files when the shared real-world folder is present, and generated
// boards otherwise.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace moat::mark::testing {

class Folder {
 public:
  Folder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "moat-mark-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~Folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Runs a shell command quietly; true when it exits 0.
inline bool run(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

inline bool have(const std::string& tool) {
  return run("command -v " + tool);
}

// The real-world folder (../shared/realworld/ploopy-classic-trackball from the source tree).
inline std::filesystem::path ploopy() {
  const char* source = std::getenv("MOAT_SOURCE_DIR");
  const std::filesystem::path root = source ? source : MOAT_REPO_DIR;
  return root.parent_path() / "shared" / "realworld" / "ploopy-classic-trackball";
}

// A generated copper layer: `pads` round pads at random places on a 100 mm board, every other
// one joined to the next by a track, in %FSLAX43Y43*% millimetres like Altium writes.
inline std::string generated_gerber(int pads, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> coordinate(1000, 99000);
  std::string out = "G04 generated board*\n%FSLAX43Y43*%\n%MOMM*%\n%ADD10C,0.250*%\n%ADD11C,0.800*%\nG01*\n";
  std::vector<std::pair<int, int>> at;
  for (int i = 0; i < pads; ++i) at.emplace_back(coordinate(rng), coordinate(rng));
  out += "D11*\n";
  for (const auto& [x, y] : at) out += "X" + std::to_string(x) + "Y" + std::to_string(y) + "D03*\n";
  out += "D10*\n";
  for (size_t i = 0; i + 1 < at.size(); i += 2) {
    out += "X" + std::to_string(at[i].first) + "Y" + std::to_string(at[i].second) + "D02*\n";
    out += "X" + std::to_string(at[i + 1].first) + "Y" + std::to_string(at[i].second) + "D01*\n";
    out += "X" + std::to_string(at[i + 1].first) + "Y" + std::to_string(at[i + 1].second) + "D01*\n";
  }
  return out + "M02*\n";
}

// A generated drill file: `holes` hits, METRIC,LZ in 3:3 (the digits gerbv assumes when a file
// does not say).
inline std::string generated_drill(int holes, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> coordinate(1000, 99000);
  std::string out = "M48\n;FILE_FORMAT=3:3\nMETRIC,LZ\nT1C0.300\nT2C0.800\n%\nT01\n";
  auto word = [](int v) {
    std::string digits = std::to_string(v);
    digits.insert(0, 6 - digits.size(), '0');
    return digits;  // full width: readers disagree on which zeros LZ drops
  };
  for (int i = 0; i < holes; ++i) {
    if (i == holes / 2) out += "T02\n";
    out += "X" + word(coordinate(rng)) + "Y" + word(coordinate(rng)) + "\n";
  }
  return out + "M30\n";
}

}  // namespace moat::mark::testing
