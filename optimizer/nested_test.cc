// Tests for the outer loop: layer appending, fidelity-target rules, each stopping rule,
// step-size shrinking, warm start, hand-back, progress events, determinism, a polynomial
// (degree-4) run, and the INVALID_ARGUMENT paths.
// Thread-safety: single-threaded tests.
#include "optimizer/nested.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "optimizer/paper_ansatz.h"
#include "optimizer/test_util.h"
#include "problems/maxcut.h"
#include "problems/models.h"
#include "problems/polynomial.h"

namespace qgrad::optimizer {
namespace {

using ::testing::HasSubstr;

Cost MaxCut() { return Cost::Observable(MaxCutHamiltonian(PaperMaxCutGraph()).value()).value(); }

NestedOptions Quick(int iterations) {
  NestedOptions options;
  options.stop.max_iterations = iterations;
  return options;
}

TEST(NestedTest, AppendLayerRenumbersParameters) {
  Circuit circuit(2);
  ASSERT_TRUE(circuit.Add(GateKind::kRX, {0}, {Angle::Param(0)}).ok());
  std::vector<double> params = {0.5};
  Circuit layer(2);
  ASSERT_TRUE(layer.Add(GateKind::kRY, {1}, {Angle::Param(1, 2.0)}).ok());
  ASSERT_TRUE(layer.Add(GateKind::kRZ, {0}, {Angle::Param(0)}).ok());
  ASSERT_TRUE(AppendLayer(layer, std::vector<double>{0.1, 0.2}, circuit, params).ok());
  ASSERT_EQ(circuit.gates().size(), 3u);
  EXPECT_EQ(circuit.gates()[1].angles[0].index, 2);
  EXPECT_EQ(circuit.gates()[1].angles[0].scale, 2.0);
  EXPECT_EQ(circuit.gates()[2].angles[0].index, 1);
  EXPECT_EQ(params, (std::vector<double>{0.5, 0.1, 0.2}));
  EXPECT_EQ(circuit.num_params(), 3);
}

TEST(NestedTest, FidelityTargetRules) {
  EXPECT_DOUBLE_EQ(FidelityTarget({}, 0.2), 0.98);
  FidelityTargetRule lih{0.0, 1.0 / 3, 0.999, 1.0};  // max(1 − (1 − F₀)/3, 0.999)
  EXPECT_DOUBLE_EQ(FidelityTarget(lih, 0.3), 0.999);
  EXPECT_DOUBLE_EQ(FidelityTarget(lih, 0.0003), 0.9999);
  EXPECT_DOUBLE_EQ(FidelityTarget({0.0, 0.1, 0.0, 0.99}, 0.01), 0.99);  // ceiling
  EXPECT_DOUBLE_EQ(FidelityTarget({0.99, 0.1, 0.0, 1.0}, 0.5), 0.99);
  // A fixed target already met at θ = 0 (F₀ = 1 − I_t ≥ 0.99) is lifted above F₀.
  EXPECT_DOUBLE_EQ(FidelityTarget({0.99, 0.1, 0.0, 1.0}, 1e-4), 1.0 - 1e-5);
  EXPECT_GT(FidelityTarget({0.999, 0.1, 0.0, 1.0}, 1e-4), 1.0 - 1e-4);
}

TEST(NestedTest, TheFixedRuleIsItsValueAtEveryIndicator) {
  const FidelityTargetRule fixed{0.99, 0.1, 0.5, 0.9, FidelityTargetRule::Mode::kFixed};
  for (double indicator : {0.5, 0.2, 1e-4, 0.0}) EXPECT_EQ(FidelityTarget(fixed, indicator), 0.99);
}

TEST(NestedTest, AFixedTargetIsUsedUntilTheCircuitAlreadyMeetsIt) {
  const Circuit start = test::HardwareEfficient();
  const std::vector<double> x0 = {0.3, 0.5, -0.6, -0.2};
  NestedOptions options = Quick(40);
  options.fidelity_target = {0.999, 0.1, 0.0, 1.0, FidelityTargetRule::Mode::kFixed};
  auto result = RunNested(sv::Simulator(), MaxCut(), start, x0, options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_FALSE(result->history.empty());
  for (const IterationEvent& e : result->history) {
    EXPECT_EQ(e.fidelity_target, 0.999);
    EXPECT_GT(e.indicator, 1.0 - 0.999);  // F₀ = 1 − I_t was below the target
  }
  // The adaptive rule would have asked for 1 − I_t/10 > 0.999 here; the fixed one is met by
  // the identity layer, which defines the end of the run.
  EXPECT_EQ(result->stop_reason, StopReason::kFidelityTargetMet);
  EXPECT_EQ(StopReasonName(result->stop_reason), "fidelity_target_met");
  EXPECT_LE(result->final_indicator, 1.0 - 0.999);
}

TEST(NestedTest, AFixedTargetMetAtTheStartStopsBeforeAnyLayer) {
  const Circuit start = test::HardwareEfficient();
  const std::vector<double> x0 = {0.3, 0.5, -0.6, -0.2};
  NestedOptions options = Quick(5);
  options.fidelity_target = {0.01, 0.1, 0.0, 1.0, FidelityTargetRule::Mode::kFixed};
  auto result = RunNested(sv::Simulator(), MaxCut(), start, x0, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stop_reason, StopReason::kFidelityTargetMet);
  EXPECT_TRUE(result->history.empty());
  EXPECT_EQ(result->params, x0);
  EXPECT_GT(result->final_indicator, 0.0);  // not converged: the rule cannot resolve the step
}

TEST(NestedTest, ConvergesAtOnceOnAnEigenstate) {
  Circuit circuit(2);
  ASSERT_TRUE(circuit.Add(GateKind::kX, {0}).ok());
  const Cost cost = Cost::Observable(PauliSum::Parse("Z0 + 0.5 Z0 Z1").value()).value();
  int events = 0;
  auto result = RunNested(sv::Simulator(), cost, circuit, {}, Quick(5),
                          {.on_iteration = [&](const IterationEvent&) { ++events; }});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stop_reason, StopReason::kConverged);
  EXPECT_EQ(events, 0);
  EXPECT_NEAR(result->final_cost, -1.5, 1e-14);
  EXPECT_NEAR(result->final_indicator, 0.0, 1e-20);
}

TEST(NestedTest, EachStoppingRuleStopsTheRun) {
  const Circuit start = test::HardwareEfficient();
  const std::vector<double> x0 = {0.3, 0.5, -0.6, -0.2};
  const sv::Simulator simulator;
  struct Case {
    NestedOptions options;
    StopReason reason;
    size_t events;
  };
  std::vector<Case> cases(5, {Quick(3), StopReason::kMaxIterations, 3});
  cases[1].options.stop.max_layers = 1;
  cases[1].reason = StopReason::kMaxLayers;
  cases[1].events = 1;
  cases[2].options.stop.max_added_two_qubit_gates = 0;
  cases[2].reason = StopReason::kTwoQubitBudget;
  cases[2].events = 1;
  cases[3].options.stop.max_seconds = 1e-9;
  cases[3].reason = StopReason::kWallClock;
  cases[3].events = 1;
  cases[4].options.stop.max_added_cnot_count = 1;  // one 2-qubit rotation costs 2
  cases[4].reason = StopReason::kTwoQubitBudget;
  cases[4].events = 1;
  for (const Case& c : cases) {
    auto result = RunNested(simulator, MaxCut(), start, x0, c.options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->stop_reason, c.reason) << StopReasonName(c.reason);
    EXPECT_EQ(result->history.size(), c.events) << StopReasonName(c.reason);
    EXPECT_EQ(result->layers, int(c.events));
  }
}

TEST(NestedTest, EventsDescribeEveryIteration) {
  std::vector<IterationEvent> events;
  const Circuit start = test::HardwareEfficient();
  auto result = RunNested(sv::Simulator(), MaxCut(), start, {0.3, 0.5, -0.6, -0.2}, Quick(4),
                          {.on_iteration = [&](const IterationEvent& e) { events.push_back(e); }});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(events.size(), 4u);
  for (size_t t = 0; t < events.size(); ++t) {
    const IterationEvent& e = events[t];
    EXPECT_EQ(e.iteration, int(t));
    EXPECT_EQ(e.layers, int(t) + 1);
    EXPECT_EQ(e.eta, 0.25);
    EXPECT_GE(e.fidelity, e.fidelity_target);
    EXPECT_LT(e.guided_cost, e.cost);
    EXPECT_GT(e.indicator, 0.0);
    if (t > 0) {
      EXPECT_LT(e.cost, events[t - 1].cost);
      EXPECT_GT(e.num_params, events[t - 1].num_params);
      EXPECT_GE(e.elapsed_seconds, events[t - 1].elapsed_seconds);
    }
  }
  EXPECT_EQ(events.back().num_params, int(result->params.size()));
  EXPECT_EQ(events.back().two_qubit_gates, result->two_qubit_gates);
  EXPECT_EQ(result->history.size(), events.size());
}

TEST(NestedTest, StepControlShrinksAStepThatRaisesTheCost) {
  // H = Z0 + 3: eigenvalues 4 (|0⟩) and 2 (|1⟩). With η = 1 the factor |1 − ηλ| boosts the
  // higher level (3 vs 1); η = 0.5 still does (1 vs 0); η = 0.25 lowers the cost (0 vs 0.5).
  Circuit circuit(1);
  ASSERT_TRUE(circuit.Add(GateKind::kRY, {0}, {Angle::Param(0)}).ok());
  const Cost cost = Cost::Observable(PauliSum::Parse("Z0 + 3").value()).value();
  NestedOptions options = Quick(1);
  options.step = {StepSize::Mode::kAbsolute, 1.0};
  auto controlled = RunNested(sv::Simulator(), cost, circuit, {1.0}, options);
  ASSERT_TRUE(controlled.ok()) << controlled.status();
  ASSERT_EQ(controlled->history.size(), 1u);
  EXPECT_DOUBLE_EQ(controlled->history[0].eta, 0.25);
  EXPECT_LT(controlled->history[0].guided_cost, controlled->history[0].cost);

  // Without shrinks the uphill step is refused, not followed.
  options.step_control.max_shrinks = 0;
  auto raw = RunNested(sv::Simulator(), cost, circuit, {1.0}, options);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->stop_reason, StopReason::kNoDescent);
  EXPECT_EQ(StopReasonName(raw->stop_reason), "no_descent");
  EXPECT_TRUE(raw->history.empty());
  EXPECT_EQ(raw->layers, 0);
  EXPECT_DOUBLE_EQ(raw->final_cost, raw->start_cost);
}

// Random Hermitian costs on 4 qubits from random product states, with steps far too long
// for one-gate layers: the layers often overshoot. Each such layer must be refused (η
// shrunk, the layer learned again), so that the cost never rises and every run ends at or
// below its start.
TEST(NestedTest, LayersThatWouldRaiseTheCostAreRefused) {
  std::mt19937_64 rng(11);
  int refused = 0;
  for (int trial = 0; trial < 12; ++trial) {
    const Cost cost = Cost::Observable(test::RandomHermitian(4, 12, rng)).value();
    Circuit start(4);
    std::vector<double> params;
    std::uniform_real_distribution<double> angle(-3.0, 3.0);
    for (int q = 0; q < 4; ++q) {
      ASSERT_TRUE(start.Add(GateKind::kRY, {q}, {Angle::Fixed(angle(rng))}).ok());
      ASSERT_TRUE(start.Add(GateKind::kRZ, {q}, {Angle::Fixed(angle(rng))}).ok());
    }
    NestedOptions options = Quick(8);
    options.step = {StepSize::Mode::kAbsolute, 20.0, /*centered=*/true};
    options.synthesis.max_gates = 1;
    options.step_control.max_shrinks = 3;
    auto run = RunNested(sv::Simulator(), cost, start, params, options);
    ASSERT_TRUE(run.ok()) << run.status();
    double previous = run->start_cost;
    for (const IterationEvent& e : run->history) {
      EXPECT_LE(e.cost, previous + 1e-12) << "trial " << trial << " iteration " << e.iteration;
      previous = e.cost;
      refused += e.refused_layers;
    }
    EXPECT_LE(run->final_cost, previous + 1e-12) << "trial " << trial;
    EXPECT_LE(run->final_cost, run->start_cost + 1e-12) << "trial " << trial;
  }
  EXPECT_GT(refused, 0) << "no layer overshot: the test does not exercise the refusal";
}

TEST(NestedTest, AShrunkCenteredStepStaysCentered) {
  // RY(2.5)|0⟩ on H = Z0 + 3: ⟨Z⟩ = cos 2.5, and the distribution of Z is skewed so that a
  // long centered step overshoots towards |0⟩; the shrunk step must still be centered, i.e.
  // its indicator is η²Var/(1 + η²Var) (the plain step would give another value).
  Circuit circuit(1);
  ASSERT_TRUE(circuit.Add(GateKind::kRY, {0}, {Angle::Param(0)}).ok());
  const Cost cost = Cost::Observable(PauliSum::Parse("Z0 + 3").value()).value();
  NestedOptions options = Quick(1);
  options.step = {StepSize::Mode::kAbsolute, 10.0, /*centered=*/true};
  auto run = RunNested(sv::Simulator(), cost, circuit, {2.5}, options);
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->history.size(), 1u);
  const IterationEvent& e = run->history[0];
  EXPECT_LT(e.eta, 10.0);
  EXPECT_LT(e.guided_cost, e.cost);
  const double mean = std::cos(2.5), var = 1 - mean * mean;
  EXPECT_NEAR(e.indicator, e.eta * e.eta * var / (1 + e.eta * e.eta * var), 1e-12);
}

// The coupling-graph pool keeps every two-qubit gate on an edge of the graph; the same run
// with all pairs uses the ring's closing pair (0, 3), which the line graph lacks.
TEST(NestedTest, CouplingGraphPoolPlacesGatesOnItsEdges) {
  const Cost cost =
      Cost::Observable(TransverseFieldIsing(4, 1.0, 0.7, /*periodic=*/true).value()).value();
  const Coupling line = {{0, 1}, {1, 2}, {2, 3}};
  auto on_line = [&](const Gate& gate) {
    const std::vector<int> q = gate.AllQubits();
    if (q.size() != 2) return true;
    for (const auto& [a, b] : line) {
      if ((q[0] == a && q[1] == b) || (q[0] == b && q[1] == a)) return true;
    }
    return false;
  };
  Circuit plus(4);
  for (int q = 0; q < 4; ++q) ASSERT_TRUE(plus.Add(GateKind::kH, {q}).ok());
  NestedOptions options = Quick(4);
  options.step = {StepSize::Mode::kRelativeOneNorm, 0.5};
  auto all_pairs = RunNested(sv::Simulator(), cost, plus, {}, options);
  ASSERT_TRUE(all_pairs.ok()) << all_pairs.status();
  options.synthesis.pool = PoolKind::kCouplingGraph;
  options.synthesis.coupling = line;
  auto coupled = RunNested(sv::Simulator(), cost, plus, {}, options);
  ASSERT_TRUE(coupled.ok()) << coupled.status();
  ASSERT_GT(coupled->two_qubit_gates, 0);
  EXPECT_LT(coupled->final_cost, coupled->start_cost - 0.2);
  for (const Gate& gate : coupled->circuit.gates()) EXPECT_TRUE(on_line(gate));
  int off_line = 0;
  for (const Gate& gate : all_pairs->circuit.gates()) off_line += on_line(gate) ? 0 : 1;
  EXPECT_GT(off_line, 0);
}

TEST(NestedTest, WarmStartAndHandBackLowerTheCost) {
  const Circuit start = test::HardwareEfficient();
  const std::vector<double> x0 = {0.9, -0.4, 0.2, 0.7};
  NestedOptions options = Quick(2);
  options.warm_start = LocalMinimizerOptions();  // L-BFGS until it stalls
  std::vector<WarmStartProgress> progress;
  auto plain = RunNested(sv::Simulator(), MaxCut(), start, x0, options,
                         {.on_warm_start = [&](const WarmStartProgress& p) {
                           progress.push_back(p);
                         }});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_LT(plain->warm_start_cost, plain->start_cost - 0.1);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().evaluations, int(progress.size()));
  EXPECT_EQ(progress.back().max_evaluations, LocalMinimizerOptions().max_evaluations);
  EXPECT_EQ(progress.back().best_cost, plain->warm_start_cost);
  EXPECT_NEAR(plain->warm_start_cost, -1.0, 1e-6);  // the stalled value of this ansatz

  for (HandBack mode : {HandBack::kAtEnd, HandBack::kEveryIteration}) {
    options.hand_back = mode;
    auto handed = RunNested(sv::Simulator(), MaxCut(), start, x0, options);
    ASSERT_TRUE(handed.ok()) << handed.status();
    EXPECT_LT(handed->final_cost, plain->final_cost - 1e-6);
    EXPECT_EQ(handed->hand_backs, mode == HandBack::kAtEnd ? 1 : handed->layers)
        << StopReasonName(handed->stop_reason) << " after " << handed->layers << " layers, "
        << handed->final_cost;
  }
}

TEST(NestedTest, HandBackWhenFavourableFollowsTheGradientRatio) {
  const Circuit start = test::HardwareEfficient();
  const std::vector<double> x0 = {0.9, -0.4, 0.2, 0.7};  // not stalled: |∂f/∂θ| is large
  NestedOptions options = Quick(2);
  auto plain = RunNested(sv::Simulator(), MaxCut(), start, x0, options);
  ASSERT_TRUE(plain.ok()) << plain.status();
  options.hand_back = HandBack::kWhenFavourable;
  options.hand_back_ratio = 1e6;  // never favourable: the same run as without hand-back
  auto never = RunNested(sv::Simulator(), MaxCut(), start, x0, options);
  ASSERT_TRUE(never.ok());
  EXPECT_EQ(never->hand_backs, 0);
  EXPECT_EQ(never->params, plain->params);

  options.hand_back_ratio = 0.05;
  std::vector<IterationEvent> events;
  auto favourable =
      RunNested(sv::Simulator(), MaxCut(), start, x0, options,
                {.on_iteration = [&](const IterationEvent& e) { events.push_back(e); }});
  ASSERT_TRUE(favourable.ok());
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events[0].handed_back);  // the first iteration re-trains the start ansatz
  EXPECT_GE(favourable->hand_backs, 1);
  EXPECT_NEAR(events[0].cost, -1.0, 1e-6);  // the stalled value, reached by the hand-back
}

TEST(NestedTest, TemplateLayersWithARelativeStepDescend) {
  NestedOptions options = Quick(3);
  options.synthesis.kind = LayerKind::kTemplate;
  options.synthesis.coupling = {{0, 1}, {1, 2}, {2, 3}, {1, 3}};
  options.step = {StepSize::Mode::kRelativeOneNorm, 0.5};
  auto result = RunNested(sv::Simulator(), MaxCut(), test::HardwareEfficient(),
                          {0.0, 0.0, 0.0, 0.0}, options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->history.size(), 3u);
  for (const IterationEvent& e : result->history) {
    EXPECT_DOUBLE_EQ(e.eta, 0.5 / 4.0);  // ‖H_c‖₁ = 4
    EXPECT_GE(e.fidelity, e.fidelity_target);
  }
  EXPECT_LT(result->final_cost, result->history.back().cost);
  EXPECT_LT(result->history.back().cost, result->history.front().cost);
}

// Delegates to the exact estimator and counts calls: the loop must use what it is given.
class CountingEstimator : public GradientStateEstimator {
 public:
  CountingEstimator(const sv::Simulator* simulator, Cost cost) : exact_(simulator, cost) {}
  int calls() const { return calls_; }
  absl::StatusOr<GradientStateEstimate> Estimate(const Circuit& circuit,
                                                 absl::Span<const double> params,
                                                 const StepSize& step) override {
    ++calls_;
    return exact_.Estimate(circuit, params, step);
  }

 private:
  ExactGradientStateEstimator exact_;
  int calls_ = 0;
};

TEST(NestedTest, UsesTheGivenEstimator) {
  const sv::Simulator simulator;
  CountingEstimator counting(&simulator, MaxCut());
  auto result = RunNested(simulator, MaxCut(), test::HardwareEfficient(), {0.3, 0.5, -0.6, -0.2},
                          Quick(3), {}, &counting);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(counting.calls(), 3 + 1);  // one per iteration (no shrinking needed) + final
}

TEST(NestedTest, ResumingFromACheckpointEndsLikeTheUninterruptedRun) {
  const Circuit start = test::QaoaP1(PaperMaxCutGraph());
  for (HandBack mode : {HandBack::kNever, HandBack::kWhenFavourable}) {
    NestedOptions options = Quick(5);
    options.warm_start = LocalMinimizerOptions();
    options.hand_back = mode;
    std::vector<NestedResult> checkpoints;
    auto straight =
        RunNested(sv::Simulator(), MaxCut(), start, {0.3, -0.3}, options,
                  {.on_checkpoint = [&](const NestedResult& r) { checkpoints.push_back(r); }});
    ASSERT_TRUE(straight.ok()) << straight.status();
    ASSERT_GE(checkpoints.size(), 2u);
    ASSERT_EQ(checkpoints.size(), straight->history.size());
    const NestedResult& saved = checkpoints[checkpoints.size() / 2 - 1];
    EXPECT_EQ(saved.params.size(), size_t(saved.circuit.num_params()));

    int resumed_events = 0;
    int warm_start_reports = 0;  // a resumed run repeats no warm start
    auto resumed = ResumeNested(
        sv::Simulator(), MaxCut(), saved, options,
        {.on_iteration = [&](const IterationEvent&) { ++resumed_events; },
         .on_warm_start = [&](const WarmStartProgress&) { ++warm_start_reports; }});
    ASSERT_TRUE(resumed.ok()) << resumed.status();
    EXPECT_EQ(resumed_events, int(checkpoints.size() - saved.history.size()));
    EXPECT_EQ(warm_start_reports, 0);
    EXPECT_EQ(resumed->params, straight->params);
    EXPECT_EQ(resumed->final_cost, straight->final_cost);
    EXPECT_EQ(resumed->stop_reason, straight->stop_reason);
    EXPECT_EQ(resumed->layers, straight->layers);
    EXPECT_EQ(resumed->hand_backs, straight->hand_backs);
    EXPECT_EQ(resumed->added_two_qubit_gates, straight->added_two_qubit_gates);
    EXPECT_EQ(resumed->warm_start_cost, straight->warm_start_cost);
    ASSERT_EQ(resumed->history.size(), straight->history.size());
    EXPECT_EQ(resumed->history.back().iteration, straight->history.back().iteration);
  }
}

TEST(NestedTest, AStopRequestEndsTheRunWithinOneInnerStepAndTheCheckpointResumes) {
  const Circuit start = test::QaoaP1(PaperMaxCutGraph());
  NestedOptions options = Quick(5);
  auto straight = RunNested(sv::Simulator(), MaxCut(), start, {0.3, -0.3}, options);
  ASSERT_TRUE(straight.ok()) << straight.status();
  ASSERT_GE(straight->history.size(), 3u);

  // Stop as soon as the second checkpoint exists: the next poll must end the run.
  std::vector<NestedResult> checkpoints;
  int polls_after_stop = 0;
  auto stopped = RunNested(
      sv::Simulator(), MaxCut(), start, {0.3, -0.3}, options,
      {.on_checkpoint = [&](const NestedResult& r) { checkpoints.push_back(r); },
       .should_stop = [&] {
         if (checkpoints.size() < 2) return false;
         ++polls_after_stop;
         return true;
       }});
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(polls_after_stop, 1);
  ASSERT_EQ(checkpoints.size(), 2u);

  auto resumed = ResumeNested(sv::Simulator(), MaxCut(), checkpoints.back(), options);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->params, straight->params);
  EXPECT_EQ(resumed->final_cost, straight->final_cost);
}

TEST(NestedTest, AStopRequestReachesTheLocalMinimizer) {
  int evaluations = 0;
  LocalMinimizerOptions options;
  options.should_stop = [&] { return evaluations >= 3; };
  // Rosenbrock's function: L-BFGS needs many more than 3 evaluations.
  auto best = Minimize(
      [&](absl::Span<const double> x, absl::Span<double> g) -> absl::StatusOr<double> {
        ++evaluations;
        const double a = 1 - x[0], b = x[1] - x[0] * x[0];
        if (!g.empty()) {
          g[0] = -2 * a - 400 * x[0] * b;
          g[1] = 200 * b;
        }
        return a * a + 100 * b * b;
      },
      {-1.2, 1.0}, options);
  EXPECT_EQ(best.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(evaluations, 3);
}

TEST(NestedTest, DeterministicForTheSameInputs) {
  const Circuit start = test::QaoaP1(PaperMaxCutGraph());
  auto a = RunNested(sv::Simulator(), MaxCut(), start, {0.3, -0.3}, Quick(3));
  auto b = RunNested(sv::Simulator(), MaxCut(), start, {0.3, -0.3}, Quick(3));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->params, b->params);
  EXPECT_EQ(a->final_cost, b->final_cost);
}

// A 2-qubit Householder reflection mapping |00⟩ to the normalized real vector x.
Circuit Prepare(std::vector<double> x) {
  double norm = 0;
  for (double v : x) norm += v * v;
  for (double& v : x) v /= std::sqrt(norm);
  std::vector<double> v = x;
  v[0] -= 1.0;
  double vv = 0;
  for (double e : v) vv += e * e;
  Gate gate;
  gate.kind = GateKind::kUnitary;
  gate.qubits = {0, 1};
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) gate.matrix.push_back((r == c ? 1.0 : 0.0) - 2 * v[r] * v[c] / vv);
  Circuit circuit(2);
  EXPECT_TRUE(circuit.Append(gate).ok());
  return circuit;
}

TEST(NestedTest, QuarticPolynomialFromANearAxisStartReachesItsMinimum) {
  // The paper's start t = 0: (1, 1.3, 0, 0), η = 0.2, 10 iterations → f_paper ≈ 0.
  const Cost cost = Cost::Polynomial(PaperQuarticPolynomial(/*include_y=*/true));
  NestedOptions options = Quick(10);
  options.step = {StepSize::Mode::kAbsolute, 0.2};
  options.stop.indicator_threshold = 1e-12;
  auto result = RunNested(sv::Simulator(), cost, Prepare({1, 1.3, 0, 0}), {}, options);
  ASSERT_TRUE(result.ok()) << result.status();
  sv::StateVector psi = sv::StateVector::Create(2).value();
  ASSERT_TRUE(sv::Simulator().Run(result->circuit, result->params, psi).ok());
  const double f_paper = PaperNormalizedCost(result->final_cost, psi.data()[0]);
  std::printf("[ quartic  ] start f %.4f -> f %.6f (paper-normalized %.6f) after %d layers\n",
              result->start_cost, result->final_cost, f_paper, result->layers);
  EXPECT_LT(f_paper, 1e-3);
  for (const IterationEvent& e : result->history) EXPECT_LE(e.guided_cost, e.cost);
}

TEST(NestedTest, RejectsBadSettingsNamingTheField) {
  const Circuit start = test::HardwareEfficient();
  const std::vector<double> x0(4, 0.1);
  auto expect_field = [&](const Cost& cost, const Circuit& circuit,
                          const std::vector<double>& params, const NestedOptions& options,
                          const char* field) {
    auto r = RunNested(sv::Simulator(), cost, circuit, params, options);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(r.status().message(), HasSubstr(field));
  };
  NestedOptions zero_step = Quick(1);
  zero_step.step.value = 0.0;
  expect_field(MaxCut(), start, x0, zero_step, "step_size");
  NestedOptions coupling = Quick(1);
  coupling.synthesis.pool = PoolKind::kCouplingGraph;
  expect_field(MaxCut(), start, x0, coupling, "coupling_graph");
  NestedOptions unknown_pool = Quick(1);
  unknown_pool.synthesis.pool = static_cast<PoolKind>(9);
  expect_field(MaxCut(), start, x0, unknown_pool, "pool");
  NestedOptions target = Quick(1);
  target.fidelity_target.fixed = 1.5;
  expect_field(MaxCut(), start, x0, target, "fidelity_target");
  NestedOptions fixed_without_value = Quick(1);
  fixed_without_value.fidelity_target.mode = FidelityTargetRule::Mode::kFixed;
  expect_field(MaxCut(), start, x0, fixed_without_value, "fidelity_target");
  NestedOptions warm_step = Quick(1);
  warm_step.warm_start = LocalMinimizerOptions();
  warm_step.warm_start->algorithm = LocalMinimizerOptions::Algorithm::kCobyla;
  warm_step.warm_start->initial_step = 0.0;
  expect_field(MaxCut(), start, x0, warm_step, "warm_start.initial_step");
  NestedOptions ratio = Quick(1);
  ratio.hand_back_ratio = -1.0;
  expect_field(MaxCut(), start, x0, ratio, "hand_back_ratio");
  expect_field(MaxCut(), Circuit(3), {}, Quick(1), "num_qubits");
  expect_field(Cost::Polynomial(PaperQuarticPolynomial(false)), start, x0, Quick(1),
               "num_qubits");
  expect_field(MaxCut(), start, {0.1}, Quick(1), "params");
}

}  // namespace
}  // namespace qgrad::optimizer

namespace qgrad::optimizer {
namespace {

// The exact estimate dressed up as a measured one: every call "takes" 100 shots. Its
// target is ψ_t itself under kStay (a shadow too noisy to show any step, so no layer can
// improve on it), or the guided state of −η under kClimb (every learned layer raises the
// cost while the reports, tight around the true cost, still show a downhill guided state).
// Records the streams the loop names.
class MeasuredEstimatorForTest : public GradientStateEstimator {
 public:
  enum class Target { kStay, kClimb };
  MeasuredEstimatorForTest(const sv::Simulator* simulator, Cost cost, Target target)
      : simulator_(simulator), exact_(simulator, std::move(cost)), target_(target) {}
  void BeginStream(uint64_t stream) override { streams.push_back(stream); }
  absl::StatusOr<GradientStateEstimate> Estimate(const Circuit& circuit,
                                                 absl::Span<const double> params,
                                                 const StepSize& step) override {
    auto estimate = exact_.Estimate(circuit, params, step);
    if (!estimate.ok()) return estimate;
    auto psi = simulator_->Prepare(circuit, params);
    if (!psi.ok()) return psi.status();
    estimate->report.shots = 100;
    estimate->report.circuits = 2;
    estimate->report.confidence = 0.95;
    if (target_ == Target::kStay) {
      estimate->target = std::make_unique<PureStateTarget>(*std::move(psi));
      estimate->report.indicator = {estimate->indicator - 0.1, estimate->indicator + 0.1};
      return estimate;
    }
    auto climb = MakeGuidedState(*psi, estimate->gradient_operator, -estimate->eta);
    if (!climb.ok()) return climb.status();
    estimate->target = std::make_unique<PureStateTarget>(std::move(climb->state));
    estimate->report.cost = {estimate->cost - 1e-3, estimate->cost + 1e-3};
    estimate->report.indicator = {estimate->indicator - 1e-3, estimate->indicator + 1e-3};
    return estimate;
  }
  std::vector<uint64_t> streams;

 private:
  const sv::Simulator* simulator_;
  ExactGradientStateEstimator exact_;
  Target target_;
};

Circuit QaoaForTest(std::vector<double>& params) {
  Circuit circuit(4);
  for (int q = 0; q < 4; ++q) EXPECT_TRUE(circuit.Add(GateKind::kH, {q}).ok());
  EXPECT_TRUE(circuit.Add(GateKind::kRY, {0}, {Angle::Param(0)}).ok());
  params = {0.3};
  return circuit;
}

TEST(NestedTest, AMeasuredEstimateWithoutAStepRecordsTheIterationAndMeasuresAgain) {
  const sv::Simulator simulator;
  std::vector<double> params;
  const Circuit circuit = QaoaForTest(params);
  MeasuredEstimatorForTest noisy(&simulator, MaxCut(), MeasuredEstimatorForTest::Target::kStay);
  std::vector<IterationEvent> events;
  NestedCallbacks callbacks;
  callbacks.on_iteration = [&](const IterationEvent& e) { events.push_back(e); };
  auto run = RunNested(simulator, MaxCut(), circuit, params, Quick(4), callbacks, &noisy);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->stop_reason, StopReason::kMaxIterations);
  ASSERT_EQ(events.size(), 4u);
  for (const IterationEvent& e : events) {
    EXPECT_EQ(e.layer_gates, 0);
    EXPECT_EQ(e.estimation.shots, 100);
    EXPECT_EQ(e.estimation.circuits, 2);
  }
  EXPECT_EQ(run->layers, 0);
  EXPECT_EQ(run->estimation.shots, 500);  // four iterations and the final estimate
  EXPECT_EQ(noisy.streams, (std::vector<uint64_t>{0, 1, 2, 3, GradientStateEstimator::kFinalStream}));

  // The exact estimator with the same (useless) target would stop at once.
  ExactGradientStateEstimator exact(&simulator, MaxCut());
  auto exact_run = RunNested(simulator, MaxCut(), circuit, params, Quick(4), {}, &exact);
  ASSERT_TRUE(exact_run.ok());
  EXPECT_GT(exact_run->layers, 0);
  EXPECT_EQ(exact_run->estimation.shots, 0);
}

TEST(NestedTest, AMeasuredRunThatClimbsReturnsTheBestStateItMeasured) {
  const sv::Simulator simulator;
  std::vector<double> params;
  const Circuit circuit = QaoaForTest(params);
  MeasuredEstimatorForTest climbing(&simulator, MaxCut(),
                                    MeasuredEstimatorForTest::Target::kClimb);
  std::vector<NestedResult> checkpoints;
  NestedCallbacks callbacks;
  callbacks.on_checkpoint = [&](const NestedResult& r) { checkpoints.push_back(r); };
  auto run = RunNested(simulator, MaxCut(), circuit, params, Quick(4), callbacks, &climbing);
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_GE(run->layers, 2);
  // The climb is real: every iteration measured a higher cost than the one before.
  for (size_t k = 1; k < run->history.size(); ++k) {
    EXPECT_GT(run->history[k].cost, run->history[k - 1].cost + 1e-3) << k;
  }
  EXPECT_EQ(run->returned_iteration, 0);
  EXPECT_EQ(run->circuit.gates().size(), circuit.gates().size());
  EXPECT_EQ(run->params, params);
  EXPECT_DOUBLE_EQ(run->final_cost, run->start_cost);
  ASSERT_GE(climbing.streams.size(), 2u);
  EXPECT_EQ(climbing.streams.back(), GradientStateEstimator::kBestStream);
  EXPECT_EQ(run->estimation.shots, 100 * int64_t(run->history.size() + 2));

  // Resumed from any checkpoint, the run returns the same state.
  for (NestedResult& checkpoint : checkpoints) {
    SCOPED_TRACE(checkpoint.history.size());
    MeasuredEstimatorForTest again(&simulator, MaxCut(),
                                   MeasuredEstimatorForTest::Target::kClimb);
    auto resumed = ResumeNested(simulator, MaxCut(), std::move(checkpoint), Quick(4), {}, &again);
    ASSERT_TRUE(resumed.ok()) << resumed.status();
    EXPECT_EQ(resumed->returned_iteration, 0);
    EXPECT_EQ(resumed->params, params);
    EXPECT_DOUBLE_EQ(resumed->final_cost, run->final_cost);
  }
}

TEST(NestedTest, TheShotBudgetStopsTheRun) {
  const sv::Simulator simulator;
  std::vector<double> params;
  const Circuit circuit = QaoaForTest(params);
  MeasuredEstimatorForTest noisy(&simulator, MaxCut(), MeasuredEstimatorForTest::Target::kStay);
  NestedOptions options = Quick(10);
  options.stop.max_shots = 250;
  auto run = RunNested(simulator, MaxCut(), circuit, params, options, {}, &noisy);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->stop_reason, StopReason::kShotBudget);
  EXPECT_EQ(run->history.size(), 3u);  // 300 shots > 250 after the third
  EXPECT_EQ(StopReasonName(StopReason::kShotBudget), "shot_budget");
}

}  // namespace
}  // namespace qgrad::optimizer
