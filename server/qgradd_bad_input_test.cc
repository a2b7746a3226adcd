// Bad input against the real qgradd: a table of malformed specs and requests, each answered
// with the right status code and a message naming the field (or the limit), every field path
// resolving in the requests' .proto field names (one convention); an oversized
// request is refused; a tenant's queue quota holds (and a retried submission still gets
// its job); the server keeps serving throughout and runs a good job at the end.
//
// Thread-safety: single-threaded test (the server is another process).
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runner/field_path_for_testing.h"
#include "server/auth.h"
#include "server/qgradd_test_util.h"

namespace qgrad::server::testing {
namespace {

constexpr char kToken[] = "bad-input-token";
using Code = grpc::StatusCode;

struct BadCall {
  std::string name;
  std::function<grpc::Status(v1::JobService::Stub&)> call;
  Code code;
  std::string message_part;
};

grpc::Status SubmitRequest(v1::JobService::Stub& stub, const v1::SubmitJobRequest& request) {
  v1::SubmitJobResponse response;
  return stub.SubmitJob(Context(kToken).get(), request, &response);
}

// A submission of the spec given as JSON (proto3 JSON names), otherwise well-formed.
BadCall Spec(std::string name, std::string json, Code code, std::string part) {
  v1::SubmitJobRequest request;
  *request.mutable_spec() = SpecFromJson(json);
  return {std::move(name),
          [request](v1::JobService::Stub& stub) { return SubmitRequest(stub, request); }, code,
          std::move(part)};
}

// A submission of a good spec with one request field spoiled.
BadCall Request(std::string name, std::function<void(v1::SubmitJobRequest&)> spoil, Code code,
                std::string part) {
  v1::SubmitJobRequest request;
  *request.mutable_spec() = SpecFromJson(R"({"problem": {"pauliSum": {"text": "Z0 Z1"}}})");
  spoil(request);
  return {std::move(name),
          [request](v1::JobService::Stub& stub) { return SubmitRequest(stub, request); }, code,
          std::move(part)};
}

// "" when `message` starts with a field path of one of the JobService requests in the
// convention of server/README.md "Errors"; else why not.
std::string FieldPathProblem(const std::string& message) {
  std::string problems;
  for (const google::protobuf::Descriptor* root :
       {v1::SubmitJobRequest::descriptor(), v1::GetJobRequest::descriptor(),
        v1::ListJobsRequest::descriptor(), v1::WatchJobRequest::descriptor(),
        v1::CancelJobRequest::descriptor()}) {
    const std::string problem = runner::FieldPathProblemForTesting(message, *root);
    if (problem.empty()) return "";
    absl::StrAppend(&problems, problems.empty() ? "" : "; ", problem);
  }
  return problems;
}

std::vector<BadCall> Table(const std::string& running_job) {
  const Code invalid = Code::INVALID_ARGUMENT;
  const Code exhausted = Code::RESOURCE_EXHAUSTED;
  const std::string pauli = R"("problem": {"pauliSum": {"text": "Z0 Z1"}})";
  return {
      Request("no spec", [](v1::SubmitJobRequest& r) { r.clear_spec(); }, invalid,
              "spec: required"),
      Spec("no problem", R"({"name": "x"})", invalid, "spec.problem: one of"),
      Spec("unparsable Pauli sum", R"({"problem": {"pauliSum": {"text": "Z0 +* X1"}}})", invalid,
           "spec.problem.pauli_sum.text"),
      Spec("non-Hermitian observable", R"({"problem": {"pauliSum": {"text": "(0.5+1j) Z0"}}})",
           invalid, "spec.problem.pauli_sum.text: not Hermitian"),
      Spec("Max-Cut self loop",
           R"({"problem": {"maxcut": {"edges": {"edges": [{"u": 0, "v": 1}, {"u": 2, "v": 2}]}}}})",
           invalid, "spec.problem.maxcut.edges.edges[1]: self loop"),
      Spec("Max-Cut bad edge list line", R"({"problem": {"maxcut": {"edgeList": "0 1\n1 x\n"}}})",
           invalid, "spec.problem.maxcut.edge_list: edge list line 2"),
      Spec("unknown graph generator",
           R"({"problem": {"maxcut": {"generator": {"kind": "hexagon"}}}})", invalid,
           "spec.problem.maxcut.generator.kind"),
      Spec("negative shots",
           R"({"problem": {"maxcut": {"generator": {"kind": "paper"}, "shots": -3}}})", invalid,
           "spec.problem.maxcut.shots: must be >= 0"),
      Spec("shots above the server limit",
           R"({"problem": {"maxcut": {"generator": {"kind": "paper"}, "shots": 100000}}})",
           exhausted, "spec.problem.maxcut.shots: 100000 shots exceed max_shots = 5000"),
      Spec("server-side FCIDUMP path",
           R"({"problem": {"molecule": {"fcidumpPath": "/etc/passwd"}}})", invalid,
           "spec.problem.molecule.fcidump_path: the server reads no files"),
      Spec("FCIDUMP without NORB",
           R"({"problem": {"molecule": {"fcidumpText": "&FCI NELEC=2, MS2=0, /\n0.7 0 0 0 0\n"}}})",
           invalid, "spec.problem.molecule.fcidump_text: FCIDUMP header"),
      Spec("unknown model", R"({"problem": {"model": {"kind": "potts", "numQubits": 3}}})",
           invalid, "spec.problem.model.kind: unknown model 'potts'"),
      Spec("polynomial of degree 1", R"({"problem": {"polynomial": {"a": "Z0", "degree": 1}}})",
           invalid, "spec.problem.polynomial.degree: must be >= 2"),
      Spec("register size mismatch",
           R"({"problem": {"maxcut": {"generator": {"kind": "paper"}}, "numQubits": 5}})",
           invalid, "spec.problem.num_qubits: 5 does not match"),
      Spec("more qubits than the server allows",
           R"({"problem": {"model": {"kind": "tfim", "numQubits": 12}}})", exhausted,
           "spec.problem.model.num_qubits: 12 qubits exceed max_qubits = 10"),
      Spec("more qubits than the spec's own limit",
           R"({"problem": {"model": {"kind": "tfim", "numQubits": 8}}, "limits": {"maxQubits": 6}})",
           exhausted, "limits.max_qubits = 6"),
      Spec("negative spec qubit limit", absl::StrCat("{", pauli, R"(, "limits": {"maxQubits": -1}})"),
           invalid, "spec.limits.max_qubits: must be >= 0"),
      Spec("unknown preparation",
           absl::StrCat("{", pauli, R"(, "initialState": {"preparation": "ghz"}})"), invalid,
           "spec.initial_state.preparation"),
      Spec("unknown ansatz",
           absl::StrCat("{", pauli, R"(, "initialState": {"ansatz": {"name": "x"}}})"), invalid,
           "spec.initial_state.ansatz.name: unknown ansatz 'x'"),
      Spec("broken OpenQASM start",
           absl::StrCat("{", pauli, R"(, "initialState": {"qasm": "OPENQASM 3.0; qubit[2] q; h q[7];"}})"),
           invalid, "spec.initial_state.qasm"),
      Spec("wrong parameter count",
           absl::StrCat("{", pauli, R"(, "initialState": {"ansatz": {"name": "qaoa"}, "params": [0.1]}})"),
           invalid, "spec.initial_state.params: 1 values for 2 circuit parameters"),
      Spec("zero step size", absl::StrCat("{", pauli, R"(, "method": {"nested": {"stepSize": 0}}})"),
           invalid, "spec.method.nested.step_size: must be > 0"),
      Spec("unknown layer kind",
           absl::StrCat("{", pauli, R"(, "method": {"nested": {"layerKind": "x"}}})"), invalid,
           "spec.method.nested.layer_kind"),
      Spec("unknown pool", absl::StrCat("{", pauli, R"(, "method": {"nested": {"pool": "x"}}})"),
           invalid, "spec.method.nested.pool"),
      Spec("unknown hand-back",
           absl::StrCat("{", pauli, R"(, "method": {"nested": {"handBack": "x"}}})"), invalid,
           "spec.method.nested.hand_back"),
      Spec("unknown HEA entangler",
           absl::StrCat("{", pauli, R"(, "method": {"heaVqe": {"entangler": "swap"}}})"), invalid,
           "spec.method.hea_vqe.entangler"),
      Spec("unknown ADAPT pool", absl::StrCat("{", pauli, R"(, "method": {"adaptVqe": {"pool": "x"}}})"),
           invalid, "spec.method.adapt_vqe.pool"),
      Spec("negative parameter-shift iterations",
           absl::StrCat("{", pauli, R"(, "method": {"parameterShift": {"iterations": -2}}})"),
           invalid, "spec.method.parameter_shift.iterations"),
      Spec("overlong name", absl::StrCat(R"({"name": ")", std::string(300, 'n'), R"(", )", pauli, "}"),
           invalid, "spec.name: longer than 256"),
      Request("overlong idempotency key",
              [](v1::SubmitJobRequest& r) { r.set_idempotency_key(std::string(129, 'k')); },
              invalid, "idempotency_key: longer than 128"),
      Request("bad label key",
              [](v1::SubmitJobRequest& r) { (*r.mutable_labels())["Bad Key"] = "v"; }, invalid,
              "labels[\"Bad Key\"]: key must match"),
      Request("overlong label value",
              [](v1::SubmitJobRequest& r) { (*r.mutable_labels())["team"] = std::string(300, 'v'); },
              invalid, "labels[\"team\"]: value longer than 256"),
      Request("priority out of range", [](v1::SubmitJobRequest& r) { r.set_priority(101); },
              invalid, "priority: must be in [-100, 100]"),
      Request("negative deadline", [](v1::SubmitJobRequest& r) { r.set_deadline_seconds(-1); },
              invalid, "deadline_seconds: must be finite and >= 0"),
      Request("NaN deadline",
              [](v1::SubmitJobRequest& r) { r.set_deadline_seconds(std::nan("")); }, invalid,
              "deadline_seconds"),
      Request("unknown backend", [](v1::SubmitJobRequest& r) { r.set_backend("ionq"); }, invalid,
              "backend: unknown backend \"ionq\""),
      {"GetJob without id",
       [](v1::JobService::Stub& stub) {
         v1::Job job;
         return stub.GetJob(Context(kToken).get(), v1::GetJobRequest(), &job);
       },
       invalid, "job_id: required"},
      {"GetJob of an unknown job",
       [](v1::JobService::Stub& stub) {
         v1::GetJobRequest request;
         request.set_job_id("j-0000000000000000000000000");
         v1::Job job;
         return stub.GetJob(Context(kToken).get(), request, &job);
       },
       Code::NOT_FOUND, "job j-0000000000000000000000000 not found"},
      {"ListJobs negative page size",
       [](v1::JobService::Stub& stub) {
         v1::ListJobsRequest request;
         request.set_page_size(-1);
         v1::ListJobsResponse response;
         return stub.ListJobs(Context(kToken).get(), request, &response);
       },
       invalid, "page_size: must be in [0, 1000]"},
      {"ListJobs huge page size",
       [](v1::JobService::Stub& stub) {
         v1::ListJobsRequest request;
         request.set_page_size(5000);
         v1::ListJobsResponse response;
         return stub.ListJobs(Context(kToken).get(), request, &response);
       },
       invalid, "page_size"},
      {"ListJobs unknown state",
       [](v1::JobService::Stub& stub) {
         v1::ListJobsRequest request;
         request.add_states(v1::JOB_STATE_QUEUED);
         request.add_states(static_cast<v1::JobState>(42));
         v1::ListJobsResponse response;
         return stub.ListJobs(Context(kToken).get(), request, &response);
       },
       invalid, "states[1]: unknown job state 42"},
      {"ListJobs forged page token",
       [](v1::JobService::Stub& stub) {
         v1::ListJobsRequest request;
         request.set_page_token("not-a-token");
         v1::ListJobsResponse response;
         return stub.ListJobs(Context(kToken).get(), request, &response);
       },
       invalid, "page_token"},
      {"WatchJob negative sequence",
       [&](v1::JobService::Stub& stub) {
         return WatchAll(stub, kToken, running_job, -1).status;
       },
       invalid, "after_sequence: must be >= 0"},
      {"WatchJob without id",
       [](v1::JobService::Stub& stub) { return WatchAll(stub, kToken, "").status; }, invalid,
       "job_id: required"},
      {"CancelJob without id",
       [](v1::JobService::Stub& stub) {
         v1::CancelJobResponse response;
         return stub.CancelJob(Context(kToken).get(), v1::CancelJobRequest(), &response);
       },
       invalid, "job_id: required"},
      {"result of a running job",
       [&](v1::JobService::Stub& stub) {
         v1::GetJobResultRequest request;
         request.set_job_id(running_job);
         v1::JobResult result;
         return stub.GetJobResult(Context(kToken).get(), request, &result);
       },
       Code::FAILED_PRECONDITION, "is RUNNING; only a SUCCEEDED job has a result"},
      Request("oversized request",
              [](v1::SubmitJobRequest& r) {
                r.mutable_spec()->mutable_problem()->mutable_pauli_sum()->set_text(
                    "Z0 Z1" + std::string(100000, ' '));
              },
              exhausted, "larger than max"),
  };
}

TEST(QgraddBadInputTest, EachIsRefusedNamingTheFieldAndTheServerKeepsServing) {
  TempDir dir;
  WriteFile(dir.File("tokens"), absl::StrCat("alice ", Sha256Hex(kToken), "\n"));
  auto server = QgraddProcess::Start(
      dir.File("data"), {"--tokens_file=" + dir.File("tokens"), "--max_request_bytes=65536",
                         "--max_qubits=10", "--max_shots=5000", "--max_running_jobs=1",
                         "--max_queued_per_tenant=2", "--store=memory"});
  ASSERT_NE(server, nullptr);
  auto stub = JobStub(server->address());

  v1::SubmitJobRequest long_job;
  *long_job.mutable_spec() = LongSpec();
  long_job.set_idempotency_key("long");
  v1::SubmitJobResponse running;
  ASSERT_TRUE(stub->SubmitJob(Context(kToken).get(), long_job, &running).ok());
  WaitFor(*stub, kToken, running.job().id(),
          [](const v1::Job& j) { return j.state() == v1::JOB_STATE_RUNNING; });

  const std::vector<BadCall> table = Table(running.job().id());
  EXPECT_GE(table.size(), 25u);
  for (const BadCall& bad : table) {
    SCOPED_TRACE(bad.name);
    const grpc::Status status = bad.call(*stub);
    if (std::getenv("QGRADD_TEST_LOG") != nullptr) {
      std::cerr << bad.name << " -> " << status.error_code() << " " << status.error_message()
                << "\n";
    }
    EXPECT_EQ(status.error_code(), bad.code) << status.error_message();
    EXPECT_NE(status.error_message().find(bad.message_part), std::string::npos)
        << "got: " << status.error_message();
    // One field-path convention (gRPC's own size check aside).
    if ((bad.code == Code::INVALID_ARGUMENT || bad.code == Code::RESOURCE_EXHAUSTED) &&
        !absl::StartsWith(status.error_message(), "Received message")) {
      EXPECT_EQ(FieldPathProblem(status.error_message()), "");
    }
    // Still serving.
    v1::Job job;
    v1::GetJobRequest get;
    get.set_job_id(running.job().id());
    ASSERT_TRUE(stub->GetJob(Context(kToken).get(), get, &job).ok());
  }

  // Queue quota: two queued jobs fill it; a third is refused, a retry of a queued one is not.
  v1::SubmitJobRequest queued;
  *queued.mutable_spec() = SpecFromJson(R"({"problem": {"pauliSum": {"text": "Z0"}}})");
  v1::SubmitJobResponse first, second, third;
  queued.set_idempotency_key("q1");
  ASSERT_TRUE(stub->SubmitJob(Context(kToken).get(), queued, &first).ok());
  queued.set_idempotency_key("q2");
  ASSERT_TRUE(stub->SubmitJob(Context(kToken).get(), queued, &second).ok());
  queued.set_idempotency_key("q3");
  grpc::Status refused = stub->SubmitJob(Context(kToken).get(), queued, &third);
  EXPECT_EQ(refused.error_code(), Code::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("tenant alice has 2 queued jobs; the limit is 2"),
            std::string::npos)
      << refused.error_message();
  queued.set_idempotency_key("q1");
  v1::SubmitJobResponse retried;
  ASSERT_TRUE(stub->SubmitJob(Context(kToken).get(), queued, &retried).ok());
  EXPECT_FALSE(retried.created());
  EXPECT_EQ(retried.job().id(), first.job().id());

  // And it still does real work.
  v1::CancelJobRequest cancel;
  cancel.set_job_id(running.job().id());
  v1::CancelJobResponse cancelled;
  ASSERT_TRUE(stub->CancelJob(Context(kToken).get(), cancel, &cancelled).ok());
  v1::Job done = WaitFor(*stub, kToken, second.job().id(),
                         [](const v1::Job& j) { return IsTerminal(j.state()); });
  EXPECT_EQ(done.state(), v1::JOB_STATE_SUCCEEDED);
  if (HasFailure()) std::cerr << server->Log();
}

}  // namespace
}  // namespace qgrad::server::testing
