// Shadows-mode jobs through the device emulator (backends/emulator) and the REST adapter
// (backends/rest), from the repository root:
//
//   build/bench/device_bench noisy [--dialect=ionq] [--iterations=N] [--shots=N] [--seeds=S]
//       [--ensemble=clifford|pauli] [--shots_per_setting=K] [--rescale=on|off]
//       [--max_gates_per_layer=G]
//       Max-Cut on the paper's 4-node graph from the stalled QAOA start
//       (examples/maxcut_qaoa_shadows.json) on an emulated device with 1 % depolarizing
//       noise per two-qubit gate and 2 % readout error, without and with readout-error
//       mitigation, with the guided state's visibility rescaling on (default) or off:
//       approximation ratio, shots, wall time.
//   build/bench/device_bench overhead [--iterations=N]
//       The same job without noise on the local backend and through each REST dialect:
//       wall time per outer iteration and its ratio to the local backend's.
//
// Thread-safety: single-threaded driver (the emulator and the backends run threads).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "backends/emulator/emulator.h"
#include "backends/local/local_backend.h"
#include "backends/rest/rest_backend.h"
#include "google/protobuf/util/json_util.h"
#include "runner/runner.h"

namespace qgrad::bench {
namespace {

namespace emulator = backends::emulator;
namespace rest = backends::rest;

constexpr char kApiKey[] = "device-bench-key";
constexpr char kAwsKeyId[] = "AKIDDEVICEBENCH";
constexpr char kAwsSecret[] = "device-bench-secret";

struct Flags {
  std::string command;
  std::string dialect = "ionq";
  int iterations = 20;
  int64_t shots = 20'000;
  int seeds = 1;
  std::string ensemble = "clifford";
  int64_t shots_per_setting = 10;
  bool rescale = true;
  int max_gates_per_layer = 10;
};

emulator::EmulatorOptions DeviceOptions(bool noisy) {
  emulator::EmulatorOptions o;
  o.credentials.ionq_api_keys = {kApiKey};
  o.credentials.ibm_api_keys = {kApiKey};
  o.credentials.aws_keys = {{kAwsKeyId, kAwsSecret}};
  o.limits.max_programs = 100'000;
  o.timing.queue_latency = absl::Milliseconds(1);
  o.timing.workers = 2;
  o.log_requests = false;
  if (noisy) {
    o.noise.depolarizing_2q = 0.01;
    o.noise.readout = {0.02, 0.02};
  }
  return o;
}

rest::RestBackendOptions RestOptions(const emulator::Emulator& device, rest::DialectKind kind) {
  setenv("QGRAD_BENCH_API_KEY", kApiKey, 1);
  setenv("QGRAD_BENCH_AWS_KEY_ID", kAwsKeyId, 1);
  setenv("QGRAD_BENCH_AWS_SECRET", kAwsSecret, 1);
  rest::RestBackendOptions o;
  o.name = "device";
  o.dialect = kind;
  const std::string base = device.base_url();
  if (kind == rest::DialectKind::kIonq) {
    o.endpoints.base_url = base + "/v0.4";
    o.endpoints.device = "simulator";
    o.credentials.api_key = "env:QGRAD_BENCH_API_KEY";
    o.gate_set = backends::native::GateSet::kIonq;
  } else if (kind == rest::DialectKind::kBraket) {
    o.endpoints.base_url = base;
    o.endpoints.s3_url = base;
    o.endpoints.region = "us-east-1";
    o.endpoints.device = "arn:aws:braket:::device/quantum-simulator/amazon/sv1";
    o.endpoints.bucket = "bench";
    o.endpoints.prefix = "tasks";
    o.credentials.aws_access_key_id = "env:QGRAD_BENCH_AWS_KEY_ID";
    o.credentials.aws_secret_access_key = "env:QGRAD_BENCH_AWS_SECRET";
  } else {
    o.endpoints.base_url = base + "/api/v1";
    o.endpoints.iam_url = base;
    o.endpoints.device = "ibm_emulator";
    o.endpoints.service_crn = "crn:v1:device-bench";
    o.credentials.api_key = "env:QGRAD_BENCH_API_KEY";
    o.gate_set = backends::native::GateSet::kIbm;
  }
  o.max_programs = 100'000;
  o.poll_interval = absl::Milliseconds(2);
  o.max_poll_interval = absl::Milliseconds(20);
  o.rate_limit = 0;
  return o;
}

absl::StatusOr<v1::JobSpec> QaoaShadowsSpec(const Flags& flags, int seed, bool mitigate) {
  std::FILE* file = std::fopen("examples/maxcut_qaoa_shadows.json", "r");
  if (file == nullptr) return absl::NotFoundError("run from the repository root");
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
  std::fclose(file);
  v1::JobSpec spec;
  if (!google::protobuf::util::JsonStringToMessage(text, &spec).ok()) {
    return absl::InvalidArgumentError("examples/maxcut_qaoa_shadows.json does not parse");
  }
  spec.set_seed(seed);
  spec.mutable_method()->mutable_nested()->mutable_stop()->set_max_iterations(flags.iterations);
  spec.mutable_method()->mutable_nested()->set_max_gates_per_layer(flags.max_gates_per_layer);
  v1::ShadowEstimation& m = *spec.mutable_estimation()->mutable_shadows();
  m.set_shots_per_iteration(flags.shots);
  m.set_ensemble(flags.ensemble);
  m.set_shots_per_setting(flags.shots_per_setting);
  m.set_backend("device");
  m.mutable_readout_mitigation()->set_enabled(mitigate);
  m.set_rescale_visibility(flags.rescale);
  return spec;
}

struct Run {
  v1::JobResult result;
  double seconds = 0;
};

absl::StatusOr<Run> RunOn(std::shared_ptr<backends::Backend> backend, const v1::JobSpec& spec) {
  backends::Registry registry;
  if (absl::Status s = registry.Add(std::move(backend)); !s.ok()) return s;
  runner::RunOptions options;
  options.backends = &registry;
  options.on_iteration = [](const v1::IterationEvent& e) {
    std::fprintf(stderr,
                 "iteration %d: cost %.4f, guided %.4f, indicator %.4f, visibility %.3f, "
                 "fidelity %.4f of %.4f, %d gates added, %d two-qubit gates, %lld shots\n",
                 e.iteration(), e.cost(), e.guided_cost(), e.indicator(),
                 e.estimation().visibility(), e.fidelity(), e.fidelity_target(), e.layer_gates(),
                 e.two_qubit_gates(),
                 static_cast<long long>(e.estimation().shots()));
  };
  options.job_key = absl::StrCat("device-bench-", spec.seed(), "-",
                                 spec.estimation().shadows().readout_mitigation().enabled());
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<v1::JobResult> result = runner::RunJob(spec, options);
  if (!result.ok()) return result.status();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Run{*std::move(result), seconds};
}

absl::Status Noisy(const Flags& flags) {
  auto kind = rest::ParseDialectKind(flags.dialect);
  if (!kind.ok()) return kind.status();
  std::printf("| dialect | rescaling | mitigation | seed | iterations | total shots | ratio | wall |\n"
              "|---|---|---|---|---|---|---|---|\n");
  for (int seed = 1; seed <= flags.seeds; ++seed) {
    for (bool mitigate : {false, true}) {
      auto device = emulator::Emulator::Start(DeviceOptions(/*noisy=*/true));
      if (!device.ok()) return device.status();
      auto backend = rest::RestBackend::Create(RestOptions(**device, *kind));
      if (!backend.ok()) return backend.status();
      auto spec = QaoaShadowsSpec(flags, seed, mitigate);
      if (!spec.ok()) return spec.status();
      auto run = RunOn(std::shared_ptr<backends::Backend>(*std::move(backend)), *spec);
      if (!run.ok()) return run.status();
      std::printf("| %s | %s | %s | %d | %d | %lld | %.4f | %.1f s |\n", flags.dialect.c_str(),
                  flags.rescale ? "on" : "off", mitigate ? "on" : "off", seed, run->result.history_size(),
                  static_cast<long long>(run->result.estimation().shots()),
                  run->result.maxcut().approximation_ratio(), run->seconds);
      std::fflush(stdout);
    }
  }
  return absl::OkStatus();
}

absl::Status Overhead(const Flags& flags) {
  auto spec = QaoaShadowsSpec(flags, 1, /*mitigate=*/false);
  if (!spec.ok()) return spec.status();
  std::printf("| backend | iterations | programs | wall per iteration | ratio to local |\n"
              "|---|---|---|---|---|\n");
  backends::local::LocalBackendOptions local_options;
  local_options.name = "device";
  auto local = RunOn(std::make_shared<backends::local::LocalBackend>(local_options), *spec);
  if (!local.ok()) return local.status();
  const double local_per = local->seconds / std::max(1, local->result.history_size());
  std::printf("| local | %d | %lld | %.3f s | 1.00 |\n", local->result.history_size(),
              static_cast<long long>(local->result.estimation().circuits()), local_per);
  for (rest::DialectKind kind : {rest::DialectKind::kIonq, rest::DialectKind::kBraket,
                                 rest::DialectKind::kQiskitRuntime}) {
    auto device = emulator::Emulator::Start(DeviceOptions(/*noisy=*/false));
    if (!device.ok()) return device.status();
    auto backend = rest::RestBackend::Create(RestOptions(**device, kind));
    if (!backend.ok()) return backend.status();
    auto run = RunOn(std::shared_ptr<backends::Backend>(*std::move(backend)), *spec);
    if (!run.ok()) return run.status();
    const double per = run->seconds / std::max(1, run->result.history_size());
    std::printf("| %s (emulator) | %d | %lld | %.3f s | %.2f |\n", rest::DialectKindName(kind),
                run->result.history_size(),
                static_cast<long long>(run->result.estimation().circuits()), per,
                per / local_per);
    std::fflush(stdout);
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace qgrad::bench

int main(int argc, char** argv) {
  qgrad::bench::Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      const std::string prefix = absl::StrCat("--", name, "=");
      return absl::StartsWith(arg, prefix) ? argv[i] + prefix.size() : nullptr;
    };
    if (const char* v = value("dialect")) {
      flags.dialect = v;
    } else if (const char* v = value("iterations")) {
      flags.iterations = std::atoi(v);
    } else if (const char* v = value("shots")) {
      flags.shots = std::atoll(v);
    } else if (const char* v = value("seeds")) {
      flags.seeds = std::atoi(v);
    } else if (const char* v = value("ensemble")) {
      flags.ensemble = v;
    } else if (const char* v = value("shots_per_setting")) {
      flags.shots_per_setting = std::atoll(v);
    } else if (const char* v = value("max_gates_per_layer")) {
      flags.max_gates_per_layer = std::atoi(v);
    } else if (const char* v = value("rescale")) {
      flags.rescale = std::string(v) != "off";
    } else if (flags.command.empty() && arg[0] != '-') {
      flags.command = arg;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  absl::Status status;
  if (flags.command == "noisy") {
    status = qgrad::bench::Noisy(flags);
  } else if (flags.command == "overhead") {
    status = qgrad::bench::Overhead(flags);
  } else {
    std::fprintf(stderr, "usage: device_bench noisy|overhead [--dialect=D] [--iterations=N] "
                         "[--shots=N] [--seeds=S] [--ensemble=E] [--shots_per_setting=K] "
                         "[--rescale=on|off] [--max_gates_per_layer=G]\n");
    return 2;
  }
  if (!status.ok()) {
    std::fprintf(stderr, "device_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
