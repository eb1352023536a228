// SPDX-License-Identifier: Apache-2.0
// Vault throughput and peak memory for one large file: storing it from a file (put_file), reading
// it back to a file (copy_to_file), storing it from a stream read once (put_stream), rotating the
// key over it, and — the peers — the whole-content put() and get() that hold it in memory. Each
// operation runs in a child process of its own, so that its peak resident set (wait4's
// ru_maxrss) is its own; an idle child (the vault opened, nothing done) gives the baseline. For R
// runs prints MB/s and peak memory, then min/median/max.
//
//   vault_bench [--size-mb 100] [--runs 3] [--dir DIR]
// DIR (default: a temporary folder) must have room for about four times the file.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "store/vault.h"

namespace {

namespace fs = std::filesystem;
using moat::store::Vault;
using Clock = std::chrono::steady_clock;

struct Options {
  long size_mb = 100;
  int runs = 3;
  fs::path dir;
};

struct Sample {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system: what the operation costs on an idle machine
  double peak_mib = 0;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "vault_bench: %s\n", message.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--size-mb")
      options.size_mb = std::stol(value);
    else if (flag == "--runs")
      options.runs = std::stoi(value);
    else if (flag == "--dir")
      options.dir = value;
    else
      die("unknown flag " + flag);
  }
  return options;
}

void write_random_file(const fs::path& path, std::size_t size) {
  std::mt19937_64 generator(13);
  std::vector<std::uint64_t> block(1 << 16);
  std::ofstream out(path, std::ios::binary);
  for (std::size_t written = 0; written < size;) {
    for (auto& word : block) word = generator();
    const std::size_t length = std::min(size - written, block.size() * sizeof(std::uint64_t));
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(length));
    written += length;
  }
  if (!out) die("cannot write " + path.string());
}

Vault open_vault(const fs::path& root) {
  auto vault = Vault::open(root / "vault", root / "keys" / "vault.key");
  if (!vault.ok()) die(vault.error().to_string());
  return std::move(vault).value();
}

void empty_vault(const fs::path& root) {
  fs::remove_all(root / "vault");
  fs::create_directory(root / "vault");
}

void check(const moat::Status& status) {
  if (!status.ok()) die(status.error().to_string());
}

// Runs `body` in a child process; its wall time and peak resident set.
Sample measure(const std::function<void()>& body) {
  const auto start = Clock::now();
  const pid_t child = fork();
  if (child < 0) die("fork failed");
  if (child == 0) {
    body();
    std::_Exit(0);
  }
  int status = 0;
  rusage usage{};
  if (wait4(child, &status, 0, &usage) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    die("a measured operation failed");
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const auto in_seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {seconds, in_seconds(usage.ru_utime) + in_seconds(usage.ru_stime),
          static_cast<double>(usage.ru_maxrss) / 1024.0};  // ru_maxrss is in KiB
}

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Each operation, given the workspace root, the input file, and the stored id.
struct Operation {
  const char* name;
  std::function<void(const fs::path&, const fs::path&, const std::string&)> run;
  bool counts_bytes;  // false for the idle baseline
};

const std::vector<Operation>& operations() {
  static const std::vector<Operation> all{
      {"idle (vault opened)",
       [](const fs::path& root, const fs::path&, const std::string&) { open_vault(root); }, false},
      {"put_file",
       [](const fs::path& root, const fs::path& input, const std::string&) {
         empty_vault(root);
         Vault vault = open_vault(root);
         if (!vault.put_file(input).ok()) die("put_file failed");
       },
       true},
      {"copy_to_file",
       [](const fs::path& root, const fs::path&, const std::string& id) {
         check(open_vault(root).copy_to_file(id, root / "out.bin"));
       },
       true},
      {"put_stream (read once)",
       [](const fs::path& root, const fs::path& input, const std::string&) {
         empty_vault(root);
         const int fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
         if (!open_vault(root).put_stream(moat::store::fd_source(fd, input.string())).ok())
           die("put_stream failed");
         ::close(fd);
       },
       true},
      {"rotate-key",
       [](const fs::path& root, const fs::path&, const std::string&) {
         Vault vault = open_vault(root);
         auto rotation = vault.rotate_key();
         if (!rotation.ok()) die(rotation.error().to_string());
         if (!rotation->reencrypt().ok()) die("reencrypt failed");
         check(rotation->commit());
       },
       true},
      {"put (whole, in memory; peer)",
       [](const fs::path& root, const fs::path& input, const std::string&) {
         empty_vault(root);
         const std::string content = read_whole(input);
         if (!open_vault(root).put(content).ok()) die("put failed");
       },
       true},
      {"get (whole, in memory; peer)",
       [](const fs::path& root, const fs::path&, const std::string& id) {
         if (!open_vault(root).get(id).ok()) die("get failed");
       },
       true},
  };
  return all;
}

void report(const Operation& op, std::vector<Sample> samples, double megabytes) {
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.seconds > b.seconds; });
  const auto rate = [&](double seconds) {
    return op.counts_bytes && seconds > 0 ? megabytes / seconds : 0.0;
  };
  double peak = 0, cpu = 0;
  for (const Sample& s : samples) {
    peak = std::max(peak, s.peak_mib);
    cpu = std::max(cpu, s.cpu_seconds);
  }
  std::printf("| %s | %.0f / %.0f / %.0f | %.0f | %.1f |\n", op.name, rate(samples.front().seconds),
              rate(samples[samples.size() / 2].seconds), rate(samples.back().seconds), rate(cpu), peak);
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  const bool temporary = options.dir.empty();
  if (temporary) {
    std::string pattern = (fs::temp_directory_path() / "vault-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) die("cannot make a temporary folder");
    options.dir = pattern;
  }
  const fs::path root = options.dir;
  fs::create_directories(root / "vault");
  fs::create_directories(root / "keys");
  {
    std::ofstream key(root / "keys" / "vault.key", std::ios::binary);
    std::mt19937 generator(7);
    for (int i = 0; i < 32; ++i) key.put(static_cast<char>(generator()));
  }
  fs::permissions(root / "keys" / "vault.key", fs::perms::owner_read | fs::perms::owner_write);
  const fs::path input = root / "input.bin";
  const std::size_t size = static_cast<std::size_t>(options.size_mb) * 1000 * 1000;
  write_random_file(input, size);
  const double megabytes = static_cast<double>(size) / 1e6;
  std::printf(
      "%ld MB file, %d runs; MB/s (10^6 bytes) of wall time min / median / max and of CPU time (user +\n"
      "system), peak resident set (max of the runs)\n\n",
      options.size_mb, options.runs);
  std::printf(
      "| operation | MB/s wall min / median / max | MB/s of CPU time (worst run) | peak RSS MiB |\n"
      "| --- | --- | --- | --- |\n");
  // The stores empty the vault and store the file again: between operations it always holds
  // the file, under this id.
  auto stored = open_vault(root).put_file(input);
  if (!stored.ok()) die(stored.error().to_string());
  const std::string id = stored->id;
  for (const Operation& op : operations()) {
    std::vector<Sample> samples;
    for (int r = 0; r < options.runs; ++r) {
      samples.push_back(measure([&] { op.run(root, input, id); }));
      std::error_code ignored;
      fs::remove(root / "out.bin", ignored);
    }
    report(op, samples, megabytes);
  }
  if (temporary) fs::remove_all(root);
  return 0;
}
