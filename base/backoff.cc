// Retry delays; see backoff.h.
//
// Thread-safety: pure function.
#include "base/backoff.h"

#include <algorithm>

namespace qgrad::base {

absl::Duration BackoffDelay(const BackoffPolicy& policy, int attempt, double unit_random) {
  absl::Duration d = policy.initial;
  // Multiply step by step and stop at the cap, so a large attempt number cannot overflow.
  for (int i = 1; i < attempt && d < policy.max; ++i) d = d * policy.multiplier;
  d = std::min(d, policy.max);
  unit_random = std::clamp(unit_random, 0.0, 1.0);
  return d / 2 + (d / 2) * unit_random;
}

}  // namespace qgrad::base
