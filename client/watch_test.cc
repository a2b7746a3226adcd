// Client::Watch against the FakeServer: resumption after dropped streams and a server
// restart with every event delivered exactly once and in order, replay overlap, early
// stops, cancellation and giving up.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "client/client.h"
#include "client/fake_server.h"
#include "gtest/gtest.h"

namespace qgrad::client {
namespace {

WatchOptions FastRetries() {
  WatchOptions options;
  options.backoff = {absl::Milliseconds(1), absl::Milliseconds(20), 2.0};
  return options;
}

class WatchTest : public ::testing::Test {
 protected:
  void StartServer(int iterations, absl::Duration interval) {
    FakeServerOptions options;
    options.token = "t";
    options.iterations = iterations;
    options.event_interval = interval;
    auto server = FakeServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ClientOptions client_options;
    client_options.server = server_->address();
    client_options.token = "t";
    absl::StatusOr<Client> client = Client::Create(client_options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::make_unique<Client>(*std::move(client));
  }

  std::string SubmitJob() {
    v1::SubmitJobRequest request;
    request.mutable_spec()->mutable_problem()->mutable_pauli_sum()->set_text("Z0");
    absl::StatusOr<v1::SubmitJobResponse> r = client_->Submit(request);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->job().id() : "";
  }

  // 1, 2, ..., n.
  static std::vector<int64_t> Upto(int64_t n) {
    std::vector<int64_t> v;
    for (int64_t i = 1; i <= n; ++i) v.push_back(i);
    return v;
  }

  std::unique_ptr<FakeServer> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(WatchTest, ResumesAfterDroppedStreamsWithoutDuplicatesOrGaps) {
  StartServer(/*iterations=*/6, absl::Milliseconds(2));
  const std::string id = SubmitJob();
  server_->DropWatchStreams(/*streams=*/3, /*after_events=*/2);
  std::vector<int64_t> seen;
  std::vector<int> attempts;
  WatchOptions options = FastRetries();
  options.on_reconnect = [&](const absl::Status& error, int attempt, absl::Duration) {
    EXPECT_TRUE(absl::IsUnavailable(error)) << error;
    attempts.push_back(attempt);
  };
  absl::StatusOr<WatchSummary> summary = client_->Watch(
      id, 0,
      [&](const v1::JobEvent& e) {
        seen.push_back(e.sequence());
        return true;
      },
      options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  // QUEUED, RUNNING, six iterations, SUCCEEDED.
  EXPECT_EQ(seen, Upto(9));
  EXPECT_EQ(summary->final_state, v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(summary->last_sequence, 9);
  EXPECT_EQ(summary->reconnects, 3);
  // Each stream that delivered something resets the count of failures in a row.
  EXPECT_EQ(attempts, (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(server_->watch_requests(), (std::vector<int64_t>{0, 2, 4, 6}));
}

TEST_F(WatchTest, ReplayedEventsAreNotDeliveredTwice) {
  StartServer(/*iterations=*/4, absl::ZeroDuration());
  const std::string id = SubmitJob();
  server_->ReplayFromStart(true);
  server_->DropWatchStreams(/*streams=*/2, /*after_events=*/4);
  std::vector<int64_t> seen;
  absl::StatusOr<WatchSummary> summary = client_->Watch(
      id, 0,
      [&](const v1::JobEvent& e) {
        seen.push_back(e.sequence());
        return true;
      },
      FastRetries());
  ASSERT_TRUE(summary.ok()) << summary.status();
  // Streams 1 and 2 both send 1..4; stream 3 sends 1..7.
  EXPECT_EQ(seen, Upto(7));
}

TEST_F(WatchTest, ResumesAcrossAServerRestart) {
  StartServer(/*iterations=*/5, absl::Milliseconds(40));
  const std::string id = SubmitJob();
  absl::Notification third_event;
  WatchOptions options = FastRetries();
  // The channel itself waits ~200 ms before reconnecting; many quick attempts may fail
  // before the new server is reachable.
  options.max_consecutive_failures = 1000;
  std::vector<int64_t> seen;
  absl::StatusOr<WatchSummary> summary;
  std::thread watcher([&] {
    summary = client_->Watch(
        id, 0,
        [&](const v1::JobEvent& e) {
          seen.push_back(e.sequence());
          if (e.sequence() == 3) third_event.Notify();
          return true;
        },
        options);
  });
  third_event.WaitForNotification();
  ASSERT_TRUE(server_->Restart().ok());
  watcher.join();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(seen, Upto(8));
  EXPECT_GE(summary->reconnects, 1);
  EXPECT_EQ(summary->final_state, v1::JOB_STATE_SUCCEEDED);
}

TEST_F(WatchTest, LongIdleStreamsClosedByAProxyDoNotExhaustTheAttempts) {
  StartServer(/*iterations=*/2, absl::Milliseconds(300));
  const std::string id = SubmitJob();
  server_->LimitWatchStreamLifetime(absl::Milliseconds(100));
  WatchOptions options = FastRetries();
  options.max_consecutive_failures = 2;  // fewer than the idle closes between two events
  options.healthy_stream_duration = absl::Milliseconds(80);
  std::vector<int64_t> seen;
  absl::StatusOr<WatchSummary> summary = client_->Watch(
      id, 0,
      [&](const v1::JobEvent& e) {
        seen.push_back(e.sequence());
        return true;
      },
      options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(seen, Upto(5));
  EXPECT_GE(summary->reconnects, 4);
}

TEST_F(WatchTest, WatchingAFinishedJobFromItsLastEventEndsAtOnce) {
  StartServer(/*iterations=*/2, absl::ZeroDuration());
  const std::string id = SubmitJob();
  int delivered = 0;
  absl::StatusOr<WatchSummary> summary = client_->Watch(
      id, 5,
      [&](const v1::JobEvent&) {
        ++delivered;
        return true;
      },
      FastRetries());
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(delivered, 0);
  EXPECT_EQ(summary->final_state, v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(summary->reconnects, 0);
}

TEST_F(WatchTest, ResumingFromASequenceSkipsWhatCameBefore) {
  StartServer(/*iterations=*/3, absl::ZeroDuration());
  const std::string id = SubmitJob();
  std::vector<int64_t> seen;
  absl::StatusOr<WatchSummary> summary = client_->Watch(id, 3, [&](const v1::JobEvent& e) {
    seen.push_back(e.sequence());
    return true;
  });
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(seen, (std::vector<int64_t>{4, 5, 6}));
}

TEST_F(WatchTest, CallbackCanStopTheWatch) {
  StartServer(/*iterations=*/5, absl::Milliseconds(1));
  const std::string id = SubmitJob();
  absl::StatusOr<WatchSummary> summary =
      client_->Watch(id, 0, [&](const v1::JobEvent& e) { return e.sequence() < 2; });
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_TRUE(summary->stopped_by_callback);
  EXPECT_EQ(summary->last_sequence, 2);
  EXPECT_EQ(summary->final_state, v1::JOB_STATE_UNSPECIFIED);
}

TEST_F(WatchTest, PermanentErrorsAreNotRetried) {
  StartServer(/*iterations=*/1, absl::ZeroDuration());
  int reconnects = 0;
  WatchOptions options = FastRetries();
  options.on_reconnect = [&](const absl::Status&, int, absl::Duration) { ++reconnects; };
  auto ignore = [](const v1::JobEvent&) { return true; };
  EXPECT_TRUE(absl::IsNotFound(client_->Watch("j-none", 0, ignore, options).status()));

  ClientOptions stranger_options;
  stranger_options.server = server_->address();
  stranger_options.token = "wrong";
  absl::StatusOr<Client> stranger = Client::Create(stranger_options);
  ASSERT_TRUE(stranger.ok());
  EXPECT_TRUE(absl::IsUnauthenticated(stranger->Watch("j-000001", 0, ignore, options).status()));
  EXPECT_EQ(reconnects, 0);
}

TEST_F(WatchTest, CancellerInterruptsAStreamWaitingForEvents) {
  StartServer(/*iterations=*/3, absl::Seconds(30));  // the second event is far away
  const std::string id = SubmitJob();
  WatchCanceller canceller;
  WatchOptions options = FastRetries();
  options.canceller = &canceller;
  absl::Notification first_event;
  std::thread stopper([&] {
    first_event.WaitForNotification();
    canceller.Cancel();
  });
  const absl::Time start = absl::Now();
  absl::StatusOr<WatchSummary> summary = client_->Watch(
      id, 0,
      [&](const v1::JobEvent&) {
        first_event.Notify();
        return true;
      },
      options);
  stopper.join();
  EXPECT_TRUE(absl::IsCancelled(summary.status())) << summary.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST(WatchUnreachableTest, GivesUpAfterConsecutiveFailures) {
  ClientOptions client_options;
  client_options.server = "127.0.0.1:1";
  absl::StatusOr<Client> client = Client::Create(client_options);
  ASSERT_TRUE(client.ok());
  WatchOptions options = FastRetries();
  options.max_consecutive_failures = 3;
  int reconnects = 0;
  options.on_reconnect = [&](const absl::Status&, int, absl::Duration) { ++reconnects; };
  absl::Status s = client
                       ->Watch(
                           "j-1", 0, [](const v1::JobEvent&) { return true; }, options)
                       .status();
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "gave up after 3")) << s;
  EXPECT_EQ(reconnects, 3);
}

TEST(WatchUnreachableTest, CancellerInterruptsTheBackoffSleep) {
  ClientOptions client_options;
  client_options.server = "127.0.0.1:1";
  absl::StatusOr<Client> client = Client::Create(client_options);
  ASSERT_TRUE(client.ok());
  WatchCanceller canceller;
  WatchOptions options;
  options.backoff = {absl::Seconds(60), absl::Seconds(60), 2.0};
  options.canceller = &canceller;
  options.on_reconnect = [&](const absl::Status&, int, absl::Duration) { canceller.Cancel(); };
  const absl::Time start = absl::Now();
  absl::Status s = client
                       ->Watch(
                           "j-1", 0, [](const v1::JobEvent&) { return true; }, options)
                       .status();
  EXPECT_TRUE(absl::IsCancelled(s)) << s;
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

}  // namespace
}  // namespace qgrad::client
