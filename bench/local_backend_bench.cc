// The local backend's text path at batch scale: one batch of 1,000 programs on 12 qubits
// × 1,000 shots, submitted and waited (acceptance figure: ≤ 2 s with 2 worker threads).
// Each program is a hardware-efficient-like circuit — 2 layers of ry/rz on every qubit
// and a cx chain, the 48 angles as `input float[64]` bound per program — followed by a
// random Pauli-basis measurement (h for X, sdg·h for Y, nothing for Z on each qubit).
//
//   OMP_NUM_THREADS=2 build/bench/local_backend_bench [--threads=2] [--programs=1000]
//       [--shots=1000] [--qubits=12] [--repetitions=5]
//
// Prints the submit (parse and check) time, the whole Submit+Wait time per repetition,
// and their minimum and median.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/local/local_backend.h"

namespace {

using qgrad::backends::Batch;
using qgrad::backends::Program;

constexpr int kLayers = 2;

std::string Ansatz(int qubits) {
  std::string text = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";
  for (int k = 0; k < 2 * kLayers * qubits; ++k) absl::StrAppend(&text, "input float[64] theta_", k, ";\n");
  absl::StrAppend(&text, "qubit[", qubits, "] q;\nbit[", qubits, "] c;\n");
  int angle = 0;
  for (int layer = 0; layer < kLayers; ++layer) {
    for (int q = 0; q < qubits; ++q) absl::StrAppend(&text, "ry(theta_", angle++, ") q[", q, "];\n");
    for (int q = 0; q < qubits; ++q) absl::StrAppend(&text, "rz(theta_", angle++, ") q[", q, "];\n");
    for (int q = 0; q + 1 < qubits; ++q) absl::StrAppend(&text, "cx q[", q, "], q[", q + 1, "];\n");
  }
  return text;
}

Batch MakeBatch(int programs, int qubits, int64_t shots) {
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> angle(-3.14159, 3.14159);
  const std::string ansatz = Ansatz(qubits);
  Batch batch;
  batch.seed = 1;
  for (int p = 0; p < programs; ++p) {
    Program program;
    program.qasm = ansatz;
    for (int q = 0; q < qubits; ++q) {
      switch (rng() % 3) {
        case 0: absl::StrAppend(&program.qasm, "h q[", q, "];\n"); break;
        case 1: absl::StrAppend(&program.qasm, "sdg q[", q, "];\nh q[", q, "];\n"); break;
        default: break;
      }
    }
    absl::StrAppend(&program.qasm, "c = measure q;\n");
    for (int k = 0; k < 2 * kLayers * qubits; ++k) {
      program.inputs[absl::StrCat("theta_", k)] = angle(rng);
    }
    program.shots = shots;
    batch.programs.push_back(std::move(program));
  }
  return batch;
}

long Flag(int argc, char** argv, const char* name, long fallback) {
  const std::string prefix = absl::StrCat("--", name, "=");
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) {
      return std::atol(argv[i] + prefix.size());
    }
  }
  return fallback;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = int(Flag(argc, argv, "threads", 2));
  const int programs = int(Flag(argc, argv, "programs", 1000));
  const int64_t shots = Flag(argc, argv, "shots", 1000);
  const int qubits = int(Flag(argc, argv, "qubits", 12));
  const int repetitions = int(Flag(argc, argv, "repetitions", 5));

  qgrad::backends::local::LocalBackendOptions options;
  options.threads = threads;
  options.limits.max_qubits = std::max(qubits, 24);
  qgrad::backends::local::LocalBackend backend(options);
  const Batch batch = MakeBatch(programs, qubits, shots);
  std::printf("local backend: %d programs x %d qubits x %lld shots, %d worker thread(s)\n",
              programs, qubits, (long long)shots, threads);

  std::vector<double> totals;
  std::vector<double> submits;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    auto handle = backend.Submit(batch);
    const auto submitted = std::chrono::steady_clock::now();
    if (!handle.ok()) {
      std::fprintf(stderr, "submit: %s\n", handle.status().ToString().c_str());
      return 1;
    }
    auto result = (*handle)->Wait(absl::InfiniteFuture());
    const auto end = std::chrono::steady_clock::now();
    if (!result.ok()) {
      std::fprintf(stderr, "wait: %s\n", result.status().ToString().c_str());
      return 1;
    }
    submits.push_back(Seconds(submitted - start));
    totals.push_back(Seconds(end - start));
    std::printf("  repetition %d: submit %.3f s, submit+wait %.3f s\n", r, submits.back(),
                totals.back());
  }
  std::sort(totals.begin(), totals.end());
  std::sort(submits.begin(), submits.end());
  std::printf("submit+wait: min %.3f s, median %.3f s (submit alone: median %.3f s)\n",
              totals.front(), totals[totals.size() / 2], submits[submits.size() / 2]);
  return 0;
}
