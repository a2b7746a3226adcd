// qgradd and its store, end to end with the real binary: a second server on the same data
// directory is refused (also after the first was killed, the lock is free again); a damaged
// store is refused at start with a message that names the file and carries no SQL; and a
// full disk — qgradd's file-size limit lowered from outside while jobs run, so that SQLite's
// writes fail — pauses the running job, ends its watch stream with UNAVAILABLE and why,
// refuses new work plainly, and once there is room again both jobs finish with the results
// of uninterrupted runs and event logs without gaps; also when the disk fills during a
// job's last writes (its last progress writes, the terminal write).
//
// The outage tests open their watches before the disk fills (BackgroundWatch): only the
// streams open when a job's first write fails are told of the pause; one opened later waits
// for the store to recover (documented, and checked by the last-writes test).
//
// Thread-safety: the disk-full tests watch from second threads (BackgroundWatch, its state
// under its mutex); the rest is single-threaded (the server is another process).
#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "runner/runner.h"
#include "server/qgradd_test_util.h"
#include "store/sqlite_job_store.h"
#include "store/store_testing.h"
#include "testing/sanitizers.h"

namespace qgrad::server::testing {
namespace {

using ::testing::HasSubstr;

// The log's lines with this event, parsed.
std::vector<nlohmann::json> LogEvents(const std::string& log, const std::string& event) {
  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_object() && json["event"] == event) lines.push_back(std::move(json));
  }
  return lines;
}

TEST(QgraddStoreTest, ASecondServerOnTheSameDataDirectoryIsRefused) {
  TempDir dir;
  const std::string data = dir.File("data");
  for (bool kill : {false, true}) {
    std::unique_ptr<QgraddProcess> first = QgraddProcess::Start(data, {"--log_level=warning"});
    ASSERT_NE(first, nullptr);
    std::string log;
    EXPECT_EQ(QgraddProcess::RunToExit({"--listen=127.0.0.1:0", "--data_dir=" + data}, &log), 1);
    EXPECT_THAT(log, HasSubstr(absl::StrCat("data_dir ", data, " is in use by another qgradd (pid ",
                                            first->pid(), ")")));
    if (kill) {
      first->Kill();  // the kernel drops the lock of a killed holder
    } else {
      EXPECT_EQ(first->Terminate(), 0);
    }
  }
  EXPECT_NE(QgraddProcess::Start(data), nullptr);
}

TEST(QgraddStoreTest, ADamagedStoreIsRefusedWithAPlainMessageNamingTheFile) {
  TempDir dir;
  const std::string data = dir.File("data");
  const std::string path = data + "/jobs.db";
  std::filesystem::create_directory(data);
  {
    store::JobRecord job;
    job.id = "j-1";
    const std::vector<std::string> events(300, std::string(1000, 'e'));  // ~75 pages
    ASSERT_TRUE(store::SqliteJobStore::Open(path).value()->CreateJob(job, events, 0).ok());
  }
  ASSERT_NE(store::DamageMiddlePage(path, 7), "");
  std::string log;
  EXPECT_EQ(QgraddProcess::RunToExit({"--listen=127.0.0.1:0", "--data_dir=" + data}, &log), 1);
  const std::vector<nlohmann::json> failed = LogEvents(log, "start_failed");
  ASSERT_EQ(failed.size(), 1u) << log;
  const std::string error = failed[0]["error"];
  EXPECT_THAT(error, HasSubstr("DATA_LOSS: --data_dir: " + path + ": the job store's file is "
                               "damaged: stop every qgradd using it"));
  EXPECT_EQ(store::SqlIn(error), "");
  const std::vector<nlohmann::json> detail = LogEvents(log, "store_error");
  ASSERT_EQ(detail.size(), 1u) << log;  // the operator's detail, in its own line
  EXPECT_THAT(detail[0]["detail"].get<std::string>(), HasSubstr("integrity_check"));
}

// qgradd's soft RLIMIT_FSIZE at 1 byte while this lives: every write SQLite makes fails
// (EFBIG; qgradd ignores SIGXFSZ), as on a full disk. Reads, sockets and the log pipe go on.
class FullDisk {
 public:
  explicit FullDisk(pid_t pid) : pid_(pid) {
    EXPECT_EQ(prlimit(pid_, RLIMIT_FSIZE, nullptr, &saved_), 0);
    rlimit full = saved_;
    full.rlim_cur = 1;
    EXPECT_EQ(prlimit(pid_, RLIMIT_FSIZE, &full, nullptr), 0);
  }
  ~FullDisk() {
    if (!exited_) {
      EXPECT_EQ(prlimit(pid_, RLIMIT_FSIZE, &saved_, nullptr), 0);
    }
  }
  // The process has ended: there is no limit left to restore.
  void ProcessExited() { exited_ = true; }

 private:
  const pid_t pid_;
  rlimit saved_{};
  bool exited_ = false;
};

std::string Submit(v1::JobService::Stub& stub, const v1::JobSpec& spec, grpc::Status* status) {
  v1::SubmitJobRequest request;
  *request.mutable_spec() = spec;
  v1::SubmitJobResponse response;
  *status = stub.SubmitJob(Context("").get(), request, &response);
  return response.job().id();
}

std::string Result(v1::JobService::Stub& stub, const std::string& id) {
  v1::GetJobResultRequest request;
  request.set_job_id(id);
  v1::JobResult result;
  EXPECT_TRUE(stub.GetJobResult(Context("").get(), request, &result).ok());
  return Comparable(result);
}

std::vector<int> IterationsOf(const std::vector<v1::JobEvent>& events) {
  std::vector<int> iterations;
  for (const v1::JobEvent& e : events) {
    if (e.has_iteration()) iterations.push_back(e.iteration().iteration());
  }
  return iterations;
}

// qgradd with one worker, its log copied through a pipe: the log file must keep growing
// while the server's own writes fail.
std::unique_ptr<QgraddProcess> StartForOutage(const TempDir& dir) {
  return QgraddProcess::Start(dir.File("data"), {"--max_running_jobs=1"}, LogTo::kPipe);
}

// The outage tests' long job, which must still be running when the disk fills after its
// third iteration: 100 iterations take about 1 s in Release. The sanitizers slow each
// iteration some 30 times and an iteration's cost grows with its layers, so 40 iterations
// there give the same margin in a sixth of the time.
constexpr int kLongJobIterations = qgrad::testing::kUnderSanitizer ? 40 : 100;

// Waits until the job has stored 3 iterations; false when it did not in time.
bool HasProgress(v1::JobService::Stub& stub, const std::string& id) {
  const auto three = [](const v1::Job& job) { return job.iterations_done() >= 3; };
  return three(WaitFor(stub, "", id, three));
}

// A watch on its own thread: what it has received so far, and how it ended. The outage
// tests wait for its first event before they fill the disk: the stream is then subscribed,
// so it is told of the pause. A stream opened once the job's writes fail is not told: it
// waits for the store to recover, as documented (server/README.md, "Store outages").
class BackgroundWatch {
 public:
  BackgroundWatch(v1::JobService::Stub& stub, const std::string& id)
      : context_(Context("", kJobWait)) {
    v1::WatchJobRequest request;
    request.set_job_id(id);
    reader_ = stub.WatchJob(context_.get(), request);
    thread_ = std::thread([this] {
      v1::JobEvent event;
      while (reader_->Read(&event)) {
        std::lock_guard<std::mutex> lock(mu_);
        events_.push_back(event);
      }
      grpc::Status status = reader_->Finish();
      std::lock_guard<std::mutex> lock(mu_);
      status_ = std::move(status);
      done_ = true;
      cv_.notify_all();
    });
  }
  ~BackgroundWatch() {
    context_->TryCancel();
    thread_.join();
  }
  // True once `n` events arrived within `timeout` (the stream is then subscribed).
  bool WaitForEvents(size_t n, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (events_.size() >= n || done_) return events_.size() >= n;
      }
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  // True when the stream ended within `timeout`.
  bool WaitForEnd(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return done_; });
  }
  Watched Result() {
    std::lock_guard<std::mutex> lock(mu_);
    return Watched{events_, status_};
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<v1::JobEvent>> reader_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<v1::JobEvent> events_;
  grpc::Status status_;
  bool done_ = false;
};

bool EndsTerminal(const std::vector<v1::JobEvent>& events) {
  return !events.empty() && events.back().kind_case() == v1::JobEvent::kState &&
         IsTerminal(events.back().state());
}

TEST(QgraddStoreTest, AFullDiskPausesJobsThatFinishOnceThereIsRoomAgain) {
  const v1::JobSpec running_spec = MediumSpec(kLongJobIterations);
  const v1::JobSpec queued_spec = MediumSpec(5);
  TempDir dir;
  std::unique_ptr<QgraddProcess> server = StartForOutage(dir);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::JobService::Stub> stub = JobStub(server->address());
  grpc::Status status;
  const std::string running = Submit(*stub, running_spec, &status);
  const std::string queued = Submit(*stub, queued_spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  BackgroundWatch watch(*stub, running);
  ASSERT_TRUE(watch.WaitForEvents(1, std::chrono::seconds(10)));
  ASSERT_TRUE(HasProgress(*stub, running));
  const auto has_progress = [](const v1::Job& job) { return job.iterations_done() >= 3; };
  const std::string cannot_write = "the job store cannot write: I/O error";
  Watched first;
  {
    FullDisk full(server->pid());
    ASSERT_TRUE(watch.WaitForEnd(std::chrono::seconds(10)));
    first = watch.Result();
    EXPECT_EQ(first.status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(first.status.error_message(),
              absl::StrCat("job ", running, ": ", cannot_write,
                           "; the job is paused and continues when the store recovers"));
    const int32_t paused_at = WaitFor(*stub, "", running, has_progress).iterations_done();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(WaitFor(*stub, "", running, has_progress).iterations_done(), paused_at);
    Submit(*stub, queued_spec, &status);  // a client retries this later
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(status.error_message(), cannot_write);
  }
  ASSERT_FALSE(first.events.empty());
  const Watched rest = WatchAll(*stub, "", running, first.events.back().sequence());
  EXPECT_TRUE(rest.status.ok()) << rest.status.error_message();
  std::vector<v1::JobEvent> streamed = first.events;
  streamed.insert(streamed.end(), rest.events.begin(), rest.events.end());
  const Watched stored = WatchAll(*stub, "", running);
  ASSERT_EQ(streamed.size(), stored.events.size());
  for (size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].SerializeAsString(), stored.events[i].SerializeAsString()) << i;
  }
  EXPECT_EQ(CheckEventLog(stored.events, v1::JOB_STATE_SUCCEEDED), "");
  const v1::JobResult reference = runner::RunJob(running_spec).value();
  ASSERT_GT(reference.history_size(), 3);
  std::vector<int> all(reference.history_size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = int(i);
  EXPECT_EQ(IterationsOf(stored.events), all);  // none lost, none twice
  EXPECT_EQ(Result(*stub, running), Comparable(reference));

  WaitFor(*stub, "", queued, [](const v1::Job& job) { return IsTerminal(job.state()); });
  EXPECT_EQ(CheckEventLog(WatchAll(*stub, "", queued).events, v1::JOB_STATE_SUCCEEDED), "");
  EXPECT_EQ(Result(*stub, queued), ReferenceResult(queued_spec));

  EXPECT_EQ(server->Terminate(), 0);
  const std::string log = server->Log();
  EXPECT_EQ(LogEvents(log, "store_write_failed").size(), 1u) << log;
  EXPECT_EQ(LogEvents(log, "store_write_recovered").size(), 1u) << log;
  const std::vector<nlohmann::json> errors = LogEvents(log, "store_error");
  ASSERT_FALSE(errors.empty());
  EXPECT_THAT(errors[0]["detail"].get<std::string>(), HasSubstr("disk I/O error"));
  for (const nlohmann::json& call : LogEvents(log, "rpc_failed")) {
    EXPECT_EQ(store::SqlIn(call["message"].get<std::string>()), "") << call;
  }
}

// SIGTERM while a job waits for the store to recover: the retry wait ends on the shutdown,
// the process is gone within the shutdown bound, and the next start resumes the job to the
// result of an uninterrupted run.
TEST(QgraddStoreTest, SigtermDuringAStoreOutageEndsPromptlyAndTheJobResumes) {
  const v1::JobSpec spec = MediumSpec(kLongJobIterations);
  TempDir dir;
  std::unique_ptr<QgraddProcess> server = StartForOutage(dir);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::JobService::Stub> stub = JobStub(server->address());
  grpc::Status status;
  const std::string id = Submit(*stub, spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  BackgroundWatch watch(*stub, id);
  ASSERT_TRUE(watch.WaitForEvents(1, std::chrono::seconds(10)));
  ASSERT_TRUE(HasProgress(*stub, id));
  {
    FullDisk full(server->pid());
    ASSERT_TRUE(watch.WaitForEnd(std::chrono::seconds(10)));  // ends once the job is paused
    EXPECT_EQ(watch.Result().status.error_code(), grpc::StatusCode::UNAVAILABLE);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(server->Terminate(), 0);
    full.ProcessExited();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  }
  server = QgraddProcess::Start(dir.File("data"), {"--max_running_jobs=1"});
  ASSERT_NE(server, nullptr);
  stub = JobStub(server->address());
  // The rest of the iterations: 1 s in Release, 5 s under ASan alone, and several times
  // that beside the replicas' chaos test on a loaded machine.
  const v1::Job done = WaitFor(
      *stub, "", id, [](const v1::Job& job) { return IsTerminal(job.state()); },
      std::chrono::seconds(180));
  EXPECT_EQ(done.state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(CheckEventLog(WatchAll(*stub, "", id).events, v1::JOB_STATE_SUCCEEDED), "");
  EXPECT_EQ(Result(*stub, id), ReferenceResult(spec));
}

// The disk fills during a job's last writes — once it has stored k of its n iterations,
// for every k near the end, so that the outage meets the last progress writes, the
// terminal write (state, event and result in one update), or the moment just after it.
// A watch that was open before the outage ends promptly either with the whole log (the
// job finished first) or with UNAVAILABLE "paused"; a watch opened during the outage
// follows the job once there is room again; the job then ends with the result of an
// uninterrupted run and an event log without gaps.
TEST(QgraddStoreTest, AFullDiskDuringAJobsLastWritesEndsEveryWatchPromptly) {
  constexpr int kIterations = 10;
  const v1::JobSpec spec = MediumSpec(kIterations);
  const std::string reference = ReferenceResult(spec);
  TempDir dir;
  std::unique_ptr<QgraddProcess> server = StartForOutage(dir);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::JobService::Stub> stub = JobStub(server->address());
  const std::string paused_suffix = "; the job is paused and continues when the store recovers";
  for (int k = kIterations - 3; k <= kIterations; ++k) {
    SCOPED_TRACE(absl::StrCat("disk full after ", k, " stored iterations"));
    grpc::Status status;
    const std::string id = Submit(*stub, spec, &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    auto early = std::make_unique<BackgroundWatch>(*stub, id);
    ASSERT_TRUE(early->WaitForEvents(1, std::chrono::seconds(10)));  // subscribed
    const auto stored_k = [k](const v1::Job& job) {
      return job.iterations_done() >= k || IsTerminal(job.state());
    };
    // Polled without pauses: the outage should begin as close to the k-th write as it can.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (v1::Job job;;) {
      v1::GetJobRequest request;
      request.set_job_id(id);
      if (stub->GetJob(Context("").get(), request, &job).ok() && stored_k(job)) break;
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the job made no progress";
    }
    std::unique_ptr<BackgroundWatch> late;
    {
      FullDisk full(server->pid());
      const bool ended = early->WaitForEnd(std::chrono::seconds(5));
      const Watched seen = early->Result();
      v1::GetJobRequest request;
      request.set_job_id(id);
      v1::Job job;
      stub->GetJob(Context("").get(), request, &job);
      EXPECT_TRUE(ended) << "the watch neither ended nor was told of the pause; job "
                         << v1::JobState_Name(job.state()) << " with "
                         << job.iterations_done() << " iterations stored, "
                         << seen.events.size() << " events streamed";
      if (ended && seen.status.ok()) {
        EXPECT_TRUE(EndsTerminal(seen.events));
      } else if (ended) {
        EXPECT_EQ(seen.status.error_code(), grpc::StatusCode::UNAVAILABLE);
        EXPECT_THAT(seen.status.error_message(), HasSubstr(paused_suffix));
      }
      // Opened after the pause was told: as documented, this watch is not told again; it
      // waits for the store and then follows the job.
      late = std::make_unique<BackgroundWatch>(*stub, id);
      ASSERT_TRUE(late->WaitForEvents(1, std::chrono::seconds(10)));
      if (ended && !seen.status.ok()) {
        EXPECT_FALSE(late->WaitForEnd(std::chrono::milliseconds(200)));
      }
    }
    ASSERT_TRUE(late->WaitForEnd(std::chrono::seconds(10)));
    const Watched followed = late->Result();
    EXPECT_TRUE(followed.status.ok()) << followed.status.error_message();
    EXPECT_EQ(CheckEventLog(followed.events, v1::JOB_STATE_SUCCEEDED), "");
    const Watched stored = WatchAll(*stub, "", id);
    EXPECT_EQ(CheckEventLog(stored.events, v1::JOB_STATE_SUCCEEDED), "");
    EXPECT_EQ(IterationsOf(stored.events).size(), size_t(kIterations));
    ASSERT_EQ(followed.events.size(), stored.events.size());
    for (size_t i = 0; i < stored.events.size(); ++i) {
      EXPECT_EQ(followed.events[i].SerializeAsString(), stored.events[i].SerializeAsString());
    }
    EXPECT_EQ(Result(*stub, id), reference);
  }
  EXPECT_EQ(server->Terminate(), 0);
}

}  // namespace
}  // namespace qgrad::server::testing
