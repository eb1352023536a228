// SPDX-License-Identifier: Apache-2.0
#include "mark/mark.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "mark/code.h"
#include "mark/excellon.h"
#include "mark/gerber.h"
#include "mark/pdf.h"
#include "mark/prf.h"
#include "mark/step.h"

namespace moat::mark {
namespace {

// The cutoff of a code is tuned to the collusion size its length resists (1 to 3).
int design_colluders(size_t length) { return std::clamp(resists(length), 1, 3); }

Result<const Format*> named(std::string_view scheme) {
  const Format* format = format_named(scheme);
  if (!format) return Error(ErrorCode::kNotFound, "", "no marking scheme named " + std::string(scheme));
  return format;
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

}  // namespace

const Format* format_named(std::string_view scheme) {
  for (const Format* format : formats())
    if (format->scheme() == scheme) return format;
  return nullptr;
}

std::vector<const Format*> formats() {
  static const std::unique_ptr<Format> gerber = make_gerber_format();
  static const std::unique_ptr<Format> excellon = make_excellon_format();
  static const std::unique_ptr<Format> step = make_step_format();
  static const std::unique_ptr<Format> pdf = make_pdf_format();
  return {pdf.get(), step.get(), gerber.get(), excellon.get()};
}

std::string detect_scheme(std::string_view bytes) {
  for (const Format* format : formats())
    if (format->detect(bytes)) return std::string(format->scheme());
  return "";
}

Result<Marked> mark(std::string_view master, std::string_view scheme, std::string_view mark_key,
                    std::string_view copy_id, std::string_view stamp) {
  MOAT_TRY(const Format* format, named(scheme));
  const std::string secret = code_secret(mark_key, sha256(master));
  MOAT_TRY(const Capacity capacity, format->capacity(master, secret));
  const Code code = make_code(secret, capacity.length, design_colluders(capacity.length));
  MOAT_TRY(Embedded embedded, format->embed(master, secret, codeword(code, secret, copy_id), stamp));
  Marked out{std::move(embedded.bytes), std::string(scheme), capacity.length, embedded.carriers,
             resists(capacity.length), embedded.min_shift, embedded.max_shift, ""};
  out.report_json = "{\"scheme\":\"" + out.scheme + "\",\"length\":" + std::to_string(out.length) +
                    ",\"carriers\":" + std::to_string(out.carriers) + ",\"resists\":" +
                    std::to_string(out.resists) + ",\"deviation_um\":{\"min\":" + number(out.min_shift) +
                    ",\"max\":" + number(out.max_shift) + "},\"format\":" + embedded.details + "}";
  return out;
}

Result<Trace> trace(std::string_view suspect, std::string_view master, std::string_view scheme,
                    std::string_view mark_key, const std::vector<std::string>& copy_ids) {
  MOAT_TRY(const Format* format, named(scheme));
  const std::string secret = code_secret(mark_key, sha256(master));
  MOAT_TRY(const Capacity capacity, format->capacity(master, secret));
  const Code code = make_code(secret, capacity.length, design_colluders(capacity.length));
  Trace out;
  MOAT_TRY(out.reading, format->read(suspect, master, secret));
  out.symbols_read = static_cast<size_t>(std::count_if(out.reading.symbols.begin(), out.reading.symbols.end(),
                                                       [](int8_t s) { return s != kErased; }));
  out.epsilon = kFalseAccusation;
  const double per_copy = kFalseAccusation / static_cast<double>(std::max<size_t>(1, copy_ids.size()));
  out.threshold = threshold(code, out.reading.symbols, per_copy);
  for (const std::string& id : copy_ids) {
    CopyScore s{id, score(code, codeword(code, secret, id), out.reading.symbols)};
    s.p_value = p_value(code, out.reading.symbols, s.score);
    s.accused = out.symbols_read > 0 && s.score > out.threshold;
    out.copies.push_back(s);
  }
  return out;
}

}  // namespace moat::mark
