// The JobStore conformance suite, part two: leases, fencing, the atomic queue limit and
// lookups by idempotency key (store/job_store.h). The same parameterized fixture as
// job_store_conformance.cc, so that every store instantiating it runs these too.
#include <algorithm>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "store/job_store_conformance.h"

namespace qgrad::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kLease = 1'000'000;  // 1 s
constexpr int64_t kNow = 50'000'000;

// A runnable job: QUEUED unless `state` says otherwise.
JobRecord Runnable(const std::string& id, const std::string& tenant, int32_t priority = 0,
                   int64_t created = 1000, JobState state = JobState::kQueued) {
  JobRecord job;
  job.id = id;
  job.tenant = tenant;
  job.spec = "spec";
  job.priority = priority;
  job.create_time_micros = created;
  job.state = state;
  return job;
}

ClaimRequest Claim(const std::string& owner, int64_t now = kNow, int32_t cap = 0) {
  ClaimRequest request;
  request.owner = owner;
  request.now_micros = now;
  request.lease_micros = kLease;
  request.max_leases_per_tenant = cap;
  return request;
}

LeaseFence FenceOf(const Lease& lease, int64_t now = kNow) {
  return LeaseFence{lease.owner, lease.token, now};
}

void Create(JobStore& store, const JobRecord& job) {
  absl::StatusOr<CreateJobOutcome> o = store.CreateJob(job, {"queued"}, 1);
  ASSERT_TRUE(o.ok() && o->created) << o.status();
}

// The id of the job the claim got, "" for none.
std::string ClaimedId(JobStore& store, const ClaimRequest& request) {
  absl::StatusOr<std::optional<ClaimedJob>> claimed = store.ClaimJob(request);
  EXPECT_TRUE(claimed.ok()) << claimed.status();
  if (!claimed.ok() || !claimed->has_value()) return "";
  return (*claimed)->job.id;
}

Lease ClaimLease(JobStore& store, const ClaimRequest& request) {
  absl::StatusOr<std::optional<ClaimedJob>> claimed = store.ClaimJob(request);
  EXPECT_TRUE(claimed.ok() && claimed->has_value()) << claimed.status();
  if (!claimed.ok() || !claimed->has_value()) return {};
  return (*claimed)->job.lease;
}

JobUpdate Progress(const LeaseFence& fence) {
  JobUpdate update;
  update.fence = fence;
  update.iterations_done = 1;
  update.checkpoint = "checkpoint";
  update.events = {"iteration"};
  update.event_time_micros = fence.now_micros;
  return update;
}

TEST_P(JobStoreConformanceTest, NothingToClaimInAnEmptyStoreOrAmongFinishedJobs) {
  EXPECT_EQ(ClaimedId(store(), Claim("r1")), "");
  Create(store(), Runnable("done", "t", 0, 1000, JobState::kSucceeded));
  Create(store(), Runnable("failed", "t", 0, 1000, JobState::kFailed));
  EXPECT_EQ(ClaimedId(store(), Claim("r1")), "");
}

TEST_P(JobStoreConformanceTest, ClaimOrderIsRunningThenPriorityThenAge) {
  Create(store(), Runnable("old-low", "t", 0, 100));
  Create(store(), Runnable("b-high", "t", 5, 300));
  Create(store(), Runnable("a-high", "t", 5, 300));
  Create(store(), Runnable("running-low", "t", -1, 900, JobState::kRunning));
  std::vector<std::string> order;
  for (int i = 0; i < 5; ++i) order.push_back(ClaimedId(store(), Claim("r1")));
  EXPECT_THAT(order, ElementsAre("running-low", "a-high", "b-high", "old-low", ""));
}

TEST_P(JobStoreConformanceTest, AClaimGrantsALeaseWithTheNextTokenAndKeepsTheState) {
  Create(store(), Runnable("j", "t"));
  absl::StatusOr<std::optional<ClaimedJob>> claimed = store().ClaimJob(Claim("r1"));
  ASSERT_TRUE(claimed.ok() && claimed->has_value()) << claimed.status();
  const JobRecord& job = (*claimed)->job;
  EXPECT_EQ(job.state, JobState::kQueued);
  EXPECT_EQ(job.lease.owner, "r1");
  EXPECT_EQ(job.lease.token, 1);
  EXPECT_EQ(job.lease.expires_micros, kNow + kLease);
  absl::StatusOr<JobRecord> stored = store().GetJob("j");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->lease.owner, "r1");
  EXPECT_EQ(stored->lease.token, 1);
  EXPECT_EQ(stored->lease.expires_micros, kNow + kLease);
}

TEST_P(JobStoreConformanceTest, ALeasedJobIsClaimedAgainOnlyOnceItsLeaseExpires) {
  Create(store(), Runnable("j", "t"));
  ASSERT_EQ(ClaimedId(store(), Claim("r1")), "j");
  EXPECT_EQ(ClaimedId(store(), Claim("r2", kNow + kLease - 1)), "");
  absl::StatusOr<std::optional<ClaimedJob>> again = store().ClaimJob(Claim("r2", kNow + kLease));
  ASSERT_TRUE(again.ok() && again->has_value()) << again.status();
  EXPECT_EQ((*again)->job.lease.owner, "r2");
  EXPECT_EQ((*again)->job.lease.token, 2);
}

TEST_P(JobStoreConformanceTest, ANewJobHasNoLeaseWhateverTheCallerSays) {
  JobRecord job = Runnable("j", "t");
  job.lease = Lease{"intruder", 7, kNow * 2};
  Create(store(), job);
  absl::StatusOr<JobRecord> stored = store().GetJob("j");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->lease.token, 0);
  EXPECT_EQ(stored->lease.expires_micros, 0);
  EXPECT_EQ(ClaimedId(store(), Claim("r1")), "j");
}

TEST_P(JobStoreConformanceTest, RenewalExtendsAHeldLeaseOnly) {
  Create(store(), Runnable("j", "t"));
  const Lease lease = ClaimLease(store(), Claim("r1"));
  absl::StatusOr<Lease> renewed = store().RenewLease("j", FenceOf(lease, kNow + 500), kLease);
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  EXPECT_EQ(renewed->expires_micros, kNow + 500 + kLease);
  EXPECT_EQ(renewed->token, lease.token);
  EXPECT_EQ(store().GetJob("j")->lease.expires_micros, kNow + 500 + kLease);

  LeaseFence wrong_token = FenceOf(lease);
  wrong_token.token += 1;
  EXPECT_EQ(store().RenewLease("j", wrong_token, kLease).status().code(),
            absl::StatusCode::kAborted);
  LeaseFence wrong_owner = FenceOf(lease);
  wrong_owner.owner = "r2";
  EXPECT_EQ(store().RenewLease("j", wrong_owner, kLease).status().code(),
            absl::StatusCode::kAborted);
  const absl::Status expired =
      store().RenewLease("j", FenceOf(lease, kNow + 500 + kLease), kLease).status();
  EXPECT_EQ(expired.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(expired.message(), HasSubstr("expired"));
  EXPECT_EQ(store().RenewLease("nope", FenceOf(lease), kLease).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store().RenewLease("j", FenceOf(lease), 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(JobStoreConformanceTest, AFinishedJobsLeaseCannotBeRenewedButCanBeReleased) {
  Create(store(), Runnable("j", "t"));
  const Lease lease = ClaimLease(store(), Claim("r1"));
  JobUpdate finish;
  finish.fence = FenceOf(lease);
  finish.state = JobState::kSucceeded;
  ASSERT_TRUE(store().UpdateJob("j", finish).ok());
  EXPECT_EQ(store().RenewLease("j", FenceOf(lease), kLease).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_TRUE(store().ReleaseLease("j", FenceOf(lease)).ok());
  EXPECT_EQ(ClaimedId(store(), Claim("r2")), "");
}

TEST_P(JobStoreConformanceTest, ReleaseFreesTheJobAtOnceForItsHolderOnly) {
  Create(store(), Runnable("j", "t"));
  const Lease lease = ClaimLease(store(), Claim("r1"));
  LeaseFence stale = FenceOf(lease);
  stale.token -= 1;
  EXPECT_EQ(store().ReleaseLease("j", stale).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ClaimedId(store(), Claim("r2")), "");
  ASSERT_TRUE(store().ReleaseLease("j", FenceOf(lease)).ok());
  const Lease next = ClaimLease(store(), Claim("r2"));
  EXPECT_EQ(next.owner, "r2");
  EXPECT_EQ(next.token, lease.token + 1);
  // The first holder's lease is gone: it can neither release nor renew any more.
  EXPECT_EQ(store().ReleaseLease("j", FenceOf(lease)).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store().ReleaseLease("nope", FenceOf(lease)).code(), absl::StatusCode::kNotFound);
}

TEST_P(JobStoreConformanceTest, AnExpiredLeaseIsReleasedByItsHolderWithoutError) {
  Create(store(), Runnable("j", "t"));
  const Lease lease = ClaimLease(store(), Claim("r1"));
  EXPECT_TRUE(store().ReleaseLease("j", FenceOf(lease, kNow + 10 * kLease)).ok());
}

TEST_P(JobStoreConformanceTest, FencedWritesCarryTheirTokenIntoTheEventLog) {
  Create(store(), Runnable("j", "t"));
  const Lease lease = ClaimLease(store(), Claim("r1"));
  absl::StatusOr<JobRecord> written = store().UpdateJob("j", Progress(FenceOf(lease)));
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->iterations_done, 1);
  JobUpdate unfenced;
  unfenced.events = {"cancel"};
  ASSERT_TRUE(store().UpdateJob("j", unfenced).ok());
  absl::StatusOr<std::vector<EventRecord>> events = store().ReadEvents("j", 0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].lease_token, 0);  // CreateJob's
  EXPECT_EQ((*events)[1].lease_token, lease.token);
  EXPECT_EQ((*events)[2].lease_token, 0);
}

TEST_P(JobStoreConformanceTest, AWriteWithALostLeaseIsRefusedAndChangesNothing) {
  Create(store(), Runnable("j", "t"));
  const Lease first = ClaimLease(store(), Claim("r1"));
  const Lease second = ClaimLease(store(), Claim("r2", kNow + kLease));  // r1's lease expired
  ASSERT_EQ(second.token, first.token + 1);
  const absl::Status stale =
      store().UpdateJob("j", Progress(FenceOf(first, kNow + kLease))).status();
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(stale.message(), HasSubstr("lease"));
  // Expired but not claimed again: refused too.
  const absl::Status expired =
      store().UpdateJob("j", Progress(FenceOf(second, kNow + 2 * kLease))).status();
  EXPECT_EQ(expired.code(), absl::StatusCode::kAborted);
  absl::StatusOr<JobRecord> job = store().GetJob("j");
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->iterations_done, 0);
  EXPECT_EQ(job->last_event_sequence, 1);
  EXPECT_EQ(*store().GetCheckpoint("j"), std::nullopt);
  // The holder writes.
  EXPECT_TRUE(store().UpdateJob("j", Progress(FenceOf(second, kNow + kLease))).ok());
}

TEST_P(JobStoreConformanceTest, TheFenceIsCheckedBeforeTheExpectedStates) {
  Create(store(), Runnable("j", "t"));
  const Lease lease = ClaimLease(store(), Claim("r1"));
  JobUpdate update = Progress(FenceOf(lease));
  update.fence->token += 1;
  update.expected_states = {JobState::kSucceeded};
  EXPECT_EQ(store().UpdateJob("j", update).status().code(), absl::StatusCode::kAborted);
  update.fence->token -= 1;
  EXPECT_EQ(store().UpdateJob("j", update).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_P(JobStoreConformanceTest, TheTenantLeaseCapPassesOverFullTenants) {
  Create(store(), Runnable("a1", "a", 9, 100));
  Create(store(), Runnable("a2", "a", 9, 200));
  Create(store(), Runnable("b1", "b", 0, 300));
  EXPECT_EQ(ClaimedId(store(), Claim("r1", kNow, 1)), "a1");
  EXPECT_EQ(ClaimedId(store(), Claim("r2", kNow, 1)), "b1");  // a is full
  EXPECT_EQ(ClaimedId(store(), Claim("r2", kNow, 1)), "");
  EXPECT_EQ(ClaimedId(store(), Claim("r2", kNow, 2)), "a2");
}

TEST_P(JobStoreConformanceTest, ExpiredLeasesAndFinishedJobsDoNotCountTowardTheCap) {
  Create(store(), Runnable("a1", "a", 0, 100));
  Create(store(), Runnable("a2", "a", 0, 200));
  Create(store(), Runnable("a3", "a", 0, 300));
  const Lease a1 = ClaimLease(store(), Claim("r1", kNow, 1));
  JobUpdate finish;
  finish.fence = FenceOf(a1);
  finish.state = JobState::kSucceeded;
  ASSERT_TRUE(store().UpdateJob("a1", finish).ok());
  EXPECT_EQ(ClaimedId(store(), Claim("r1", kNow, 1)), "a2");
  // a2's lease expires: a2 itself is claimable again, and a3 waits behind it.
  EXPECT_EQ(ClaimedId(store(), Claim("r2", kNow + kLease, 1)), "a2");
  EXPECT_EQ(ClaimedId(store(), Claim("r2", kNow + kLease, 1)), "");
}

TEST_P(JobStoreConformanceTest, ConcurrentClaimsNeverHandOutOneJobTwice) {
  constexpr int kJobs = 40, kThreads = 6;
  for (int i = 0; i < kJobs; ++i) Create(store(), Runnable(absl::StrCat("j", i), absl::StrCat("t", i % 3)));
  std::latch start(kThreads);
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (;;) {
        absl::StatusOr<std::optional<ClaimedJob>> c =
            store().ClaimJob(Claim(absl::StrCat("r", t), kNow, 4));
        if (!c.ok() || !c->has_value()) break;
        got[t].push_back((*c)->job.id);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::multiset<std::string> all;
  std::map<std::string, int> per_tenant;
  for (const auto& ids : got) {
    for (const std::string& id : ids) {
      all.insert(id);
      ++per_tenant[store().GetJob(id)->tenant];
    }
  }
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size()) << "a job twice";
  EXPECT_EQ(all.size(), 12u);  // 3 tenants, 4 leases each
  for (const auto& [tenant, n] : per_tenant) EXPECT_EQ(n, 4) << tenant;
}

TEST_P(JobStoreConformanceTest, ClaimsCheckTheirArguments) {
  ClaimRequest no_owner = Claim("");
  EXPECT_EQ(store().ClaimJob(no_owner).status().code(), absl::StatusCode::kInvalidArgument);
  ClaimRequest no_lease = Claim("r1");
  no_lease.lease_micros = 0;
  EXPECT_EQ(store().ClaimJob(no_lease).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(JobStoreConformanceTest, TheQueueLimitCountsQueuedJobsOfTheTenant) {
  const CreateLimits limits{2};
  JobRecord first = Runnable("q1", "a");
  first.idempotency_key = "k1";
  ASSERT_TRUE(store().CreateJob(first, {}, 1, limits).ok());
  ASSERT_TRUE(store().CreateJob(Runnable("r1", "a", 0, 1000, JobState::kRunning), {}, 1, limits)
                  .ok());
  ASSERT_TRUE(store().CreateJob(Runnable("q2", "a"), {}, 1, limits).ok());
  const absl::Status full = store().CreateJob(Runnable("q3", "a"), {}, 1, limits).status();
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(full.message(), HasSubstr("max_queued_per_tenant"));
  EXPECT_EQ(store().GetJob("q3").status().code(), absl::StatusCode::kNotFound);
  // Another tenant, and a repeat of an existing submission, are not held back.
  EXPECT_TRUE(store().CreateJob(Runnable("b1", "b"), {}, 1, limits).ok());
  JobRecord repeat = Runnable("q1-again", "a");
  repeat.idempotency_key = "k1";
  absl::StatusOr<CreateJobOutcome> again = store().CreateJob(repeat, {}, 1, limits);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->job.id, "q1");
  // A queued job that starts leaves the queue: its place is free.
  JobUpdate start;
  start.state = JobState::kRunning;
  ASSERT_TRUE(store().UpdateJob("q1", start).ok());
  EXPECT_TRUE(store().CreateJob(Runnable("q4", "a"), {}, 1, limits).ok());
  EXPECT_EQ(store().CreateJob(Runnable("q5", "a"), {}, 1, limits).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_P(JobStoreConformanceTest, ConcurrentCreatesNeverPassTheQueueLimit) {
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < 5; ++i) {
        store().CreateJob(Runnable(absl::StrCat("j", t, "-", i), "a"), {}, 1, CreateLimits{7})
            .IgnoreError();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(*store().CountJobs({}), 7);
}

TEST_P(JobStoreConformanceTest, JobsAreFoundByTheirTenantsIdempotencyKey) {
  JobRecord job = Runnable("j", "a");
  job.idempotency_key = "key";
  Create(store(), job);
  absl::StatusOr<std::optional<JobRecord>> found = store().FindJobByKey("a", "key");
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status();
  EXPECT_EQ((*found)->id, "j");
  EXPECT_EQ(*store().FindJobByKey("b", "key"), std::nullopt);
  EXPECT_EQ(*store().FindJobByKey("a", "other"), std::nullopt);
  Create(store(), Runnable("no-key", "a"));
  EXPECT_EQ(*store().FindJobByKey("a", ""), std::nullopt);
}

}  // namespace

}  // namespace qgrad::store
