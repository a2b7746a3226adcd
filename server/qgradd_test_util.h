// Helpers of the qgradd integration tests: a temporary directory, the real qgradd binary
// as a child process (port 0, its "listening on" line parsed, stderr kept in a log file),
// authorized stubs, tiny job specs of every problem kind and method, and event/result
// checks.
//
// Thread-safety: test-thread only.
#ifndef QGRAD_SERVER_QGRADD_TEST_UTIL_H_
#define QGRAD_SERVER_QGRADD_TEST_UTIL_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "qgrad/v1/service.grpc.pb.h"
#include "testing/sanitizers.h"

namespace qgrad::server::testing {

// A fresh directory under $TEST_TMPDIR or /tmp, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& contents);
std::string ReadFile(const std::string& path);

// In `dir`, made with the openssl CLI: a CA ("ca.pem", "ca.key"), a server certificate
// for localhost / 127.0.0.1 ("server.pem", "server.key"), a client certificate from the
// same CA ("client") and one from another CA ("stranger", "other_ca").
class TestCertificates {
 public:
  explicit TestCertificates(const TempDir& dir);
  std::string Path(const std::string& name) const { return dir_.File(name); }
  std::string Pem(const std::string& name) const { return ReadFile(dir_.File(name)); }

 private:
  void Run(const std::string& command);
  void MakeCa(const std::string& name);
  void MakeLeaf(const std::string& name, const std::string& ca, const std::string& extensions);

  const TempDir& dir_;
};

// Where a started qgradd's stderr goes. kFile: straight into the log file. kPipe: through a
// pipe that a thread of the test copies into the log file, so that limits on qgradd's own
// file writes (RLIMIT_FSIZE) leave its log alone; a line then reaches the file a moment
// after qgradd wrote it.
enum class LogTo { kFile, kPipe };

// The qgradd binary running as a child process.
class QgraddProcess {
 public:
  // Starts `qgradd --listen=127.0.0.1:0 --data_dir=DATA_DIR ARGS...` and waits (up to 20 s)
  // for its listening line. nullptr (with a gtest failure) when it does not come up.
  static std::unique_ptr<QgraddProcess> Start(const std::string& data_dir,
                                              const std::vector<std::string>& args = {},
                                              LogTo log_to = LogTo::kFile);
  // Runs qgradd with exactly `args` to completion; its exit code and stderr.
  static int RunToExit(const std::vector<std::string>& args, std::string* stderr_text);

  ~QgraddProcess();  // SIGKILL if still running

  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  // SIGTERM and wait; the exit status (-1 on a signal death).
  int Terminate();
  // SIGKILL and wait.
  void Kill();
  std::string Log() const { return ReadFile(log_path_); }

 private:
  QgraddProcess() = default;
  int Wait();

  pid_t pid_ = -1;
  std::string address_;
  std::string log_path_;
  std::thread log_copier_;  // LogTo::kPipe: ends when qgradd has exited
};

std::unique_ptr<v1::JobService::Stub> JobStub(
    const std::string& address,
    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials());

// A client context with `authorization: Bearer TOKEN` (none when token is empty) and a
// deadline.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             std::chrono::milliseconds timeout =
                                                 std::chrono::seconds(30));

v1::JobSpec SpecFromJson(const std::string& json);

// One unary call of `method` ("/package.Service/Method") with a raw request body, as a
// client that sends arbitrary bytes would make it; the status and the raw response body.
struct RawResult {
  grpc::Status status;
  std::string body;
};
RawResult RawUnaryCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                       const std::string& body, const std::string& token,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

// grpc.health.v1.Health/Check for the whole server: true when the answer is SERVING.
bool HealthServing(const std::shared_ptr<grpc::Channel>& channel,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Peak resident memory of a live process (VmHWM), in bytes; -1 when unreadable.
int64_t PeakResidentBytes(pid_t pid);

struct NamedSpec {
  std::string name;
  v1::JobSpec spec;
};
// One small spec (2-4 qubits, a few iterations) per problem kind with the nested method,
// plus the three baselines.
std::vector<NamedSpec> TinySpecs();
// A nested job that runs for many seconds in steps of milliseconds (for cancel tests).
v1::JobSpec LongSpec();
// A resumable nested job of `iterations` outer iterations (and as many layers) of a few
// milliseconds each, growing with the circuit (100 iterations take about 1.5 s).
v1::JobSpec MediumSpec(int iterations);

// The result without wall-clock fields, serialized: equal bytes mean identical results.
std::string Comparable(v1::JobResult result);
// What an uninterrupted in-process run gives.
std::string ReferenceResult(const v1::JobSpec& spec);

struct Watched {
  std::vector<v1::JobEvent> events;
  grpc::Status status;
};
// How long the waits below give a job by default: they guard against hangs and bound no
// speed, so the sanitizer build, which runs jobs many times slower, gets more.
inline constexpr std::chrono::seconds kJobWait(60 * qgrad::testing::kSanitizerSlowdown);

Watched WatchAll(v1::JobService::Stub& stub, const std::string& token, const std::string& job_id,
                 int64_t after_sequence = 0, std::chrono::milliseconds timeout = kJobWait);

// Polls GetJob until `done(job)` or the timeout; the last job seen.
v1::Job WaitFor(v1::JobService::Stub& stub, const std::string& token, const std::string& job_id,
                const std::function<bool(const v1::Job&)>& done,
                std::chrono::milliseconds timeout = kJobWait);
bool IsTerminal(v1::JobState state);

// Checks a finished job's log: sequences 1..n without gaps, QUEUED first, RUNNING once,
// iteration events in order, exactly one terminal event, last. Empty string when fine.
std::string CheckEventLog(const std::vector<v1::JobEvent>& events, v1::JobState terminal);

}  // namespace qgrad::server::testing

#endif  // QGRAD_SERVER_QGRADD_TEST_UTIL_H_
