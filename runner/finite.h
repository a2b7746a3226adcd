// A check that every floating-point number in a message is finite, by protobuf reflection
// over all its fields (nested and repeated ones included), so that a field added later
// cannot forget it. NaN and ±Infinity are valid proto3 JSON ("NaN", "Infinity") and valid
// binary doubles; no optimizer can use them.
//
// Thread-safety: pure function.
#ifndef QGRAD_RUNNER_FINITE_H_
#define QGRAD_RUNNER_FINITE_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace qgrad::runner {

// INVALID_ARGUMENT naming the first non-finite double or float by its proto field path
// ("initial_state.params[0]: must be finite, got nan"; fields in declaration order).
absl::Status CheckAllFinite(const google::protobuf::Message& message);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_FINITE_H_
