// Tests of the store retries: the backoff schedule, and a StoreRetrier's account of an
// outage — one `store_write_failed` and one word to the watchers per streak, one
// `store_write_recovered` when the store answers again, giving up when told to.
//
// Thread-safety: single-threaded tests (the log sink is process-global).
#include "server/store_retry.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/log.h"

namespace qgrad::server {
namespace {

TEST(BackoffDelayTest, DoublesFromTheInitialDelayUpToTheCapWithJitterBelow) {
  const base::BackoffPolicy policy = StoreRetryPolicy().backoff;  // 100 ms, at most 5 s
  const double expected_ms[] = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
  for (int retry = 1; retry <= 8; ++retry) {
    const double full = expected_ms[retry - 1];
    EXPECT_DOUBLE_EQ(absl::ToDoubleMilliseconds(base::BackoffDelay(policy, retry, 0.0)),
                     full / 2);
    EXPECT_DOUBLE_EQ(absl::ToDoubleMilliseconds(base::BackoffDelay(policy, retry, 0.5)),
                     full * 0.75);
  }
  // No overflow however long the outage.
  EXPECT_EQ(base::BackoffDelay(policy, 1000, 0.999), base::BackoffDelay(policy, 8, 0.999));
}

TEST(IsRetryableStoreErrorTest, OnlyOutagesAreRetried) {
  EXPECT_TRUE(IsRetryableStoreError(absl::UnavailableError("disk full")));
  EXPECT_TRUE(IsRetryableStoreError(absl::ResourceExhaustedError("no memory")));
  EXPECT_FALSE(IsRetryableStoreError(absl::OkStatus()));
  EXPECT_FALSE(IsRetryableStoreError(absl::FailedPreconditionError("cancelled")));
  EXPECT_FALSE(IsRetryableStoreError(absl::DataLossError("damaged")));
}

// Records what the hub tells a watcher.
class TroubleRecorder : public EventListener {
 public:
  void OnEvents() override {}
  void OnTrouble(const absl::Status& status) override { troubles.push_back(status); }
  std::vector<absl::Status> troubles;
};

class StoreRetrierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogSink([this](const std::string& line) { log_.push_back(nlohmann::json::parse(line)); });
    hub_.Subscribe("j-1", recorder_);
  }
  void TearDown() override { SetLogSink(nullptr); }

  // A call that fails `failures` times with `error`, then answers `answer`.
  std::function<absl::Status()> Flaky(int failures, absl::Status error,
                                       absl::Status answer = absl::OkStatus()) {
    return [=, this]() mutable {
      ++calls_;
      return failures-- > 0 ? error : answer;
    };
  }
  std::vector<std::string> Events() const {
    std::vector<std::string> events;
    for (const nlohmann::json& line : log_) events.push_back(line["event"]);
    return events;
  }

  base::FakeClock clock_;
  EventHub hub_;
  std::shared_ptr<TroubleRecorder> recorder_ = std::make_shared<TroubleRecorder>();
  StoreRetrier retrier_{&hub_, &clock_, StoreRetryPolicy(), "j-1"};
  std::vector<nlohmann::json> log_;
  int calls_ = 0;
};

TEST_F(StoreRetrierTest, ReportsEachStreakOnceAndItsEnd) {
  const absl::Status full = absl::UnavailableError("the job store cannot write: the disk is full");
  std::vector<absl::Duration> waits;
  int64_t waited_micros = 0;
  const RetryWait wait = [&](absl::Duration delay) {
    waits.push_back(delay);
    waited_micros += absl::ToInt64Microseconds(delay);
    clock_.Advance(absl::ToInt64Microseconds(delay));
    return true;
  };
  EXPECT_TRUE(retrier_.Call("store progress", Flaky(3, full), wait).ok());
  EXPECT_EQ(calls_, 4);
  ASSERT_EQ(waits.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_GE(waits[i], absl::Milliseconds(50 << i));
    EXPECT_LT(waits[i], absl::Milliseconds(100 << i));
  }
  ASSERT_EQ(Events(), (std::vector<std::string>{"store_write_failed", "store_write_recovered"}));
  EXPECT_EQ(log_[0]["job_id"], "j-1");
  EXPECT_EQ(log_[0]["operation"], "store progress");
  EXPECT_EQ(log_[0]["error"], std::string(full.message()));
  EXPECT_EQ(log_[1]["failed_attempts"], 3);
  EXPECT_DOUBLE_EQ(log_[1]["seconds"].get<double>(), double(waited_micros) * 1e-6);
  ASSERT_EQ(recorder_->troubles.size(), 1u);
  EXPECT_EQ(recorder_->troubles[0],
            absl::UnavailableError("job j-1: the job store cannot write: the disk is full; the "
                                   "job is paused and continues when the store recovers"));

  EXPECT_TRUE(retrier_.Call("finish", Flaky(1, full), wait).ok());  // a second streak
  EXPECT_EQ(retrier_.streaks(), 2);
  EXPECT_EQ(recorder_->troubles.size(), 2u);
  EXPECT_EQ(Events().size(), 4u);
}

TEST_F(StoreRetrierTest, AnswersThatAreNotOutagesEndTheCall) {
  const RetryWait never = [](absl::Duration) -> bool {
    ADD_FAILURE() << "waited";
    return false;
  };
  const absl::Status gone = absl::FailedPreconditionError("job j-1 is CANCELLED");
  EXPECT_EQ(retrier_.Call("start", Flaky(0, gone, gone), never), gone);
  EXPECT_TRUE(log_.empty());  // the job is no longer ours: no fault of the store
  const absl::Status damaged = absl::DataLossError("the job store's file is damaged");
  EXPECT_EQ(retrier_.Call("start", Flaky(0, damaged, damaged), never), damaged);
  ASSERT_EQ(Events(), std::vector<std::string>{"store_write_failed"});
  EXPECT_EQ(log_[0]["retrying"], false);
  EXPECT_TRUE(recorder_->troubles.empty());
  EXPECT_EQ(calls_, 2);
}

TEST_F(StoreRetrierTest, GivesUpWhenTheWaitSaysSo) {
  const absl::Status busy = absl::UnavailableError("the job store is busy");
  int waits = 0;
  const RetryWait stop_at_second = [&](absl::Duration) { return ++waits < 2; };
  EXPECT_EQ(retrier_.Call("store progress", Flaky(100, busy), stop_at_second), busy);
  EXPECT_EQ(calls_, 2);
  EXPECT_EQ(Events(), std::vector<std::string>{"store_write_failed"});  // not recovered
}

}  // namespace
}  // namespace qgrad::server
