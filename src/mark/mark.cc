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
int design_colluders(size_t length) {
  return std::clamp(resists(length), 1, 3);
}

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

Result<Capacity> Format::capacity(std::string_view master, std::string_view secret) const {
  MOAT_TRY(const std::unique_ptr<PreparedMaster> prepared, prepare(master, secret));
  return prepared->capacity();
}

Result<Embedded> Format::embed(std::string_view master, std::string_view secret,
                               const std::vector<uint8_t>& codeword, std::string_view stamp) const {
  MOAT_TRY(const std::unique_ptr<PreparedMaster> prepared, prepare(master, secret));
  return prepared->embed(codeword, stamp);
}

Result<Reading> Format::read(std::string_view suspect, std::string_view master,
                             std::string_view secret) const {
  MOAT_TRY(const std::unique_ptr<PreparedMaster> prepared, prepare(master, secret));
  return prepared->read(suspect, {});
}

Result<Master> Master::prepare(std::string_view master, std::string_view scheme, std::string_view mark_key) {
  MOAT_TRY(const Format* format, named(scheme));
  Master out;
  out.scheme_ = std::string(scheme);
  out.secret_ = code_secret(mark_key, sha256(master));
  MOAT_TRY(std::unique_ptr<PreparedMaster> prepared, format->prepare(master, out.secret_));
  out.capacity_ = prepared->capacity();
  out.code_ = make_code(out.secret_, out.capacity_.length, design_colluders(out.capacity_.length));
  out.prepared_ = std::move(prepared);
  return out;
}

Result<Marked> Master::mark(std::string_view copy_id, std::string_view stamp) const {
  MOAT_TRY(Embedded embedded, prepared_->embed(codeword(code_, secret_, copy_id), stamp));
  Marked out{std::move(embedded.bytes), scheme_,
             capacity_.length,          embedded.carriers,
             resists(capacity_.length), embedded.min_shift,
             embedded.max_shift,        ""};
  out.report_json = "{\"scheme\":\"" + out.scheme + "\",\"length\":" + std::to_string(out.length) +
                    ",\"carriers\":" + std::to_string(out.carriers) +
                    ",\"resists\":" + std::to_string(out.resists) +
                    ",\"deviation_um\":{\"min\":" + number(out.min_shift) +
                    ",\"max\":" + number(out.max_shift) + "},\"format\":" + embedded.details + "}";
  return out;
}

Result<Trace> Master::trace(std::string_view suspect, const std::vector<std::string>& copy_ids,
                            const Progress& progress) const {
  Trace out;
  MOAT_TRY(out.reading, prepared_->read(suspect, progress));
  tell(progress, kSearchSteps, kSearchSteps);
  out.symbols_read = static_cast<size_t>(std::count_if(out.reading.symbols.begin(), out.reading.symbols.end(),
                                                       [](int8_t s) { return s != kErased; }));
  out.epsilon = kFalseAccusation;
  const double per_copy = kFalseAccusation / static_cast<double>(std::max<size_t>(1, copy_ids.size()));
  const Bounds bounds(code_, out.reading.symbols);
  out.threshold = bounds.threshold(per_copy);
  for (const std::string& id : copy_ids) {
    CopyScore s{id, score(code_, codeword(code_, secret_, id), out.reading.symbols)};
    s.p_value = bounds.p_value(s.score);
    s.accused = out.symbols_read > 0 && s.score > out.threshold;
    out.copies.push_back(s);
  }
  return out;
}

Result<Marked> mark(std::string_view master, std::string_view scheme, std::string_view mark_key,
                    std::string_view copy_id, std::string_view stamp) {
  MOAT_TRY(const Master prepared, Master::prepare(master, scheme, mark_key));
  return prepared.mark(copy_id, stamp);
}

Result<Trace> trace(std::string_view suspect, std::string_view master, std::string_view scheme,
                    std::string_view mark_key, const std::vector<std::string>& copy_ids) {
  MOAT_TRY(const Master prepared, Master::prepare(master, scheme, mark_key));
  return prepared.trace(suspect, copy_ids);
}

}  // namespace moat::mark
