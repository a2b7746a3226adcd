// JobStore free functions. Thread-safe (pure functions).
#include "store/job_store.h"

namespace qgrad::store {

bool IsTerminal(JobState state) {
  switch (state) {
    case JobState::kSucceeded:
    case JobState::kFailed:
    case JobState::kCancelled:
      return true;
    case JobState::kQueued:
    case JobState::kRunning:
      return false;
  }
  return false;
}

}  // namespace qgrad::store
