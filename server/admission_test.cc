// Tests of the AdmissionPool: bounded queue, bounded concurrent computation, shutdown.
#include "server/admission.h"

#include <atomic>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace qgrad::server {
namespace {

TEST(AdmissionPoolTest, RunsEveryPostedItemOnItsThreads) {
  AdmissionPool pool({/*threads=*/4, /*cpu_slots=*/2, /*max_queued=*/100, absl::Seconds(1)});
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.Post([&] { ++ran; }).ok());
  pool.Shutdown();  // runs what is queued before returning
  EXPECT_EQ(ran.load(), 50);
  EXPECT_EQ(pool.Post([] {}).code(), absl::StatusCode::kUnavailable);
}

TEST(AdmissionPoolTest, AFullQueueIsRefused) {
  AdmissionPool pool({/*threads=*/1, /*cpu_slots=*/1, /*max_queued=*/2, absl::Seconds(1)});
  absl::Notification started, release;
  ASSERT_TRUE(pool.Post([&] {
    started.Notify();
    release.WaitForNotification();
  }).ok());
  started.WaitForNotification();  // the one worker is busy; two more may wait
  EXPECT_TRUE(pool.Post([] {}).ok());
  EXPECT_TRUE(pool.Post([] {}).ok());
  absl::Status full = pool.Post([] {});
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  release.Notify();
}

TEST(AdmissionPoolTest, AtMostCpuSlotsItemsComputeAtOnce) {
  AdmissionPool pool({/*threads=*/8, /*cpu_slots=*/2, /*max_queued=*/100, absl::Seconds(1)});
  std::atomic<int> computing{0}, most{0};
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(pool.Post([&] {
      AdmissionPool::CpuSlot slot(&pool, absl::InfiniteFuture());
      const int now = ++computing;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      for (volatile int k = 0; k < 20000; k = k + 1) {
      }
      --computing;
    }).ok());
  }
  pool.Shutdown();
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
}

// Under a flood, an item that cannot start computing within max_wait is shed instead of
// queueing without bound; the slots it did not get stay free for others.
TEST(AdmissionPoolTest, ASlotNotFreeByTheDeadlineIsRefused) {
  AdmissionPool pool({/*threads=*/2, /*cpu_slots=*/1, /*max_queued=*/10, absl::Seconds(1)});
  absl::Notification holding, release;
  ASSERT_TRUE(pool.Post([&] {
    AdmissionPool::CpuSlot slot(&pool, absl::InfiniteFuture());
    holding.Notify();
    release.WaitForNotification();
  }).ok());
  holding.WaitForNotification();
  {
    AdmissionPool::CpuSlot late(&pool, absl::Now() + absl::Milliseconds(20));
    EXPECT_EQ(late.status().code(), absl::StatusCode::kResourceExhausted) << late.status();
  }
  release.Notify();
  AdmissionPool::CpuSlot next(&pool, absl::Now() + absl::Seconds(30));
  EXPECT_TRUE(next.status().ok()) << next.status();
}

}  // namespace
}  // namespace qgrad::server
