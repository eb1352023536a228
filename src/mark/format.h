// SPDX-License-Identifier: Apache-2.0
// One marked file format behind one interface, so that adding a format is adding one file:
// `prepare` parses a master and chooses its carriers once, then `embed` writes a codeword into
// them and `read` registers a suspect against the master and reads back one symbol per code
// position. Formats are pure (bytes in, bytes out)
// and keyed by the master's code secret (code.h), which decides where and how marks go.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/progress.h"
#include "core/result.h"

namespace moat::mark {

// What a format can carry in one master.
struct Capacity {
  size_t carriers = 0;  // points (or other carriers) that may move
  size_t length = 0;    // code positions they hold (0: the file cannot be marked)
};

struct Embedded {
  std::string bytes;     // the marked copy
  size_t carriers = 0;   // carriers moved
  double min_shift = 0;  // smallest and largest deviation introduced, in micrometres
  double max_shift = 0;
  std::string details;  // format-specific report fields, a JSON object's text
};

// The steps a reading tells its progress in: registering a suspect that does not sit on the
// master as it was written searches for how it sits, in at most this many steps.
inline constexpr size_t kSearchSteps = 60;

struct Reading {
  std::vector<int8_t> symbols;  // one per code position: 0, 1 or kErased
  double confidence = 0;        // share of carriers found in the suspect, 0..1
  double matched = 0;           // share of the suspect the master explains, 0..1
  std::string transform;        // how the suspect sits on the master, in words
};

// A master parsed once, its carriers chosen under one code secret, kept for every copy of a
// release and every trace against that master (parsing and choosing carriers cost more than
// writing a copy). Holds what it needs of the master's bytes itself.
class PreparedMaster {
 public:
  virtual ~PreparedMaster() = default;
  virtual Capacity capacity() const = 0;
  // `codeword` has capacity().length bits; `stamp` is the visible text of formats that show one
  // (PDF), ignored by the others.
  virtual Result<Embedded> embed(const std::vector<uint8_t>& codeword, std::string_view stamp) const = 0;
  // Fails (kInput) when the suspect does not parse or cannot be registered against the master.
  // `progress` is told the search's steps done of kSearchSteps (nothing when no search is needed).
  virtual Result<Reading> read(std::string_view suspect, const Progress& progress) const = 0;
};

class Format {
 public:
  virtual ~Format() = default;
  // "gerber", "excellon", "step", "pdf".
  virtual std::string_view scheme() const = 0;
  // Whether `bytes` look like this format (a cheap check of the first bytes).
  virtual bool detect(std::string_view bytes) const = 0;
  // Parses the master and chooses its carriers under `secret`. Fails (kInput, located) when the
  // master does not parse.
  virtual Result<std::unique_ptr<PreparedMaster>> prepare(std::string_view master,
                                                          std::string_view secret) const = 0;

  // One-off forms of the above, each preparing the master anew.
  Result<Capacity> capacity(std::string_view master, std::string_view secret) const;
  Result<Embedded> embed(std::string_view master, std::string_view secret,
                         const std::vector<uint8_t>& codeword, std::string_view stamp) const;
  Result<Reading> read(std::string_view suspect, std::string_view master, std::string_view secret) const;
};

// The format named `scheme`, or nullptr.
const Format* format_named(std::string_view scheme);
// The formats in detection order.
std::vector<const Format*> formats();

}  // namespace moat::mark
