// Device credentials: a reference ("env:NAME" or "file:PATH") resolved once, when a
// backend is built, into a Secret. A Secret prints as "***" (operator<<, AbslStringify),
// (StrCat honours AbslStringify from Abseil 20230125 on; with older ones it does not
// compile), so it cannot leak through logging; its value is read only where a request is
// authenticated. Errors name the reference's kind and variable or path, never a value —
// and not even an unrecognised reference, which may be a key pasted in by mistake.
//
// Thread-safety: Secret is an immutable value; ResolveSecret has no shared state.
#ifndef QGRAD_BACKENDS_REST_CREDENTIALS_H_
#define QGRAD_BACKENDS_REST_CREDENTIALS_H_

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qgrad::backends::rest {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& value() const { return value_; }
  bool empty() const { return value_.empty(); }

  template <typename Sink>
  friend void AbslStringify(Sink& sink, const Secret&) {
    sink.Append("***");
  }
  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

 private:
  std::string value_;
};

// "env:NAME": the variable's value (NOT_FOUND when unset, INVALID_ARGUMENT when empty).
// "file:PATH": the file's contents with surrounding whitespace trimmed (base::ReadFile's
// errors, at most 64 KiB; PERMISSION_DENIED when the file is readable by others, like
// ssh does for keys; INVALID_ARGUMENT when empty). Anything else is INVALID_ARGUMENT.
absl::StatusOr<Secret> ResolveSecret(absl::string_view reference);

// `text` with every occurrence of the secret's value replaced by "***" (values shorter
// than 4 characters are left alone: they would mask ordinary words).
std::string Redact(std::string text, const Secret& secret);

}  // namespace qgrad::backends::rest

#endif  // QGRAD_BACKENDS_REST_CREDENTIALS_H_
