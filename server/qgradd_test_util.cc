// Integration-test helpers; see qgradd_test_util.h.
//
// Thread-safety: test-thread only (a process counter is atomic).
#include "server/qgradd_test_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runner/json_io.h"
#include "runner/runner.h"

extern char** environ;

namespace qgrad::server::testing {
namespace {

constexpr char kListening[] = "qgradd listening on ";

std::atomic<int> process_counter{0};

// Reads one line from `fd` within `timeout`; false on EOF or timeout.
bool ReadLine(int fd, std::chrono::milliseconds timeout, std::string* line) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  line->clear();
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, int(left.count())) <= 0) continue;
    char c;
    const ssize_t n = read(fd, &c, 1);
    if (n <= 0) return false;
    if (c == '\n') return true;
    *line += c;
  }
}

// Starts `args`; stdout to `stdout_fd` (if >= 0), stderr to `stderr_fd` if >= 0, else
// into the file `stderr_path`.
pid_t Spawn(const std::vector<std::string>& args, int stdout_fd, int stderr_fd,
            const std::string& stderr_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  if (stderr_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stderr_fd, STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return error == 0 ? pid : -1;
}

// Copies `fd` into the file `path` until EOF, then closes `fd`.
void CopyToFile(int fd, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) out.write(buffer, n).flush();
  close(fd);
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/qgradd_test.XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TestCertificates::TestCertificates(const TempDir& dir) : dir_(dir) {
  MakeCa("ca");
  MakeCa("other_ca");
  MakeLeaf("server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                           "extendedKeyUsage=serverAuth\n");
  MakeLeaf("client", "ca", "extendedKeyUsage=clientAuth\n");
  MakeLeaf("stranger", "other_ca", "extendedKeyUsage=clientAuth\n");
}

void TestCertificates::Run(const std::string& command) {
  const std::string full =
      absl::StrCat("cd ", dir_.path(), " && { ", command, "; } >/dev/null 2>>openssl.log");
  ASSERT_EQ(std::system(full.c_str()), 0) << command << "\n" << ReadFile(dir_.File("openssl.log"));
}

void TestCertificates::MakeCa(const std::string& name) {
  Run(absl::StrCat("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                   "-keyout ", name, ".key -out ", name, ".pem -days 2 -subj '/CN=", name, "'"));
}

void TestCertificates::MakeLeaf(const std::string& name, const std::string& ca,
                                const std::string& extensions) {
  WriteFile(dir_.File(name + ".ext"), extensions);
  Run(absl::StrCat("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                   "-keyout ", name, ".key -out ", name, ".csr -subj '/CN=", name,
                   "' && openssl x509 -req -in ", name, ".csr -CA ", ca,
                   ".pem -CAkey ", ca, ".key -CAcreateserial -out ", name,
                   ".pem -days 2 -extfile ", name, ".ext"));
}

RawResult RawUnaryCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                       const std::string& body, const std::string& token,
                       std::chrono::milliseconds timeout) {
  grpc::GenericStub generic(channel);
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1), response;
  std::unique_ptr<grpc::ClientContext> context = Context(token, timeout);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  RawResult result;
  generic.UnaryCall(context.get(), method, grpc::StubOptions(), &request, &response,
                    [&](grpc::Status status) {
                      std::lock_guard<std::mutex> lock(mu);
                      result.status = std::move(status);
                      done = true;
                      cv.notify_all();
                    });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  std::vector<grpc::Slice> slices;
  if (result.status.ok() && response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) result.body.append(s.begin(), s.end());
  }
  return result;
}

bool HealthServing(const std::shared_ptr<grpc::Channel>& channel,
                   std::chrono::milliseconds timeout) {
  // An empty HealthCheckRequest asks for the whole server; SERVING is field 1 = 1.
  RawResult health = RawUnaryCall(channel, "/grpc.health.v1.Health/Check", "", "", timeout);
  return health.status.ok() && health.body == std::string("\x08\x01", 2);
}

int64_t PeakResidentBytes(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string key;
  while (in >> key) {
    if (key == "VmHWM:") {
      int64_t kib = -1;
      in >> kib;
      return kib < 0 ? -1 : kib * 1024;
    }
    in.ignore(1 << 20, '\n');
  }
  return -1;
}

std::unique_ptr<QgraddProcess> QgraddProcess::Start(const std::string& data_dir,
                                                    const std::vector<std::string>& args,
                                                    LogTo log_to) {
  std::vector<std::string> argv = {QGRADD_PATH, "--listen=127.0.0.1:0",
                                   "--data_dir=" + data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return nullptr;
  }
  auto process = std::unique_ptr<QgraddProcess>(new QgraddProcess());
  process->log_path_ = absl::StrCat(data_dir, ".qgradd.", process_counter++, ".log");
  int log_fds[2] = {-1, -1};
  if (log_to == LogTo::kPipe && pipe2(log_fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe failed";
    return nullptr;
  }
  process->pid_ = Spawn(argv, pipe_fds[1], log_fds[1], process->log_path_);
  close(pipe_fds[1]);
  if (log_to == LogTo::kPipe) {
    close(log_fds[1]);
    process->log_copier_ = std::thread(CopyToFile, log_fds[0], process->log_path_);
  }
  std::string line;
  const bool got = process->pid_ > 0 && ReadLine(pipe_fds[0], std::chrono::seconds(20), &line);
  close(pipe_fds[0]);
  if (!got || !absl::StartsWith(line, kListening)) {
    ADD_FAILURE() << "qgradd did not come up; stdout: " << line << "\nlog:\n" << process->Log();
    return nullptr;
  }
  process->address_ = line.substr(sizeof(kListening) - 1);
  return process;
}

int QgraddProcess::RunToExit(const std::vector<std::string>& args, std::string* stderr_text) {
  TempDir dir;
  std::vector<std::string> argv = {QGRADD_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log = dir.File("stderr.txt");
  const pid_t pid = Spawn(argv, -1, -1, log);
  int status = 0;
  if (pid <= 0 || waitpid(pid, &status, 0) != pid) return -1;
  if (stderr_text != nullptr) *stderr_text = ReadFile(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

QgraddProcess::~QgraddProcess() {
  if (pid_ > 0) Kill();
}

int QgraddProcess::Wait() {
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (log_copier_.joinable()) log_copier_.join();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int QgraddProcess::Terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  return Wait();
}

void QgraddProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  Wait();
}

std::unique_ptr<v1::JobService::Stub> JobStub(
    const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials) {
  return v1::JobService::NewStub(grpc::CreateChannel(address, credentials));
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

v1::JobSpec SpecFromJson(const std::string& json) {
  absl::StatusOr<v1::JobSpec> spec = runner::ParseJobSpecJson(json);
  EXPECT_TRUE(spec.ok()) << spec.status() << "\n" << json;
  return spec.ok() ? *spec : v1::JobSpec();
}

std::vector<NamedSpec> TinySpecs() {
  const std::string h2 = ReadFile(QGRAD_PROBLEMS_TESTDATA "/H2_0.735.FCIDUMP");
  const std::string nested = R"("method": {"nested": {"stop": {"maxIterations": 3}}})";
  std::vector<NamedSpec> specs = {
      {"pauli_sum", SpecFromJson(absl::StrCat(
                        R"({"name": "pauli", "problem": {"pauliSum": {"text": "Z0 Z1 + 0.5 X0"}},
                            "initialState": {"preparation": "plus"}, )",
                        nested, "}"))},
      {"maxcut", SpecFromJson(absl::StrCat(
                     R"({"name": "maxcut", "problem": {"maxcut": {"generator": {"kind": "ring",
                         "numNodes": 4}, "shots": 32}}, "initialState": {"preparation": "plus",
                         "ansatz": {"name": "qaoa"}}, "seed": 5, )",
                     nested, "}"))},
      {"model", SpecFromJson(absl::StrCat(
                    R"({"name": "tfim", "problem": {"model": {"kind": "tfim", "numQubits": 3}},
                        "initialState": {"preparation": "plus"}, )",
                    nested, "}"))},
      {"polynomial", SpecFromJson(absl::StrCat(
                         R"({"name": "poly", "problem": {"polynomial": {"a": "X0 X1 + Z0 Z1",
                             "degree": 2}}, "initialState": {"preparation": "plus"}, )",
                         nested, "}"))},
      // Shadows mode: measured through the server's registry's local backend.
      {"maxcut_shadows",
       SpecFromJson(R"({"name": "maxcut shadows", "problem": {"maxcut": {"generator": {"kind":
           "ring", "numNodes": 4}, "shots": 32}}, "initialState": {"preparation": "plus",
           "ansatz": {"name": "qaoa"}, "params": [0.3, -0.3]}, "seed": 5,
           "method": {"nested": {"stop": {"maxIterations": 2}}},
           "estimation": {"shadows": {"shotsPerIteration": 1000, "shotsPerSetting": 50}}})")},
      {"hea_vqe", SpecFromJson(R"({"name": "hea", "problem": {"model": {"kind": "tfim",
          "numQubits": 2}}, "method": {"heaVqe": {"layers": 1, "maxEvaluations": 20}},
          "seed": 3})")},
      {"adapt_vqe", SpecFromJson(R"({"name": "adapt", "problem": {"pauliSum": {"text":
          "Z0 Z1 + 0.5 X0 + 0.5 X1"}}, "initialState": {"preparation": "zero"},
          "method": {"adaptVqe": {"maxIterations": 3}}})")},
      {"parameter_shift", SpecFromJson(R"({"name": "shift", "problem": {"pauliSum": {"text":
          "Z0 + X1"}}, "initialState": {"preparation": "plus", "ansatz": {"name":
          "hardware_efficient"}}, "method": {"parameterShift": {"iterations": 4}}})")},
  };
  v1::JobSpec molecule = SpecFromJson(absl::StrCat(
      R"({"name": "h2", "initialState": {"preparation": "plus"}, )", nested, "}"));
  molecule.mutable_problem()->mutable_molecule()->set_fcidump_text(h2);
  specs.push_back({"molecule", molecule});
  // Variants of the same kinds: weighted inline edges and an edge-list text, other models,
  // an active space from Hartree–Fock with the centered step, an OpenQASM 3 start.
  specs.push_back({"maxcut_edges", SpecFromJson(absl::StrCat(
      R"({"name": "maxcut-edges", "problem": {"maxcut": {"edges": {"edges": [
          {"u": 0, "v": 1, "weight": 1.5}, {"u": 1, "v": 2}, {"u": 2, "v": 0, "weight": 0.5}]},
          "shots": 16}}, "initialState": {"preparation": "plus"}, "seed": 2, )",
      nested, "}"))});
  specs.push_back({"maxcut_edge_list", SpecFromJson(absl::StrCat(
      R"({"name": "maxcut-list", "problem": {"maxcut": {"edgeList":
          "# square\n0 1\n1 2\n2 3\n3 0 2.0\n"}}, "initialState": {"preparation": "plus"}, )",
      nested, "}"))});
  specs.push_back({"heisenberg", SpecFromJson(absl::StrCat(
      R"({"name": "heisenberg", "problem": {"model": {"kind": "heisenberg", "numQubits": 3,
          "jz": 0.5, "field": 0.2}}, "initialState": {"preparation": "plus"}, )",
      nested, "}"))});
  specs.push_back({"barren_plateau", SpecFromJson(absl::StrCat(
      R"({"name": "local-z", "problem": {"model": {"kind": "local_z", "numQubits": 3}},
          "initialState": {"preparation": "zero", "ansatz": {"name": "random_layers",
          "layers": 2}}, "seed": 4, )",
      nested, "}"))});
  v1::JobSpec active_space = SpecFromJson(R"({"name": "lih", "problem": {"molecule":
      {"frozenCore": 1, "frozenVirtual": 2}}, "initialState": {"preparation": "hartree_fock"},
      "method": {"nested": {"stepSize": 2, "centeredStep": true, "qubitExcitations": true,
      "stop": {"maxIterations": 2}}}})");
  active_space.mutable_problem()->mutable_molecule()->set_fcidump_text(
      ReadFile(QGRAD_PROBLEMS_TESTDATA "/LiH_2.2.FCIDUMP"));
  specs.push_back({"molecule_active_space", active_space});
  v1::JobSpec qasm_start = SpecFromJson(absl::StrCat(
      R"({"name": "qasm", "problem": {"pauliSum": {"text": "Z0 Z1 - 0.5 X1"}},
          "initialState": {"params": [0.3]}, )",
      nested, "}"));
  qasm_start.mutable_initial_state()->set_qasm(
      "OPENQASM 3.0;\ninclude \"stdgates.inc\";\ninput float[64] a;\nqubit[2] q;\n"
      "h q[0];\nry(a) q[1];\n");
  specs.push_back({"qasm_start", qasm_start});
  return specs;
}

v1::JobSpec LongSpec() {
  // A tiny fixed step keeps the indicator above 0 for thousands of iterations, each of
  // which is a few milliseconds of synthesis.
  return SpecFromJson(R"({"name": "long", "problem": {"model": {"kind": "tfim",
      "numQubits": 8, "periodic": true}}, "initialState": {"preparation": "zero"},
      "method": {"nested": {"stepSize": 0.002, "stop": {"maxIterations": 100000,
      "maxLayers": 100000, "indicatorThreshold": 0}}}})");
}

v1::JobSpec MediumSpec(int iterations) {
  return SpecFromJson(absl::StrCat(R"({"name": "medium", "problem": {"model": {"kind": "tfim",
      "numQubits": 6, "periodic": true}}, "initialState": {"preparation": "zero"},
      "method": {"nested": {"stepSize": 0.05, "stop": {"maxIterations": )",
      iterations, R"(, "maxLayers": )", iterations, R"(, "indicatorThreshold": 0}}}})"));
}

std::string Comparable(v1::JobResult result) {
  result.clear_wall_seconds();
  for (v1::IterationEvent& e : *result.mutable_history()) e.clear_elapsed_seconds();
  return result.SerializeAsString();
}

std::string ReferenceResult(const v1::JobSpec& spec) {
  absl::StatusOr<v1::JobResult> result = runner::RunJob(spec);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? Comparable(*result) : "";
}

Watched WatchAll(v1::JobService::Stub& stub, const std::string& token, const std::string& job_id,
                 int64_t after_sequence, std::chrono::milliseconds timeout) {
  Watched watched;
  auto context = Context(token, timeout);
  v1::WatchJobRequest request;
  request.set_job_id(job_id);
  request.set_after_sequence(after_sequence);
  std::unique_ptr<grpc::ClientReader<v1::JobEvent>> reader = stub.WatchJob(context.get(), request);
  v1::JobEvent event;
  while (reader->Read(&event)) watched.events.push_back(event);
  watched.status = reader->Finish();
  return watched;
}

bool IsTerminal(v1::JobState state) {
  return state == v1::JOB_STATE_SUCCEEDED || state == v1::JOB_STATE_FAILED ||
         state == v1::JOB_STATE_CANCELLED;
}

v1::Job WaitFor(v1::JobService::Stub& stub, const std::string& token, const std::string& job_id,
                const std::function<bool(const v1::Job&)>& done,
                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  v1::Job job;
  for (;;) {
    v1::GetJobRequest request;
    request.set_job_id(job_id);
    grpc::Status status = stub.GetJob(Context(token).get(), request, &job);
    if (status.ok() && done(job)) return job;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "timed out waiting for job " << job_id << " (" << status.error_message()
                    << "), last state " << v1::JobState_Name(job.state());
      return job;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string CheckEventLog(const std::vector<v1::JobEvent>& events, v1::JobState terminal) {
  if (events.empty()) return "no events";
  int running = 0, terminals = 0, next_iteration = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::JobEvent& e = events[i];
    if (e.sequence() != int64_t(i + 1)) {
      return absl::StrCat("event ", i, " has sequence ", e.sequence());
    }
    if (e.kind_case() == v1::JobEvent::kIteration) {
      if (running != 1 || terminals != 0) return absl::StrCat("iteration event ", i, " misplaced");
      // Baselines number their steps themselves; only the order is checked for them.
      if (e.iteration().iteration() < next_iteration) {
        return absl::StrCat("iteration ", e.iteration().iteration(), " repeated at event ", i);
      }
      next_iteration = e.iteration().iteration() + 1;
      continue;
    }
    if (i == 0 && e.state() != v1::JOB_STATE_QUEUED) return "first event is not QUEUED";
    if (e.state() == v1::JOB_STATE_RUNNING) ++running;
    if (IsTerminal(e.state())) {
      ++terminals;
      if (e.state() != terminal) {
        return absl::StrCat("terminal state ", v1::JobState_Name(e.state()));
      }
      if (i + 1 != events.size()) return "events after the terminal state";
    }
  }
  if (terminals != 1) return absl::StrCat(terminals, " terminal events");
  if (running > 1) return absl::StrCat("RUNNING ", running, " times");
  return "";
}

}  // namespace qgrad::server::testing
