// Acceptance test on the paper's 4-qubit Max-Cut instance (reference/paper_results.md):
// the four fixed ansätze pre-trained by COBYLA until they stall, then the nested optimizer
// with greedy learned layers (η = 0.25, synthesis target max(1 − I_t/10, 0.9999)) must reach
// ⟨H_c⟩ ≤ −1.999 within 20 outer iterations from every start. Prints the measured numbers.
// Thread-safety: single-threaded tests.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "optimizer/nested.h"
#include "optimizer/paper_ansatz.h"
#include "problems/maxcut.h"

namespace qgrad::optimizer {
namespace {

struct PaperStart {
  std::string name;
  Circuit ansatz;
  std::vector<double> start;  // COBYLA's start point
  double paper_stalled;       // the table's stalled ⟨H_c⟩
};

std::vector<PaperStart> Starts() {
  const Graph g = PaperMaxCutGraph();
  return {
      {"QAOA p=1", test::QaoaP1(g), {0.0, 0.0}, -1.4270},
      {"rotational QAOA", test::RotationalQaoa(g), {1.0, 0.5, 0.5}, -0.2611},
      {"hardware-efficient", test::HardwareEfficient(), {0.3, 0.3, 0.3, 0.3}, -1.0000},
      {"QCBM", test::Qcbm(), std::vector<double>(6, 0.0), 0.0000},
  };
}

NestedOptions PaperOptions() {
  NestedOptions options;
  options.step = {StepSize::Mode::kAbsolute, 0.25};
  options.fidelity_target.indicator_fraction = 0.1;
  options.fidelity_target.floor = 0.9999;
  options.stop.max_iterations = 20;
  options.stop.indicator_threshold = 1e-10;
  LocalMinimizerOptions cobyla;
  cobyla.algorithm = LocalMinimizerOptions::Algorithm::kCobyla;
  cobyla.ftol_rel = 1e-8;
  cobyla.ftol_abs = 1e-12;
  cobyla.max_evaluations = 400;
  options.warm_start = cobyla;
  return options;
}

TEST(PaperMaxCutTest, LearnedLayersReachTheGroundEnergyFromEveryStalledStart) {
  const Cost cost = Cost::Observable(MaxCutHamiltonian(PaperMaxCutGraph()).value()).value();
  const sv::Simulator simulator;
  for (const PaperStart& s : Starts()) {
    SCOPED_TRACE(s.name);
    const auto begin = std::chrono::steady_clock::now();
    double min_fidelity = 1.0;
    int reached_at = -1;
    auto on_iteration = [&](const IterationEvent& e) {
      min_fidelity = std::min(min_fidelity, e.fidelity);
    };
    auto result = RunNested(simulator, cost, s.ansatz, s.start, PaperOptions(),
                            {.on_iteration = on_iteration});
    ASSERT_TRUE(result.ok()) << result.status();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    EXPECT_NEAR(result->warm_start_cost, s.paper_stalled, 1e-3);
    EXPECT_LE(result->final_cost, -1.999);
    EXPECT_GE(min_fidelity, 0.9999);
    for (size_t t = 0; t + 1 < result->history.size() && reached_at < 0; ++t) {
      if (result->history[t + 1].cost <= -1.999) reached_at = int(t) + 1;
    }
    std::printf("[ paper    ] %-18s stalled %.4f (paper %.4f) -> final %.6f after %zu layers "
                "(<= -1.999 after %d), min F %.6f, %d params, %d 2q gates, %s, %.3f s\n",
                s.name.c_str(), result->warm_start_cost, s.paper_stalled, result->final_cost,
                result->history.size(), reached_at < 0 ? int(result->history.size()) : reached_at,
                min_fidelity, int(result->params.size()), result->two_qubit_gates,
                std::string(StopReasonName(result->stop_reason)).c_str(), seconds);
  }
}

}  // namespace
}  // namespace qgrad::optimizer
