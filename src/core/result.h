// SPDX-License-Identifier: Apache-2.0
// Result<T>: the value of an operation that can fail in an expected way, or the Error saying
// where and why. moat returns errors as values; exceptions are reserved for faults that end
// the process, caught once per binary. An Error carries one or more located diagnostics (an
// import reports every bad field it found, not only the first) and a code that decides the
// exit status: kInput and kConflict are the user's to fix (exit 1), kInternal is moat's (exit 2).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace moat {

enum class ErrorCode {
  kInput,      // malformed or inconsistent input: a file, a flag, a record
  kNotFound,   // a named thing does not exist
  kConflict,   // the request clashes with the current state (already exists, stale version)
  kIntegrity,  // stored data fails verification (a broken ledger chain)
  kInternal,   // a fault inside moat or its environment (I/O, database)
};

// Where and what: `where` is "file:line:col", a JSON pointer, or empty.
struct Diagnostic {
  std::string where;
  std::string message;
};

class Error {
 public:
  Error(ErrorCode code, std::string where, std::string message)
      : code_(code), diagnostics_{{std::move(where), std::move(message)}} {}
  Error(ErrorCode code, std::vector<Diagnostic> diagnostics)
      : code_(code), diagnostics_(std::move(diagnostics)) {}

  ErrorCode code() const { return code_; }
  const std::string& where() const { return diagnostics_.front().where; }
  const std::string& message() const { return diagnostics_.front().message; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // One line per diagnostic: "where: message" (or just the message when there is no place).
  std::string to_string() const;
  // 0 never; 1 for the user's input, 2 for an internal fault.
  int exit_code() const { return code_ == ErrorCode::kInternal ? 2 : 1; }

 private:
  ErrorCode code_;
  std::vector<Diagnostic> diagnostics_;  // never empty
};

inline Error input_error(std::string where, std::string message) {
  return Error(ErrorCode::kInput, std::move(where), std::move(message));
}
inline Error internal_error(std::string message) {
  return Error(ErrorCode::kInternal, "", std::move(message));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace moat

#define MOAT_CONCAT_INNER(a, b) a##b
#define MOAT_CONCAT(a, b) MOAT_CONCAT_INNER(a, b)

// MOAT_TRY(auto x, expr): evaluates a Result-returning expr; on error returns the error from
// the enclosing function, else binds the value to the declaration.
#define MOAT_TRY(decl, expr) MOAT_TRY_IMPL(MOAT_CONCAT(moat_try_, __LINE__), decl, expr)
#define MOAT_TRY_IMPL(tmp, decl, expr)          \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()

// MOAT_CHECK(expr): evaluates a Status-returning expr and returns its error, if any.
#define MOAT_CHECK(expr)                                                      \
  do {                                                                        \
    auto moat_check_status = (expr);                                          \
    if (!moat_check_status.ok()) return std::move(moat_check_status).error(); \
  } while (false)
