// Reconnection delays for Client::Watch: exponential growth capped at a maximum, with
// "equal jitter" (half the delay fixed, half random) so that many watchers cut off by
// the same server restart do not reconnect in lockstep.
//
// Thread-safety: pure function.
#ifndef QGRAD_CLIENT_BACKOFF_H_
#define QGRAD_CLIENT_BACKOFF_H_

#include "absl/time/time.h"

namespace qgrad::client {

struct BackoffPolicy {
  absl::Duration initial = absl::Milliseconds(200);
  absl::Duration max = absl::Seconds(10);
  double multiplier = 2.0;
};

// The delay before reconnection attempt `attempt` (1, 2, ...):
// d = min(max, initial · multiplier^(attempt−1)), returned as d/2 + unit_random · d/2.
// REQUIRES: attempt ≥ 1, unit_random in [0, 1].
absl::Duration BackoffDelay(const BackoffPolicy& policy, int attempt, double unit_random);

}  // namespace qgrad::client

#endif  // QGRAD_CLIENT_BACKOFF_H_
