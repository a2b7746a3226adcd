// Tests of RetryingSender and RateLimiter with a fake clock: retries on 5xx, 429 and
// transport errors, Retry-After in seconds and as an HTTP date (measured as the clock's
// advance), caps, bounded attempts and deadline, no retry on 4xx, stop, the token bucket.
#include "backends/rest/retry.h"

#include "absl/strings/str_cat.h"
#include "backends/rest/testing_http_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad::backends::rest {
namespace {

using testing::ScriptedHttpClient;

// Test helper: a fake clock whose sleep advances it, recording every sleep.
struct FakeTime {
  std::shared_ptr<base::FakeClock> clock = std::make_shared<base::FakeClock>();
  std::vector<absl::Duration> sleeps;
  Timing timing() {
    Timing t;
    t.clock = clock;
    t.sleep = [this](absl::Duration d, absl::Notification* stop) {
      if (stop != nullptr && stop->HasBeenNotified()) return false;
      sleeps.push_back(d);
      clock->Advance(absl::ToInt64Microseconds(d));
      return true;
    };
    return t;
  }
  absl::Duration slept() const {
    absl::Duration total;
    for (absl::Duration d : sleeps) total += d;
    return total;
  }
};

constexpr char kUrl[] = "https://device.test/api/jobs";
constexpr char kPath[] = "/api/jobs";

HttpRequest Get() {
  HttpRequest r;
  r.url = kUrl;
  return r;
}

RetryPolicy Policy() {
  RetryPolicy p;
  p.max_attempts = 5;
  p.backoff = {absl::Seconds(1), absl::Seconds(8), 2.0};
  p.max_retry_after = absl::Seconds(30);
  p.overall_deadline = absl::Minutes(5);
  return p;
}

TEST(RetryTest, RetriesServerErrorsWithBackoffAndJitter) {
  FakeTime time;
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Reply("GET", kPath, 503, "{}");
  client->Reply("GET", kPath, 500, "{}");
  client->Reply("GET", kPath, 200, R"({"ok":true})");
  RetryingSender sender(client, Policy(), nullptr, time.timing(), 7);
  absl::StatusOr<HttpResponse> r = sender.Send(Get());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(client->count("GET", kPath), 3);
  ASSERT_EQ(time.sleeps.size(), 2u);
  // Equal jitter: attempt 1 waits in [0.5, 1] s, attempt 2 in [1, 2] s.
  EXPECT_GE(time.sleeps[0], absl::Milliseconds(500));
  EXPECT_LE(time.sleeps[0], absl::Seconds(1));
  EXPECT_GE(time.sleeps[1], absl::Seconds(1));
  EXPECT_LE(time.sleeps[1], absl::Seconds(2));
}

TEST(RetryTest, HonoursRetryAfterSecondsAndDate) {
  FakeTime time;
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Reply("GET", kPath, 429, "{}", {{"Retry-After", "7"}});
  // An HTTP date 12 s after the moment of the second answer (clock + 7 s by then).
  const absl::Time later = absl::FromUnixMicros(time.clock->NowMicros()) + absl::Seconds(19);
  client->Reply("GET", kPath, 503, "{}",
                {{"retry-after", absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", later,
                                                  absl::UTCTimeZone())}});
  client->Reply("GET", kPath, 503, "{}", {{"Retry-After", "3600"}});  // capped at 30 s
  client->Reply("GET", kPath, 200, "{}");
  const int64_t start = time.clock->NowMicros();
  RetryingSender sender(client, Policy(), nullptr, time.timing(), 7);
  absl::StatusOr<HttpResponse> r = sender.Send(Get());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(time.sleeps.size(), 3u);
  EXPECT_EQ(time.sleeps[0], absl::Seconds(7));
  EXPECT_EQ(time.sleeps[1], absl::Seconds(12));
  EXPECT_EQ(time.sleeps[2], absl::Seconds(30));
  EXPECT_EQ(time.clock->NowMicros() - start, 49'000'000);
}

TEST(RetryTest, NoRetryOnClientErrors) {
  for (int status : {400, 401, 403, 404, 409}) {
    FakeTime time;
    auto client = std::make_shared<ScriptedHttpClient>();
    client->Reply("GET", kPath, status, "{}");
    RetryingSender sender(client, Policy(), nullptr, time.timing(), 7);
    absl::StatusOr<HttpResponse> r = sender.Send(Get());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, status);
    EXPECT_EQ(client->count("GET", kPath), 1) << status;
    EXPECT_TRUE(time.sleeps.empty());
  }
}

TEST(RetryTest, RetriesTransportErrorsButNotOthers) {
  FakeTime time;
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Fail("GET", kPath, absl::UnavailableError("GET x: refused"));
  client->Fail("GET", kPath, absl::DeadlineExceededError("GET x: timeout"));
  client->Reply("GET", kPath, 200, "{}");
  RetryingSender sender(client, Policy(), nullptr, time.timing(), 7);
  EXPECT_TRUE(sender.Send(Get()).ok());
  EXPECT_EQ(client->count("GET", kPath), 3);

  auto bad = std::make_shared<ScriptedHttpClient>();
  bad->Fail("GET", kPath, absl::InvalidArgumentError("bad url"));
  RetryingSender once(bad, Policy(), nullptr, time.timing(), 7);
  EXPECT_EQ(once.Send(Get()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad->count("GET", kPath), 1);
}

TEST(RetryTest, AttemptsAreBounded) {
  FakeTime time;
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Reply("GET", kPath, 503, "{}");  // repeats
  RetryingSender sender(client, Policy(), nullptr, time.timing(), 7);
  absl::StatusOr<HttpResponse> r = sender.Send(Get());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(client->count("GET", kPath), 5);

  auto down = std::make_shared<ScriptedHttpClient>();
  down->Fail("GET", kPath, absl::UnavailableError("GET x: refused"));
  RetryingSender sender2(down, Policy(), nullptr, time.timing(), 7);
  absl::Status s = sender2.Send(Get()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("after 5 attempts"));
}

TEST(RetryTest, OverallDeadlineStopsRetries) {
  FakeTime time;
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Reply("GET", kPath, 429, "{}", {{"Retry-After", "25"}});  // repeats
  RetryPolicy p = Policy();
  p.max_attempts = 100;
  p.overall_deadline = absl::Seconds(60);
  RetryingSender sender(client, p, nullptr, time.timing(), 7);
  absl::StatusOr<HttpResponse> r = sender.Send(Get());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(client->count("GET", kPath), 3);  // at 0, 25, 50 s; the next would pass 60 s
  EXPECT_EQ(time.slept(), absl::Seconds(50));
}

TEST(RetryTest, StopCancelsBetweenAttempts) {
  FakeTime time;
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Reply("GET", kPath, 503, "{}");
  RetryingSender sender(client, Policy(), nullptr, time.timing(), 7);
  absl::Notification stop;
  stop.Notify();
  SendOptions options;
  options.stop = &stop;
  EXPECT_EQ(sender.Send(Get(), options).status().code(), absl::StatusCode::kCancelled);
}

TEST(RetryTest, PrepareRunsBeforeEveryAttempt) {
  FakeTime time;
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Reply("GET", kPath, 503, "{}");
  client->Reply("GET", kPath, 200, "{}");
  RetryingSender sender(client, Policy(), nullptr, time.timing(), 7);
  int calls = 0;
  SendOptions options;
  options.prepare = [&](HttpRequest& r) {
    r.headers.emplace_back("X-Attempt", absl::StrCat(++calls));
    return absl::OkStatus();
  };
  ASSERT_TRUE(sender.Send(Get(), options).ok());
  std::vector<HttpRequest> sent = client->requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(testing::HeaderOf(sent[0], "X-Attempt"), "1");
  EXPECT_EQ(testing::HeaderOf(sent[1], "X-Attempt"), "2");
  EXPECT_EQ(sent[1].headers.size(), 1u);  // each attempt starts from the original request
}

TEST(RetryTest, ParseRetryAfter) {
  const absl::Time now = absl::FromUnixSeconds(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(ParseRetryAfter(" 120 ", now), absl::Seconds(120));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now), absl::Seconds(30));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("-3", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
}

TEST(RetryTest, RateLimiterSpacesRequests) {
  FakeTime time;
  RateLimiter limiter(2.0, 1.0, time.timing());  // 2 per second, no burst
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Acquire());
  // The first is free, the next four wait 0.5 s each.
  EXPECT_EQ(time.slept(), absl::Seconds(2));

  FakeTime burst;
  RateLimiter bursty(1.0, 3.0, burst.timing());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bursty.Acquire());
  EXPECT_EQ(burst.slept(), absl::ZeroDuration());
  EXPECT_TRUE(bursty.Acquire());
  EXPECT_EQ(burst.slept(), absl::Seconds(1));

  FakeTime off;
  RateLimiter none(0, 1, off.timing());
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(none.Acquire());
  EXPECT_TRUE(off.sleeps.empty());
}

TEST(RetryTest, RateLimiterAppliesToEveryAttempt) {
  FakeTime time;
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Reply("GET", kPath, 503, "{}", {{"Retry-After", "0"}});
  client->Reply("GET", kPath, 200, "{}");
  auto limiter = std::make_shared<RateLimiter>(1.0, 1.0, time.timing());
  RetryingSender sender(client, Policy(), limiter, time.timing(), 7);
  ASSERT_TRUE(sender.Send(Get()).ok());
  EXPECT_EQ(client->count("GET", kPath), 2);
  EXPECT_EQ(time.slept(), absl::Seconds(1));  // Retry-After 0, then one token's wait
}

}  // namespace
}  // namespace qgrad::backends::rest
