// SPDX-License-Identifier: Apache-2.0
// The fingerprinting code: the symmetric Tardos code (Škorić, Katzenbeisser, Celik 2008) with
// its symmetric score, and an accusation threshold that bounds the probability of accusing an
// innocent copy by a Chernoff bound computed from the biases and symbols actually read (so the
// bound is the design's, whatever the length, erasures or collusion strategy). Codewords come
// from copy ids by a keyed PRF (BLAKE2b then ChaCha20, libsodium): without the mark key no one
// can forge or predict a codeword. Pure: key, ids and symbols in, numbers out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moat::mark {

// The probability of accusing any innocent copy of one master that the design allows.
inline constexpr double kFalseAccusation = 1e-6;
// The recipients a master is designed for when a copy's collusion figure is reported.
inline constexpr double kDesignRecipients = 10000;
// A read symbol: 0, 1, or erased (the carrier was not found or its reading was unclear).
inline constexpr int8_t kErased = -1;

// The code of one master: a bias per position, from the key and the master's own seed.
struct Code {
  std::vector<double> bias;  // p_i in [t, 1 - t], arcsine-distributed
  double cutoff = 0;         // t
};

// The 32-byte secret a master's code is derived from: BLAKE2b(key, "moat-mark" ‖ master_seed).
std::string code_secret(std::string_view mark_key, std::string_view master_seed);

// The biases of a code of `length` positions with the cutoff tuned for `design_colluders`.
Code make_code(std::string_view secret, size_t length, int design_colluders = 3);

// The codeword of one copy (one bit per position): x_i = [u_i < p_i], u_i from the PRF of the
// copy id.
std::vector<uint8_t> codeword(const Code& code, std::string_view secret, std::string_view copy_id);

// The symmetric Tardos score of a codeword against the symbols read; erased positions count 0.
double score(const Code& code, const std::vector<uint8_t>& codeword, const std::vector<int8_t>& read);

// The score an innocent copy exceeds with probability at most `epsilon`, given the symbols read:
// min over a of (sum_i ln E[exp(a g_i)] + ln(1/epsilon)) / a, exact for each position's bias.
double threshold(const Code& code, const std::vector<int8_t>& read, double epsilon);

// An upper bound on the probability that an innocent copy scores `observed` or more (<= 1).
double p_value(const Code& code, const std::vector<int8_t>& read, double observed);

// The two bounds above for one reading, its read positions' terms worked out once for the
// threshold and every copy's p-value.
class Bounds {
 public:
  Bounds(const Code& code, const std::vector<int8_t>& read);
  double threshold(double epsilon) const;
  double p_value(double observed) const;

 private:
  struct Cumulant;
  Cumulant cumulant(double a) const;
  // Per read position: an innocent copy agrees with the symbol read with probability q (ln q and
  // ln(1 - q) kept) and gains `agree`, else gains `differ` (negative).
  std::vector<double> log_q_, log_not_q_, agree_, differ_;
  double max_exponent_ = 0;
};

// Positions needed to catch one of `colluders` with the threshold at kFalseAccusation /
// kDesignRecipients: the Laarhoven–de Weger figure (π²/2)·c²·ln(n/ε) for c ≥ 2 (455 for 2, 1,023
// for 3), and kSingleLeaker for one (measured: ≥ 98% of single leakers named at that length).
size_t required_length(int colluders);
inline constexpr size_t kSingleLeaker = 80;

// The largest collusion size a code of `length` positions resists at kFalseAccusation (0: too
// short to name even a single leaker).
int resists(size_t length);

}  // namespace moat::mark
