// Spec bounds; see limits.h.
//
// Thread-safety: pure functions.
#include "runner/limits.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"

namespace qgrad::runner {

JobLimits ResolveLimits(const v1::Limits& spec_limits, const SpecLimits& limits) {
  const int own = spec_limits.max_qubits() > 0 ? spec_limits.max_qubits() : kDefaultMaxQubits;
  const QubitLimit qubits = own <= limits.max_qubits ? QubitLimit{own, "limits.max_qubits"}
                                                     : QubitLimit{limits.max_qubits, "max_qubits"};
  return {qubits, limits.max_shots, limits.max_start_gates, limits.max_pauli_terms};
}

namespace {

// "must be >= lo" or "must be <= hi" for the side the value is on, both for a NaN.
template <typename T>
absl::Status OutOfRange(absl::string_view path, T value, T lo, T hi) {
  std::string rule = absl::StrCat("must be in [", lo, ", ", hi, "]");
  if (value < lo) rule = absl::StrCat("must be >= ", lo);
  if (value > hi) rule = absl::StrCat("must be <= ", hi);
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", rule, ", got ", value));
}

}  // namespace

absl::Status CheckRange(absl::string_view path, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return OutOfRange(path, value, lo, hi);
}

absl::Status CheckRealRange(absl::string_view path, double value, double lo, double hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return OutOfRange(path, value, lo, hi);
}

absl::Status CheckRangeIfSet(bool has, absl::string_view path, int64_t value, int64_t lo,
                             int64_t hi) {
  return has ? CheckRange(path, value, lo, hi) : absl::OkStatus();
}

absl::Status CheckRealRangeIfSet(bool has, absl::string_view path, double value, double lo,
                                 double hi) {
  return has ? CheckRealRange(path, value, lo, hi) : absl::OkStatus();
}

absl::Status CheckPositive(absl::string_view path, double value, double hi) {
  if (value > 0 && value <= hi) return absl::OkStatus();
  // "must be > 0" alone is the message the job service has always given.
  if (!(value > 0)) return absl::InvalidArgumentError(absl::StrCat(path, ": must be > 0"));
  return absl::InvalidArgumentError(absl::StrCat(path, ": must be <= ", hi, ", got ", value));
}

absl::Status CheckCoefficient(absl::string_view path, double value) {
  if (std::abs(value) <= kMaxCoefficient) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": |", value, "| exceeds ", kMaxCoefficient, " (rescale the problem)"));
}

absl::Status CheckCount(absl::string_view path, int64_t count, absl::string_view what,
                        int64_t limit, absl::string_view limit_name) {
  if (count <= limit) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat(path, ": ", count, " ", what, " exceed ", limit_name, " = ", limit));
}

absl::Status CheckQubits(absl::string_view path, int64_t qubits, const QubitLimit& limit) {
  return CheckCount(path, qubits, "qubits", limit.value, limit.name);
}

namespace {

int64_t PairCount(int64_t n) { return n > 1 ? n * (n - 1) / 2 : 0; }

}  // namespace

absl::Status CheckCouplingCount(absl::string_view path, int64_t count, int num_qubits) {
  if (count <= PairCount(num_qubits)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", count, " edges, but ", num_qubits,
                                                 " qubits have only ", PairCount(num_qubits),
                                                 " distinct pairs"));
}

absl::Status CheckEdgeCount(absl::string_view path, int64_t count, const QubitLimit& limit) {
  if (count <= PairCount(limit.value)) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(path, ": ", count, " edges exceed the ",
                                                   PairCount(limit.value),
                                                   " of a complete graph on ", limit.name,
                                                   " = ", limit.value, " qubits"));
}

}  // namespace qgrad::runner
