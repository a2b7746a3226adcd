// Retry delays: exponential growth capped at a maximum, with "equal jitter" (half the
// delay fixed, half random) so that many callers cut off by the same outage (watchers of
// a restarted server, jobs held up by a full disk) do not retry in lockstep. Used by the
// client's reconnections and the server's store retries.
//
// Thread-safety: pure function.
#ifndef QGRAD_BASE_BACKOFF_H_
#define QGRAD_BASE_BACKOFF_H_

#include "absl/time/time.h"

namespace qgrad::base {

struct BackoffPolicy {
  absl::Duration initial = absl::Milliseconds(200);
  absl::Duration max = absl::Seconds(10);
  double multiplier = 2.0;
};

// The delay before retry `attempt` (1, 2, ...):
// d = min(max, initial · multiplier^(attempt−1)), returned as d/2 + unit_random · d/2.
// unit_random is clamped to [0, 1]; a huge attempt number cannot overflow.
// REQUIRES: attempt ≥ 1, multiplier ≥ 1.
absl::Duration BackoffDelay(const BackoffPolicy& policy, int attempt, double unit_random);

}  // namespace qgrad::base

#endif  // QGRAD_BASE_BACKOFF_H_
