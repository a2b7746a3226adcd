// libFuzzer target for the job-spec edge (what qgradd runs on every submission): bytes as
// proto3 JSON and, where they parse, as a binary JobSpec, through runner::ValidateJob with
// the job server's default limits; a valid spec's problem and start circuit are built again
// and must keep what validation promised (register, start gates, finite parameters). Each
// input must be cheap whatever it asks for: scripts/test.sh runs this with -timeout,
// -rss_limit_mb and -malloc_limit_mb, so an expansion bomb or an allocation storm is a
// failure. Built only with -DQGRAD_FUZZ=ON (clang).
//
// Thread-safety: called by libFuzzer from one thread.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/stubs/logging.h"
#include "runner/json_io.h"
#include "runner/problem.h"
#include "runner/runner.h"
#include "runner/start.h"

namespace {

using qgrad::runner::JobLimits;
using qgrad::runner::SpecLimits;

// qgradd's defaults (server/config.h): 20 qubits, 10^6 shots.
SpecLimits ServerLimits() {
  SpecLimits limits;
  limits.max_qubits = 20;
  limits.max_shots = 1'000'000;
  return limits;
}

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "spec fuzzer: %s: %s\n", what, detail.c_str());
  __builtin_trap();
}

// A refused spec must say why, with a code the job server maps to a client error.
void CheckRefusal(const absl::Status& status) {
  const bool client_error = absl::IsInvalidArgument(status) ||
                            absl::IsResourceExhausted(status) || absl::IsNotFound(status);
  if (!client_error || status.message().empty()) Fail("unexpected error", status.ToString());
}

// Builds what validation accepted and checks it against the limits.
void CheckAccepted(const qgrad::v1::JobSpec& spec, const qgrad::runner::JobShape& shape,
                   const SpecLimits& limits) {
  const JobLimits job = qgrad::runner::ResolveLimits(spec.limits(), limits);
  if (shape.num_qubits < 1 || shape.num_qubits > job.qubits.value) {
    Fail("register outside the limit", std::to_string(shape.num_qubits));
  }
  if (shape.shots < 0 || shape.shots > limits.max_shots) {
    Fail("shots outside the limit", std::to_string(shape.shots));
  }
  absl::StatusOr<qgrad::runner::BuiltProblem> problem = qgrad::runner::BuildProblem(
      spec.problem(), "", {.with_exact_reference = false, .limits = job});
  if (!problem.ok()) Fail("valid spec, problem fails", problem.status().ToString());
  absl::StatusOr<qgrad::runner::StartCircuit> start =
      qgrad::runner::BuildStart(spec.initial_state(), *problem, spec.seed(), job);
  if (!start.ok()) Fail("valid spec, start fails", start.status().ToString());
  if (start->circuit.num_qubits() != shape.num_qubits ||
      int64_t(start->circuit.gates().size()) > job.max_start_gates ||
      int(start->params.size()) < start->circuit.num_params()) {
    Fail("start circuit breaks the limits", spec.DebugString());
  }
  for (double p : start->params) {
    if (!std::isfinite(p)) Fail("non-finite start parameter", spec.DebugString());
  }
}

void Check(const qgrad::v1::JobSpec& spec) {
  // The server reads no files (it refuses fcidump_path), and neither may a fuzzer.
  if (spec.problem().molecule().has_fcidump_path()) return;
  const SpecLimits limits = ServerLimits();
  absl::StatusOr<qgrad::runner::JobShape> shape = qgrad::runner::ValidateJob(spec, "", limits);
  if (shape.ok()) {
    CheckAccepted(spec, *shape, limits);
  } else {
    CheckRefusal(shape.status());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in binary specs is routine here
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<qgrad::v1::JobSpec> json = qgrad::runner::ParseJobSpecJson(bytes);
  if (json.ok()) Check(*json);
  qgrad::v1::JobSpec binary;
  if (binary.ParseFromArray(data, int(size))) Check(binary);
  return 0;
}
