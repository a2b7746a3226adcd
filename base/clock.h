// Wall-clock time behind an interface, so that tests can move time by hand (deadlines,
// retry streaks) instead of sleeping: SystemClock for production, FakeClock for tests.
//
// Thread-safety: implementations are safe for concurrent use.
#ifndef QGRAD_BASE_CLOCK_H_
#define QGRAD_BASE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace qgrad::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch (wall clock: stored in job records).
  virtual int64_t NowMicros() const = 0;
};

class SystemClock : public Clock {
 public:
  int64_t NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told to; for tests.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_micros = 1'800'000'000'000'000) : now_(start_micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  void Advance(int64_t micros) { now_.fetch_add(micros); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace qgrad::base

#endif  // QGRAD_BASE_CLOCK_H_
