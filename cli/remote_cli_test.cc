// The job-service subcommands of the `qgrad` binary, run as subprocesses against an
// in-process FakeServer: output, JSON shape, exit codes, flag and environment handling,
// and a watch that survives dropped streams.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/client.h"
#include "client/fake_server.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace qgrad::cli {
namespace {

using nlohmann::json;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A directory of this process's own (CTest runs every test as a process, in parallel),
// removed when the tests end.
const std::string& TempDirectory() {
  static const std::string* dir = [] {
    auto* d = new std::string(std::filesystem::path(::testing::TempDir()) /
                              absl::StrCat("qgrad_remote_cli_", getpid()));
    std::filesystem::create_directories(*d);
    return d;
  }();
  return *dir;
}
class RemoveTempDirectory : public ::testing::Environment {
 public:
  void TearDown() override { std::filesystem::remove_all(TempDirectory()); }
};
const auto* const kRemoveTempDirectory =
    ::testing::AddGlobalTestEnvironment(new RemoveTempDirectory);

std::string TempPath(const std::string& name) { return TempDirectory() + "/" + name; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `env ASSIGNMENTS qgrad ARGS` with every QGRAD_* variable of the test's own
// environment removed first, so that only what the test sets is seen.
CliRun RunCli(const std::string& args, const std::string& env = "") {
  const std::string err_path = TempPath("remote_cli_stderr.txt");
  const std::string cmd =
      absl::StrCat("env -u QGRAD_SERVER -u QGRAD_TOKEN -u QGRAD_TOKEN_FILE -u QGRAD_TLS_CA ",
                   "-u QGRAD_TLS_CERT -u QGRAD_TLS_KEY -u QGRAD_TLS_SERVER_NAME ", env, " ",
                   QGRAD_CLI_PATH, " ", args, " 2>", err_path);
  CliRun r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = ReadFile(err_path);
  return r;
}

std::string Example(const std::string& name) { return absl::StrCat(QGRAD_EXAMPLES_DIR, "/", name); }

class RemoteCliTest : public ::testing::Test {
 protected:
  void StartServer(client::FakeServerOptions options = {}) {
    options.token = "tok";
    auto server = client::FakeServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void SetUp() override { StartServer(); }

  // --server and --token for the fake.
  std::string Conn() const { return absl::StrCat("--server ", server_->address(), " --token tok"); }

  // Submits through the library, bypassing the CLI.
  std::string SubmitDirectly(const std::map<std::string, std::string>& labels = {}) {
    client::ClientOptions options;
    options.server = server_->address();
    options.token = "tok";
    absl::StatusOr<client::Client> c = client::Client::Create(options);
    EXPECT_TRUE(c.ok());
    v1::SubmitJobRequest request;
    request.mutable_spec()->set_name("direct");
    request.mutable_spec()->mutable_problem()->mutable_pauli_sum()->set_text("Z0");
    for (const auto& [k, v] : labels) (*request.mutable_labels())[k] = v;
    absl::StatusOr<v1::SubmitJobResponse> r = c->Submit(request);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->job().id() : "";
  }

  std::unique_ptr<client::FakeServer> server_;
};

TEST_F(RemoteCliTest, SubmitPrintsTheIdAndSendsEveryOption) {
  CliRun r = RunCli(absl::StrCat("submit ", Example("maxcut.json"), " ", Conn(),
                                 " --key k1 --label team=optics,run=7 --priority 3 "
                                 "--deadline 90m --backend emulator"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "j-000001\n");
  EXPECT_TRUE(absl::StrContains(r.err, "submitted j-000001")) << r.err;
  std::optional<v1::SubmitJobRequest> sent = server_->last_submit();
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->idempotency_key(), "k1");
  EXPECT_EQ(sent->labels().at("team"), "optics");
  EXPECT_EQ(sent->labels().at("run"), "7");
  EXPECT_EQ(sent->priority(), 3);
  EXPECT_DOUBLE_EQ(sent->deadline_seconds(), 5400);
  EXPECT_EQ(sent->backend(), "emulator");
  EXPECT_TRUE(absl::StartsWith(sent->spec().name(), "maxcut: paper 4-node graph"));
  EXPECT_EQ(sent->spec().method().nested().stop().max_iterations(), 20);
}

TEST_F(RemoteCliTest, SubmitSendsAMoleculesFcidumpInline) {
  // lih.json names data/LiH_2.2.FCIDUMP relative to itself; the server cannot read it.
  CliRun r = RunCli(absl::StrCat("submit ", Example("lih.json"), " ", Conn()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::optional<v1::SubmitJobRequest> sent = server_->last_submit();
  ASSERT_TRUE(sent.has_value());
  const v1::MoleculeProblem& molecule = sent->spec().problem().molecule();
  EXPECT_TRUE(molecule.has_fcidump_text());
  EXPECT_TRUE(molecule.fcidump_text() == ReadFile(Example("data/LiH_2.2.FCIDUMP")));
  EXPECT_EQ(molecule.frozen_core(), 1);
}

TEST_F(RemoteCliTest, SubmitJsonReportsWhetherTheKeyWasNew) {
  const std::string cmd =
      absl::StrCat("submit ", Example("maxcut.json"), " ", Conn(), " --key same --json");
  CliRun first = RunCli(cmd);
  CliRun again = RunCli(cmd);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(again.exit_code, 0) << again.err;
  json a = json::parse(first.out), b = json::parse(again.out);
  EXPECT_EQ(a["created"], true);
  EXPECT_EQ(b["created"], false);
  EXPECT_EQ(a["job"]["id"], b["job"]["id"]);
  EXPECT_EQ(a["job"]["idempotencyKey"], "same");
}

TEST_F(RemoteCliTest, SubmitRejectsBadInputBeforeCallingTheServer) {
  const std::string bad = TempPath("bad_spec.json");
  std::ofstream(bad) << "{\"problem\": {\"maxcut\": {\"nope\": 1}}}";
  EXPECT_EQ(RunCli(absl::StrCat("submit ", bad, " ", Conn())).exit_code, 3);
  EXPECT_EQ(RunCli(absl::StrCat("submit /nonexistent.json ", Conn())).exit_code, 3);
  EXPECT_EQ(RunCli(absl::StrCat("submit ", Conn())).exit_code, 2);
  CliRun label = RunCli(absl::StrCat("submit ", Example("maxcut.json"), " --label oops ", Conn()));
  EXPECT_EQ(label.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(label.err, "--label oops")) << label.err;
  EXPECT_FALSE(server_->last_submit().has_value());
  // A spec the server refuses is bad input too.
  const std::string empty = TempPath("empty_spec.json");
  std::ofstream(empty) << "{}";
  CliRun refused = RunCli(absl::StrCat("submit ", empty, " ", Conn()));
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_TRUE(absl::StrContains(refused.err, "spec.problem: required")) << refused.err;
}

TEST_F(RemoteCliTest, SubmitWatchFollowsTheJobToTheEnd) {
  CliRun r = RunCli(absl::StrCat("submit ", Example("maxcut.json"), " --watch ", Conn()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // stderr is not a terminal here: one plain line per event.
  EXPECT_TRUE(absl::StrContains(r.err, "QUEUED     waiting for a free slot\n")) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "RUNNING   [")) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "/20  cost ")) << r.err;  // the spec's budget
  EXPECT_TRUE(absl::StrContains(r.err, "j-000001 SUCCEEDED after 20 iterations")) << r.err;
  EXPECT_FALSE(absl::StrContains(r.err, "\r"));
}

TEST_F(RemoteCliTest, WatchJsonLinesSurviveDroppedStreams) {
  const std::string id = SubmitDirectly();
  server_->DropWatchStreams(/*streams=*/2, /*after_events=*/2);
  CliRun r = RunCli(absl::StrCat("watch ", id, " --json ", Conn()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<int64_t> sequences;
  for (absl::string_view line : absl::StrSplit(r.out, '\n', absl::SkipEmpty())) {
    json event = json::parse(line);
    EXPECT_EQ(event["jobId"], id);
    sequences.push_back(std::stoll(event["sequence"].get<std::string>()));  // int64: a string
  }
  // QUEUED, RUNNING, 3 iterations, SUCCEEDED: each exactly once.
  EXPECT_EQ(sequences, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(absl::StrContains(r.err, "watch interrupted (fake: stream dropped); resuming"))
      << r.err;
  EXPECT_EQ(server_->watch_requests(), (std::vector<int64_t>{0, 2, 4}));
}

TEST_F(RemoteCliTest, WatchFromASequenceAndQuiet) {
  const std::string id = SubmitDirectly();
  CliRun r = RunCli(absl::StrCat("watch ", id, " --after 4 --json --quiet ", Conn()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);  // events 5 and 6
  EXPECT_EQ(r.err, "");
}

TEST_F(RemoteCliTest, FailedJobsExitWithOne) {
  client::FakeServerOptions options;
  options.final_state = v1::JOB_STATE_FAILED;
  StartServer(options);
  const std::string id = SubmitDirectly();
  CliRun watch = RunCli(absl::StrCat("watch ", id, " ", Conn()));
  EXPECT_EQ(watch.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(watch.err, "job j-000001 FAILED: fake: the run failed"))
      << watch.err;
  CliRun result = RunCli(absl::StrCat("result ", id, " ", Conn()));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(result.err, "FAILED: fake: the run failed; no result"))
      << result.err;
}

TEST_F(RemoteCliTest, StatusTextJsonAndNotFound) {
  const std::string id = SubmitDirectly({{"team", "optics"}});
  CliRun text = RunCli(absl::StrCat("status ", id, " ", Conn()));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(absl::StartsWith(text.out, "j-000001  SUCCEEDED\n")) << text.out;
  EXPECT_TRUE(absl::StrContains(text.out, "labels:     team=optics")) << text.out;
  EXPECT_TRUE(absl::StrContains(text.out, "progress:   3 iterations, last event 6")) << text.out;
  CliRun j = RunCli(absl::StrCat("status ", id, " --json ", Conn()));
  ASSERT_EQ(j.exit_code, 0);
  EXPECT_EQ(json::parse(j.out)["state"], "JOB_STATE_SUCCEEDED");
  CliRun missing = RunCli(absl::StrCat("status j-999 ", Conn()));
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_TRUE(absl::StrContains(missing.err, "NOT_FOUND: no job j-999")) << missing.err;
}

TEST_F(RemoteCliTest, TokenAndServerFromTheEnvironment) {
  const std::string id = SubmitDirectly();
  const std::string server = absl::StrCat("QGRAD_SERVER=", server_->address());
  EXPECT_EQ(RunCli("status " + id, server + " QGRAD_TOKEN=tok").exit_code, 0);
  const std::string token_file = TempPath("cli_token");
  std::ofstream(token_file) << "tok\n";
  EXPECT_EQ(RunCli("status " + id, server + " QGRAD_TOKEN_FILE=" + token_file).exit_code, 0);
  EXPECT_EQ(RunCli("status " + id + " --token-file " + token_file, server).exit_code, 0);
  // A flag wins over the environment.
  EXPECT_EQ(RunCli("status " + id + " --token wrong", server + " QGRAD_TOKEN=tok").exit_code, 5);
  CliRun none = RunCli("status " + id, server);
  EXPECT_EQ(none.exit_code, 5);
  EXPECT_TRUE(absl::StrContains(none.err, "UNAUTHENTICATED")) << none.err;
}

TEST_F(RemoteCliTest, UnreachableServerAndBadTlsFiles) {
  CliRun r = RunCli("status j-1 --server 127.0.0.1:1 --timeout 5s");
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_TRUE(absl::StrContains(r.err, "UNAVAILABLE")) << r.err;
  // The dashed spelling reaches the --tls_ca flag.
  CliRun tls = RunCli(absl::StrCat("status j-1 ", Conn(), " --tls-ca /nonexistent/ca.pem"));
  EXPECT_EQ(tls.exit_code, 3);
  EXPECT_TRUE(absl::StrContains(tls.err, "/nonexistent/ca.pem")) << tls.err;
}

TEST_F(RemoteCliTest, ListPagesFiltersAndLimits) {
  for (int i = 0; i < 5; ++i) SubmitDirectly({{"parity", i % 2 == 0 ? "even" : "odd"}});
  CliRun all = RunCli(absl::StrCat("list --json ", Conn()));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(json::parse(all.out)["jobs"].size(), 5u);
  CliRun limited = RunCli(absl::StrCat("list --json --limit 2 ", Conn()));
  EXPECT_EQ(json::parse(limited.out)["jobs"].size(), 2u);
  CliRun even = RunCli(absl::StrCat("list --label parity=even --state succeeded ", Conn()));
  ASSERT_EQ(even.exit_code, 0) << even.err;
  EXPECT_TRUE(absl::StartsWith(even.out, "ID ")) << even.out;
  EXPECT_EQ(std::count(even.out.begin(), even.out.end(), '\n'), 4);  // header + 3 jobs
  CliRun running = RunCli(absl::StrCat("list --json --state running,queued ", Conn()));
  EXPECT_FALSE(json::parse(running.out).contains("jobs") &&
               !json::parse(running.out)["jobs"].empty());
  EXPECT_EQ(RunCli(absl::StrCat("list --state bogus ", Conn())).exit_code, 2);
}

TEST_F(RemoteCliTest, CancelRunningFinishedAndMissingJobs) {
  client::FakeServerOptions options;
  options.event_interval = absl::Seconds(30);  // stays QUEUED for the whole test
  StartServer(options);
  const std::string id = SubmitDirectly();
  CliRun r = RunCli(absl::StrCat("cancel ", id, " ", Conn()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, id + " CANCELLED\n");
  CliRun again = RunCli(absl::StrCat("cancel ", id, " j-404 ", Conn()));
  EXPECT_EQ(again.exit_code, 4);
  EXPECT_EQ(again.out, id + " CANCELLED\n");  // a repeat is a no-op, not an error
  CliRun watch = RunCli(absl::StrCat("watch ", id, " ", Conn()));
  EXPECT_EQ(watch.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(watch.err, "CANCELLED: cancelled by the client")) << watch.err;
}

TEST_F(RemoteCliTest, ResultWritesJsonQasmAndPlot) {
  const std::string id = SubmitDirectly();
  CliRun cancel = RunCli(absl::StrCat("cancel ", id, " ", Conn()));
  EXPECT_EQ(cancel.out, id + " already SUCCEEDED\n");
  const std::string out = TempPath("cli_result.json");
  const std::string qasm = TempPath("cli_result.qasm");
  const std::string plot = TempPath("cli_result.svg");
  CliRun r = RunCli(
      absl::StrCat("result ", id, " ", Conn(), " --out ", out, " --qasm ", qasm, " --plot ", plot));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "final cost")) << r.err;
  json result = json::parse(ReadFile(out));
  EXPECT_EQ(result["history"].size(), 3u);
  EXPECT_TRUE(absl::StartsWith(ReadFile(qasm), "OPENQASM 3.0;"));
  EXPECT_TRUE(absl::StrContains(ReadFile(plot), "<svg"));
  CliRun to_stdout = RunCli(absl::StrCat("result ", id, " --quiet ", Conn()));
  ASSERT_EQ(to_stdout.exit_code, 0);
  EXPECT_EQ(json::parse(to_stdout.out)["method"], "nested");
  EXPECT_EQ(to_stdout.err, "");
}

TEST_F(RemoteCliTest, ResultOfAnUnfinishedJobIsNotReady) {
  client::FakeServerOptions options;
  options.event_interval = absl::Seconds(30);
  StartServer(options);
  const std::string id = SubmitDirectly();
  CliRun r = RunCli(absl::StrCat("result ", id, " ", Conn()));
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_TRUE(absl::StrContains(r.err, "is QUEUED; `qgrad watch")) << r.err;
}

TEST_F(RemoteCliTest, Backends) {
  CliRun all = RunCli(absl::StrCat("backends ", Conn()));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_TRUE(absl::StrContains(all.out, "statevector    ONLINE")) << all.out;
  EXPECT_TRUE(absl::StrContains(all.out, "emulator       OFFLINE")) << all.out;
  CliRun one = RunCli(absl::StrCat("backends emulator --json ", Conn()));
  ASSERT_EQ(one.exit_code, 0);
  EXPECT_EQ(json::parse(one.out)["maxQubits"], 11);
  EXPECT_EQ(RunCli(absl::StrCat("backends ionq ", Conn())).exit_code, 4);
}

// The fake charges each progress event kFake*PerIteration; its jobs have 3 each.
TEST_F(RemoteCliTest, UsageOfAllJobsAndOfOne) {
  const std::string first = SubmitDirectly();
  SubmitDirectly();
  CliRun all = RunCli(absl::StrCat("usage ", Conn()));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out,
            "all jobs (2)                    3.000 CPU seconds           6000 shots        120 "
            "circuits\n");
  CliRun one = RunCli(absl::StrCat("usage ", first, " ", Conn()));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_TRUE(absl::StartsWith(
      one.out, "j-000001                        1.500 CPU seconds           3000 shots         60 "
               "circuits\nall jobs (2) "))
      << one.out;
  CliRun j = RunCli(absl::StrCat("usage ", first, " --json ", Conn()));
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const json parsed = json::parse(j.out);
  EXPECT_EQ(parsed["jobs"], "2");  // int64 is a string in proto3 JSON
  EXPECT_EQ(parsed["tenant"]["shots"], "6000");
  EXPECT_EQ(parsed["job"]["circuits"], "60");
  EXPECT_EQ(parsed["job"]["cpuSeconds"], 1.5);
  CliRun missing = RunCli(absl::StrCat("usage j-999 ", Conn()));
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_TRUE(absl::StrContains(missing.err, "NOT_FOUND: no job j-999")) << missing.err;
  EXPECT_EQ(RunCli(absl::StrCat("usage a b ", Conn())).exit_code, 2);
}

TEST(RemoteCliUsageTest, UnknownCommandAndMissingArguments) {
  EXPECT_EQ(RunCli("frobnicate").exit_code, 2);
  EXPECT_EQ(RunCli("watch").exit_code, 2);
  EXPECT_EQ(RunCli("status a b").exit_code, 2);
  EXPECT_EQ(RunCli("cancel").exit_code, 2);
}

}  // namespace
}  // namespace qgrad::cli
