// The JobStore conformance suite (see the header). Every test starts from a fresh store;
// the concurrency tests use several threads against it.
#include "store/job_store_conformance.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"

namespace qgrad::store {

std::string JobStoreFactoryName(const ::testing::TestParamInfo<JobStoreFactory>& info) {
  return info.param.name;
}

void PrintTo(const JobStoreFactory& factory, std::ostream* os) { *os << factory.name; }

void JobStoreConformanceTest::SetUp() {
  std::string tmpl = (std::filesystem::path(::testing::TempDir()) / "job_store_XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr) << "mkdtemp " << tmpl;
  scratch_dir_ = tmpl;
  store_ = GetParam().make(scratch_dir_);
  ASSERT_NE(store_, nullptr);
}

void JobStoreConformanceTest::TearDown() {
  store_.reset();  // before its files go
  if (!scratch_dir_.empty()) std::filesystem::remove_all(scratch_dir_);
}

namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// Every field, bytes escaped, so that a mismatch shows exactly what differs.
std::string Describe(const JobRecord& j) {
  std::string labels;
  for (const auto& [k, v] : j.labels) {
    absl::StrAppend(&labels, absl::CHexEscape(k), "=", absl::CHexEscape(v), ";");
  }
  return absl::StrCat("id=", absl::CHexEscape(j.id), " tenant=", absl::CHexEscape(j.tenant),
                      " key=", absl::CHexEscape(j.idempotency_key),
                      " spec=", absl::CHexEscape(j.spec), " labels={", labels, "}",
                      " priority=", j.priority, " state=", static_cast<int>(j.state),
                      " error=", absl::CHexEscape(j.error), " backend=", j.backend,
                      " create=", j.create_time_micros, " start=", j.start_time_micros,
                      " finish=", j.finish_time_micros, " deadline=", j.deadline_micros,
                      " cancel=", j.cancel_requested, " iterations=", j.iterations_done,
                      " last_seq=", j.last_event_sequence);
}

JobRecord MakeJob(const std::string& id, const std::string& tenant = "tenant-a",
                  int64_t create_time = 1000) {
  JobRecord job;
  job.id = id;
  job.tenant = tenant;
  job.spec = "spec of " + id;
  job.create_time_micros = create_time;
  return job;
}

std::vector<std::string> Ids(const std::vector<JobRecord>& jobs) {
  std::vector<std::string> ids;
  for (const JobRecord& j : jobs) ids.push_back(j.id);
  return ids;
}

std::vector<int64_t> Sequences(const std::vector<EventRecord>& events) {
  std::vector<int64_t> s;
  for (const EventRecord& e : events) s.push_back(e.sequence);
  return s;
}

std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> r;
  for (int64_t i = first; i <= last; ++i) r.push_back(i);
  return r;
}

// --- Create, get, idempotency ---------------------------------------------------------------

TEST_P(JobStoreConformanceTest, CreateThenGetRoundTripsEveryField) {
  JobRecord job = MakeJob("job-1");
  job.idempotency_key = "key-1";
  job.spec = std::string("bin\0ary\xff", 8);
  job.labels = {{"team", "qc"}, {"env", "prod"}};
  job.priority = -3;
  job.state = JobState::kRunning;
  job.error = "none yet";
  job.backend = "statevector";
  job.start_time_micros = 1100;
  job.finish_time_micros = 1200;
  job.deadline_micros = 99000;
  job.cancel_requested = true;
  job.iterations_done = 7;
  job.last_event_sequence = 99;  // ignored by CreateJob

  absl::StatusOr<CreateJobOutcome> outcome = store().CreateJob(job, {}, 0);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->created);
  JobRecord expected = job;
  expected.last_event_sequence = 0;
  EXPECT_EQ(Describe(outcome->job), Describe(expected));
  absl::StatusOr<JobRecord> got = store().GetJob("job-1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Describe(*got), Describe(expected));
}

TEST_P(JobStoreConformanceTest, InitialEventsBecomeSequencesOneToK) {
  const std::vector<std::string> payloads = {"first", "", std::string("\0x", 2)};
  absl::StatusOr<CreateJobOutcome> outcome = store().CreateJob(MakeJob("j"), payloads, 4242);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->job.last_event_sequence, 3);
  absl::StatusOr<std::vector<EventRecord>> events = store().ReadEvents("j", 0, 100);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_THAT(Sequences(*events), ElementsAre(1, 2, 3));
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*events)[i].payload, payloads[i]);
    EXPECT_EQ((*events)[i].time_micros, 4242);
  }
  EXPECT_EQ(store().GetJob("j")->last_event_sequence, 3);
}

TEST_P(JobStoreConformanceTest, SameTenantAndKeyReturnsTheExistingJob) {
  JobRecord first = MakeJob("first");
  first.idempotency_key = "k";
  ASSERT_TRUE(store().CreateJob(first, {"e1"}, 1).ok());

  JobRecord second = MakeJob("second");
  second.idempotency_key = "k";
  second.spec = "another spec";
  absl::StatusOr<CreateJobOutcome> outcome = store().CreateJob(second, {"x", "y"}, 2);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_FALSE(outcome->created);
  EXPECT_EQ(outcome->job.id, "first");
  EXPECT_EQ(outcome->job.spec, "spec of first");
  EXPECT_EQ(outcome->job.last_event_sequence, 1);

  EXPECT_EQ(store().GetJob("second").status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Sequences(*store().ReadEvents("first", 0, 10)), ElementsAre(1));
  EXPECT_EQ(*store().CountJobs({}), 1);
}

TEST_P(JobStoreConformanceTest, RetryWithSameIdAndKeyIsNotAnError) {
  JobRecord job = MakeJob("j");
  job.idempotency_key = "k";
  ASSERT_TRUE(store().CreateJob(job, {}, 0)->created);
  absl::StatusOr<CreateJobOutcome> retry = store().CreateJob(job, {}, 0);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_FALSE(retry->created);
  EXPECT_EQ(retry->job.id, "j");
}

TEST_P(JobStoreConformanceTest, SameKeyInAnotherTenantCreatesANewJob) {
  JobRecord a = MakeJob("a", "tenant-a");
  a.idempotency_key = "k";
  JobRecord b = MakeJob("b", "tenant-b");
  b.idempotency_key = "k";
  ASSERT_TRUE(store().CreateJob(a, {}, 0)->created);
  absl::StatusOr<CreateJobOutcome> outcome = store().CreateJob(b, {}, 0);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->created);
  EXPECT_EQ(outcome->job.id, "b");
  EXPECT_EQ(*store().CountJobs({}), 2);
}

TEST_P(JobStoreConformanceTest, EmptyKeyNeverDeduplicates) {
  ASSERT_TRUE(store().CreateJob(MakeJob("a"), {}, 0)->created);
  absl::StatusOr<CreateJobOutcome> outcome = store().CreateJob(MakeJob("b"), {}, 0);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->created);
  EXPECT_EQ(*store().CountJobs({}), 2);
}

TEST_P(JobStoreConformanceTest, DuplicateIdIsAlreadyExistsAndChangesNothing) {
  JobRecord original = MakeJob("j");
  ASSERT_TRUE(store().CreateJob(original, {"e"}, 1).ok());

  JobRecord dup = MakeJob("j", "tenant-b");
  dup.spec = "other";
  dup.idempotency_key = "fresh-key";
  absl::StatusOr<CreateJobOutcome> outcome = store().CreateJob(dup, {"x", "y"}, 2);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kAlreadyExists) << outcome.status();
  dup.idempotency_key.clear();
  EXPECT_EQ(store().CreateJob(dup, {}, 2).status().code(), absl::StatusCode::kAlreadyExists);

  JobRecord expected = original;
  expected.last_event_sequence = 1;
  EXPECT_EQ(Describe(*store().GetJob("j")), Describe(expected));
  EXPECT_THAT(Sequences(*store().ReadEvents("j", 0, 10)), ElementsAre(1));
  // The failed create did not claim its key.
  JobRecord other = MakeJob("other", "tenant-b");
  other.idempotency_key = "fresh-key";
  EXPECT_TRUE(store().CreateJob(other, {}, 0)->created);
}

TEST_P(JobStoreConformanceTest, InvalidArgumentsAreRefused) {
  EXPECT_EQ(store().CreateJob(MakeJob(""), {}, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  JobRecord bad_state = MakeJob("j");
  bad_state.state = static_cast<JobState>(0);
  EXPECT_EQ(store().CreateJob(bad_state, {}, 0).status().code(),
            absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(store().CreateJob(MakeJob("j"), {}, 0).ok());
  JobUpdate update;
  update.state = static_cast<JobState>(9);
  EXPECT_EQ(store().UpdateJob("j", update).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store().ReadEvents("j", 0, 0).status().code(), absl::StatusCode::kInvalidArgument);
  JobQuery query;
  query.page_size = 0;
  EXPECT_EQ(store().ListJobs(query).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store().GetJob("j")->state, JobState::kQueued);
}

TEST_P(JobStoreConformanceTest, UnknownJobIsNotFound) {
  ASSERT_TRUE(store().CreateJob(MakeJob("known"), {}, 0).ok());
  EXPECT_EQ(store().GetJob("unknown").status().code(), absl::StatusCode::kNotFound);
  JobUpdate update;
  update.events = {"e"};
  EXPECT_EQ(store().UpdateJob("unknown", update).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store().ReadEvents("unknown", 0, 10).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store().GetCheckpoint("unknown").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store().GetResult("unknown").status().code(), absl::StatusCode::kNotFound);
}

// --- Listing, paging, counting --------------------------------------------------------------

TEST_P(JobStoreConformanceTest, ListFiltersByTenantStatesAndLabels) {
  auto add = [&](const std::string& id, const std::string& tenant, JobState state,
                 std::map<std::string, std::string> labels, int64_t time) {
    JobRecord j = MakeJob(id, tenant, time);
    j.state = state;
    j.labels = std::move(labels);
    ASSERT_TRUE(store().CreateJob(j, {}, 0).ok());
  };
  add("a", "t1", JobState::kQueued, {{"team", "x"}, {"env", "prod"}}, 1);
  add("b", "t1", JobState::kRunning, {{"team", "x"}}, 2);
  add("c", "t2", JobState::kQueued, {{"team", "x"}, {"env", "prod"}}, 3);
  add("d", "t1", JobState::kSucceeded, {{"team", "y"}, {"env", "prod"}}, 4);

  struct Case {
    std::optional<std::string> tenant;
    std::set<JobState> states;
    std::map<std::string, std::string> labels;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {std::nullopt, {}, {}, {"a", "b", "c", "d"}},
      {"t1", {}, {}, {"a", "b", "d"}},
      {"t3", {}, {}, {}},
      {"t1", {JobState::kQueued, JobState::kRunning}, {}, {"a", "b"}},
      {std::nullopt, {JobState::kQueued}, {}, {"a", "c"}},
      {std::nullopt, {}, {{"team", "x"}}, {"a", "b", "c"}},
      {std::nullopt, {}, {{"team", "x"}, {"env", "prod"}}, {"a", "c"}},
      {"t1", {JobState::kSucceeded}, {{"env", "prod"}}, {"d"}},
      {std::nullopt, {}, {{"team", "z"}}, {}},
      {std::nullopt, {}, {{"prod", "env"}}, {}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("case ", i));
    JobQuery q;
    q.tenant = cases[i].tenant;
    q.states = cases[i].states;
    q.labels = cases[i].labels;
    absl::StatusOr<JobPage> page = store().ListJobs(q);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_THAT(Ids(page->jobs), ElementsAreArray(cases[i].want));
    EXPECT_THAT(page->next_page_token, IsEmpty());
    absl::StatusOr<int64_t> count = store().CountJobs(q);
    ASSERT_TRUE(count.ok()) << count.status();
    EXPECT_EQ(*count, static_cast<int64_t>(cases[i].want.size()));
  }
  // Listed records are complete, labels included.
  JobQuery q;
  q.labels = {{"team", "y"}};
  absl::StatusOr<JobPage> page = store().ListJobs(q);
  ASSERT_EQ(page->jobs.size(), 1u);
  EXPECT_EQ(Describe(page->jobs[0]), Describe(*store().GetJob("d")));
}

TEST_P(JobStoreConformanceTest, ListOrdersByCreateTimeThenId) {
  for (auto [id, time] : std::vector<std::pair<std::string, int64_t>>{
           {"b", 5}, {"a", 5}, {"c", 1}, {"d", 9}, {"aa", 5}}) {
    ASSERT_TRUE(store().CreateJob(MakeJob(id, "t", time), {}, 0).ok());
  }
  absl::StatusOr<JobPage> page = store().ListJobs({});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Ids(page->jobs), ElementsAre("c", "a", "aa", "b", "d"));
}

TEST_P(JobStoreConformanceTest, PagingVisitsEveryJobOnceInOrder) {
  // 25 jobs of one tenant with tied create times, created out of order, between 10 jobs of
  // another tenant that the filter must skip.
  std::vector<std::pair<int64_t, std::string>> want;
  for (int i = 0; i < 25; ++i) {
    const int k = (i * 11) % 25;  // a permutation of 0..24
    const std::string id = absl::StrFormat("job-%02d", k);
    const int64_t time = 100 + k / 3;
    ASSERT_TRUE(store().CreateJob(MakeJob(id, "mine", time), {}, 0).ok());
    want.emplace_back(time, id);
    if (i % 5 == 0) {
      for (int o = 0; o < 2; ++o) {
        ASSERT_TRUE(store()
                        .CreateJob(MakeJob(absl::StrCat("other-", i, "-", o), "theirs", time),
                                   {}, 0)
                        .ok());
      }
    }
  }
  std::sort(want.begin(), want.end());
  std::vector<std::string> want_ids;
  for (const auto& w : want) want_ids.push_back(w.second);

  JobQuery q;
  q.tenant = "mine";
  q.page_size = 7;
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<JobPage> page = store().ListJobs(q);
    ASSERT_TRUE(page.ok()) << page.status();
    sizes.push_back(page->jobs.size());
    for (const JobRecord& j : page->jobs) seen.push_back(j.id);
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  EXPECT_THAT(sizes, ElementsAre(7, 7, 7, 4));
  EXPECT_THAT(seen, ElementsAreArray(want_ids));

  // page_size may change between pages of one query.
  JobQuery q2;
  q2.tenant = "mine";
  q2.page_size = 7;
  absl::StatusOr<JobPage> first = store().ListJobs(q2);
  ASSERT_TRUE(first.ok());
  q2.page_token = first->next_page_token;
  q2.page_size = 100;
  absl::StatusOr<JobPage> rest = store().ListJobs(q2);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->jobs.size(), 18u);
  EXPECT_THAT(rest->next_page_token, IsEmpty());
}

TEST_P(JobStoreConformanceTest, FullLastPageHasNoNextToken) {
  for (int i = 0; i < 14; ++i) {
    ASSERT_TRUE(store().CreateJob(MakeJob(absl::StrCat("j", i), "t", i), {}, 0).ok());
  }
  JobQuery q;
  q.page_size = 7;
  absl::StatusOr<JobPage> first = store().ListJobs(q);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->jobs.size(), 7u);
  ASSERT_FALSE(first->next_page_token.empty());
  q.page_token = first->next_page_token;
  absl::StatusOr<JobPage> second = store().ListJobs(q);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->jobs.size(), 7u);
  EXPECT_THAT(second->next_page_token, IsEmpty());
}

TEST_P(JobStoreConformanceTest, BadPageTokenIsInvalidArgument) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store().CreateJob(MakeJob(absl::StrCat("j", i), "t", i), {}, 0).ok());
  }
  JobQuery q;
  q.tenant = "t";
  q.page_size = 1;
  absl::StatusOr<JobPage> first = store().ListJobs(q);
  ASSERT_TRUE(first.ok());
  const std::string good = first->next_page_token;
  ASSERT_FALSE(good.empty());

  std::vector<std::string> bad = {"not base64 !!", "abc", absl::WebSafeBase64Escape("x"),
                                  good.substr(0, good.size() / 2), good + "!"};
  for (const std::string& token : bad) {
    SCOPED_TRACE(token);
    JobQuery b = q;
    b.page_token = token;
    absl::StatusOr<JobPage> page = store().ListJobs(b);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(page.status().message()), StartsWith("page_token: "));
  }
  // A token of one query does not continue another.
  JobQuery other = q;
  other.tenant = "u";
  other.page_token = good;
  EXPECT_EQ(store().ListJobs(other).status().code(), absl::StatusCode::kInvalidArgument);
  other = q;
  other.states = {JobState::kQueued};
  other.page_token = good;
  EXPECT_EQ(store().ListJobs(other).status().code(), absl::StatusCode::kInvalidArgument);
  // The good one still works.
  q.page_token = good;
  EXPECT_TRUE(store().ListJobs(q).ok());
}

TEST_P(JobStoreConformanceTest, CountIgnoresPaging) {
  for (int i = 0; i < 5; ++i) {
    JobRecord j = MakeJob(absl::StrCat("j", i), i < 3 ? "t" : "u", i);
    j.state = i % 2 == 0 ? JobState::kQueued : JobState::kFailed;
    ASSERT_TRUE(store().CreateJob(j, {}, 0).ok());
  }
  JobQuery q;
  q.page_size = 0;
  q.page_token = "garbage";
  EXPECT_EQ(*store().CountJobs(q), 5);
  q.tenant = "t";
  EXPECT_EQ(*store().CountJobs(q), 3);
  q.states = {JobState::kFailed};
  EXPECT_EQ(*store().CountJobs(q), 1);
}

// --- Updates ---------------------------------------------------------------------------------

TEST_P(JobStoreConformanceTest, UpdateChangesOnlyTheGivenFields) {
  JobRecord job = MakeJob("j");
  job.labels = {{"l", "v"}};
  job.priority = 4;
  job.backend = "sv";
  ASSERT_TRUE(store().CreateJob(job, {}, 0).ok());
  JobRecord want = job;

  JobUpdate start;
  start.state = JobState::kRunning;
  start.start_time_micros = 2000;
  want.state = JobState::kRunning;
  want.start_time_micros = 2000;
  absl::StatusOr<JobRecord> after = store().UpdateJob("j", start);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Describe(*after), Describe(want));
  EXPECT_EQ(Describe(*store().GetJob("j")), Describe(want));

  JobUpdate progress;
  progress.iterations_done = 12;
  progress.cancel_requested = true;
  want.iterations_done = 12;
  want.cancel_requested = true;
  EXPECT_EQ(Describe(*store().UpdateJob("j", progress)), Describe(want));

  JobUpdate finish;
  finish.state = JobState::kFailed;
  finish.error = "out of memory";
  finish.finish_time_micros = 3000;
  finish.cancel_requested = false;
  want.state = JobState::kFailed;
  want.error = "out of memory";
  want.finish_time_micros = 3000;
  want.cancel_requested = false;
  EXPECT_EQ(Describe(*store().UpdateJob("j", finish)), Describe(want));

  EXPECT_EQ(Describe(*store().UpdateJob("j", JobUpdate{})), Describe(want));
  EXPECT_EQ(Describe(*store().GetJob("j")), Describe(want));
}

TEST_P(JobStoreConformanceTest, UnmetExpectedStatesChangeNothing) {
  ASSERT_TRUE(store().CreateJob(MakeJob("j"), {"created"}, 1).ok());
  const std::string before = Describe(*store().GetJob("j"));

  JobUpdate update;
  update.expected_states = {JobState::kRunning, JobState::kSucceeded};
  update.state = JobState::kFailed;
  update.error = "boom";
  update.iterations_done = 3;
  update.checkpoint = "cp";
  update.result = "res";
  update.events = {"e1", "e2"};
  update.event_time_micros = 5;
  absl::StatusOr<JobRecord> refused = store().UpdateJob("j", update);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_EQ(Describe(*store().GetJob("j")), before);
  EXPECT_THAT(Sequences(*store().ReadEvents("j", 0, 10)), ElementsAre(1));
  EXPECT_EQ(*store().GetCheckpoint("j"), std::nullopt);
  EXPECT_EQ(*store().GetResult("j"), std::nullopt);

  update.expected_states = {JobState::kQueued, JobState::kRunning};
  absl::StatusOr<JobRecord> applied = store().UpdateJob("j", update);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->state, JobState::kFailed);
  EXPECT_EQ(applied->last_event_sequence, 3);
  EXPECT_EQ(*store().GetCheckpoint("j"), "cp");
  EXPECT_EQ(*store().GetResult("j"), "res");
}

TEST_P(JobStoreConformanceTest, AnExpectedLastSequenceMakesARetriedWriteLandOnce) {
  ASSERT_TRUE(store().CreateJob(MakeJob("j"), {"created"}, 1).ok());
  JobUpdate update;
  update.expected_last_event_sequence = 1;
  update.iterations_done = 1;
  update.events = {"iteration 0"};
  ASSERT_TRUE(store().UpdateJob("j", update).ok());
  // The same write again, as after a commit whose answer was lost: refused, nothing added.
  const absl::Status again = store().UpdateJob("j", update).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
  EXPECT_THAT(again.message(), HasSubstr("events up to 2"));
  EXPECT_THAT(Sequences(*store().ReadEvents("j", 0, 10)), ElementsAre(1, 2));
  update.expected_last_event_sequence = 2;
  EXPECT_TRUE(store().UpdateJob("j", update).ok());
}

TEST_P(JobStoreConformanceTest, EventSequencesHaveNoGapsAcrossUpdates) {
  ASSERT_TRUE(store().CreateJob(MakeJob("j"), {"i1", "i2"}, 10).ok());
  std::vector<EventRecord> want = {{1, 10, "i1"}, {2, 10, "i2"}};
  for (int u = 0; u < 10; ++u) {
    JobUpdate update;
    update.event_time_micros = 100 + u;
    for (int e = 0; e < u % 4; ++e) {
      update.events.push_back(absl::StrCat("u", u, "e", e));
      want.push_back({static_cast<int64_t>(want.size()) + 1, 100 + u, update.events.back()});
    }
    absl::StatusOr<JobRecord> after = store().UpdateJob("j", update);
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(after->last_event_sequence, static_cast<int64_t>(want.size()));
  }
  const int64_t k = static_cast<int64_t>(want.size());
  ASSERT_EQ(k, 2 + 13);

  absl::StatusOr<std::vector<EventRecord>> all = store().ReadEvents("j", 0, 1000);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_THAT(Sequences(*all), ElementsAreArray(Range(1, k)));
  for (int64_t i = 0; i < k; ++i) {
    EXPECT_EQ((*all)[i].payload, want[i].payload);
    EXPECT_EQ((*all)[i].time_micros, want[i].time_micros);
  }
  EXPECT_THAT(Sequences(*store().ReadEvents("j", 3, 4)), ElementsAre(4, 5, 6, 7));
  EXPECT_THAT(Sequences(*store().ReadEvents("j", -5, 2)), ElementsAre(1, 2));
  EXPECT_THAT(*store().ReadEvents("j", k, 10), IsEmpty());
  EXPECT_THAT(*store().ReadEvents("j", k + 100, 10), IsEmpty());

  std::vector<int64_t> one_by_one;
  for (int64_t after = 0;;) {
    absl::StatusOr<std::vector<EventRecord>> chunk = store().ReadEvents("j", after, 1);
    ASSERT_TRUE(chunk.ok());
    if (chunk->empty()) break;
    ASSERT_EQ(chunk->size(), 1u);
    after = chunk->front().sequence;
    one_by_one.push_back(after);
  }
  EXPECT_THAT(one_by_one, ElementsAreArray(Range(1, k)));
}

TEST_P(JobStoreConformanceTest, CheckpointAndResultAreSetReplacedAndRead) {
  ASSERT_TRUE(store().CreateJob(MakeJob("j"), {}, 0).ok());
  EXPECT_EQ(*store().GetCheckpoint("j"), std::nullopt);
  EXPECT_EQ(*store().GetResult("j"), std::nullopt);

  const std::string binary("c\0p\xfe", 4);
  JobUpdate u1;
  u1.checkpoint = binary;
  ASSERT_TRUE(store().UpdateJob("j", u1).ok());
  EXPECT_EQ(*store().GetCheckpoint("j"), binary);

  JobUpdate u2;
  u2.checkpoint = "second";
  u2.result = "result-1";
  ASSERT_TRUE(store().UpdateJob("j", u2).ok());
  EXPECT_EQ(*store().GetCheckpoint("j"), "second");
  EXPECT_EQ(*store().GetResult("j"), "result-1");

  JobUpdate u3;  // neither: both kept
  u3.iterations_done = 1;
  ASSERT_TRUE(store().UpdateJob("j", u3).ok());
  EXPECT_EQ(*store().GetCheckpoint("j"), "second");

  JobUpdate u4;  // an empty payload is stored, not "none"
  u4.checkpoint = "";
  u4.result = "result-2";
  ASSERT_TRUE(store().UpdateJob("j", u4).ok());
  EXPECT_EQ(*store().GetCheckpoint("j"), std::optional<std::string>(""));
  EXPECT_EQ(*store().GetResult("j"), "result-2");

  // Per job.
  ASSERT_TRUE(store().CreateJob(MakeJob("k"), {}, 0).ok());
  EXPECT_EQ(*store().GetCheckpoint("k"), std::nullopt);
}

// --- Concurrency -------------------------------------------------------------------------------

TEST_P(JobStoreConformanceTest, ConcurrentUpdatesAppendGaplessEvents) {
  ASSERT_TRUE(store().CreateJob(MakeJob("j"), {}, 0).ok());
  constexpr int kThreads = 8, kUpdates = 25, kEventsPerUpdate = 2;
  std::latch start(kThreads);
  std::vector<std::vector<int64_t>> returned(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int u = 0; u < kUpdates; ++u) {
        JobUpdate update;
        update.events = {absl::StrCat(t, "/", u, "/a"), absl::StrCat(t, "/", u, "/b")};
        update.iterations_done = u;
        absl::StatusOr<JobRecord> after = store().UpdateJob("j", update);
        EXPECT_TRUE(after.ok()) << after.status();
        if (after.ok()) returned[t].push_back(after->last_event_sequence);
      }
    });
  }
  for (std::thread& t : threads) t.join();

  constexpr int64_t kTotal = kThreads * kUpdates * kEventsPerUpdate;
  EXPECT_EQ(store().GetJob("j")->last_event_sequence, kTotal);
  absl::StatusOr<std::vector<EventRecord>> events = store().ReadEvents("j", 0, kTotal + 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_THAT(Sequences(*events), ElementsAreArray(Range(1, kTotal)));
  // Each update's events are adjacent (atomic), every payload appears exactly once, and
  // each thread's updates appear in its own order.
  std::set<std::string> payloads;
  std::vector<int> next_update(kThreads, 0);
  for (size_t i = 0; i < events->size(); i += 2) {
    const std::string& a = (*events)[i].payload;
    ASSERT_EQ(a.back(), 'a') << a;
    EXPECT_EQ((*events)[i + 1].payload, a.substr(0, a.size() - 1) + "b");
    const int t = std::stoi(a.substr(0, a.find('/')));
    const int u = std::stoi(a.substr(a.find('/') + 1));
    EXPECT_EQ(u, next_update[t]++) << "thread " << t;
    payloads.insert(a);
  }
  EXPECT_EQ(payloads.size(), static_cast<size_t>(kThreads * kUpdates));
  std::set<int64_t> all_returned;
  for (const auto& r : returned) all_returned.insert(r.begin(), r.end());
  EXPECT_EQ(all_returned.size(), static_cast<size_t>(kThreads * kUpdates));
}

TEST_P(JobStoreConformanceTest, ConcurrentCreatesWithOneKeyCreateOneJob) {
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<absl::StatusOr<CreateJobOutcome>> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      JobRecord job = MakeJob(absl::StrCat("job-", t));
      job.idempotency_key = "same";
      start.arrive_and_wait();
      outcomes[t] = store().CreateJob(job, {"created"}, 1);
    });
  }
  for (std::thread& t : threads) t.join();

  int created = 0;
  std::string winner;
  for (const auto& o : outcomes) {
    ASSERT_TRUE(o.ok()) << o.status();
    if (o->created) {
      ++created;
      winner = o->job.id;
    }
  }
  ASSERT_EQ(created, 1);
  for (const auto& o : outcomes) EXPECT_EQ(o->job.id, winner);
  EXPECT_EQ(*store().CountJobs({}), 1);
  EXPECT_THAT(Sequences(*store().ReadEvents(winner, 0, 10)), ElementsAre(1));
}

TEST_P(JobStoreConformanceTest, ConcurrentCreatesOfDistinctJobsAllLand) {
  constexpr int kThreads = 8, kPerThread = 15;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        JobRecord job = MakeJob(absl::StrCat("job-", t, "-", i), absl::StrCat("tenant-", t % 2));
        job.idempotency_key = absl::StrCat("key-", t, "-", i);
        absl::StatusOr<CreateJobOutcome> o = store().CreateJob(job, {"e"}, 1);
        EXPECT_TRUE(o.ok() && o->created) << o.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(*store().CountJobs({}), kThreads * kPerThread);
  JobQuery q;
  q.tenant = "tenant-0";
  EXPECT_EQ(*store().CountJobs(q), kThreads * kPerThread / 2);
}

}  // namespace
}  // namespace qgrad::store
