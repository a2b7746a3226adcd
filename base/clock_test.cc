// Clocks: the fake moves only when told to; the system clock tracks the real one.
//
// Thread-safety: single-threaded tests except where a test starts threads itself.
#include "base/clock.h"

#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace qgrad::base {
namespace {

TEST(FakeClockTest, MovesOnlyWhenAdvanced) {
  FakeClock clock(1000);
  EXPECT_EQ(clock.NowMicros(), 1000);
  EXPECT_EQ(clock.NowMicros(), 1000);
  clock.Advance(250);
  EXPECT_EQ(clock.NowMicros(), 1250);
  clock.Advance(0);
  EXPECT_EQ(clock.NowMicros(), 1250);
}

TEST(FakeClockTest, ConcurrentAdvancesAllCount) {
  FakeClock clock(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) clock.Advance(1);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(clock.NowMicros(), 4000);
}

TEST(SystemClockTest, AgreesWithTheSystemClock) {
  SystemClock clock;
  const Clock& as_interface = clock;
  const int64_t before = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const int64_t now = as_interface.NowMicros();
  EXPECT_GE(now, before);
  EXPECT_LT(now - before, 60'000'000);  // within a minute even on a loaded machine
}

}  // namespace
}  // namespace qgrad::base
