// Tests for the NLopt wrapper's guards: non-finite or oversized start points and options are
// refused before any evaluation, a non-finite objective value or gradient ends the search
// with an error, and COBYLA ends on the flat objectives on which NLopt 2.7 spins forever
// without calling the objective (so that no stop check could end it).
//
// Thread-safety: single-threaded tests.
#include "optimizer/local_minimizer.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad::optimizer {
namespace {

using ::testing::HasSubstr;
using Algorithm = LocalMinimizerOptions::Algorithm;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

LocalMinimizerOptions With(Algorithm algorithm, int max_evaluations = 2000) {
  LocalMinimizerOptions options;
  options.algorithm = algorithm;
  options.max_evaluations = max_evaluations;
  return options;
}

// Σ (x_i − 1)², with its gradient; counts its calls.
Objective Bowl(int& evaluations) {
  return [&evaluations](absl::Span<const double> x,
                        absl::Span<double> g) -> absl::StatusOr<double> {
    ++evaluations;
    double f = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      f += (x[i] - 1) * (x[i] - 1);
      if (!g.empty()) g[i] = 2 * (x[i] - 1);
    }
    return f;
  };
}

TEST(LocalMinimizerTest, RefusesBadStartsAndOptionsWithoutEvaluating) {
  int evaluations = 0;
  for (Algorithm algorithm : {Algorithm::kLbfgs, Algorithm::kCobyla}) {
    for (double bad : {kNaN, kInf, -kInf, 2 * kMaxStartMagnitude}) {
      absl::StatusOr<LocalMinimum> r = Minimize(Bowl(evaluations), {0.5, bad}, With(algorithm));
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
      EXPECT_THAT(r.status().message(), HasSubstr("x0[1]"));
    }
    EXPECT_EQ(Minimize(Bowl(evaluations), {}, With(algorithm)).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Minimize(Bowl(evaluations), {0.5}, With(algorithm, 0)).status().message(),
                HasSubstr("max_evaluations"));
  }
  LocalMinimizerOptions step = With(Algorithm::kCobyla);
  for (double bad : {kNaN, 0.0, kMinCobylaStep / 2, kMaxCobylaStep * 2}) {
    step.initial_step = bad;
    EXPECT_THAT(Minimize(Bowl(evaluations), {0.5}, step).status().message(),
                HasSubstr("initial_step")) << bad;
  }
  EXPECT_EQ(evaluations, 0);
}

TEST(LocalMinimizerTest, ANonFiniteValueOrGradientEndsTheSearchAtThatEvaluation) {
  for (Algorithm algorithm : {Algorithm::kLbfgs, Algorithm::kCobyla}) {
    for (bool in_gradient : {false, true}) {
      if (in_gradient && algorithm == Algorithm::kCobyla) continue;  // no gradients
      int evaluations = 0;
      Objective f = [&](absl::Span<const double> x,
                        absl::Span<double> g) -> absl::StatusOr<double> {
        const bool poisoned = ++evaluations == 3;
        for (size_t i = 0; i < g.size(); ++i) g[i] = poisoned && in_gradient ? kNaN : 2 * x[i];
        return poisoned && !in_gradient ? kNaN : x[0] * x[0] + x[1] * x[1] + 1.0;
      };
      absl::StatusOr<LocalMinimum> r = Minimize(f, {0.7, -0.4}, With(algorithm));
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << in_gradient;
      EXPECT_THAT(r.status().message(), HasSubstr("not finite at evaluation 3"));
      EXPECT_EQ(evaluations, 3);
    }
  }
}

TEST(LocalMinimizerTest, CobylaEndsOnFlatObjectives) {
  // Without a radius floor NLopt 2.7's COBYLA halves its radius into the subnormal range on
  // these and then loops inside its subproblem forever (a constant from 5000 evaluations on,
  // stevengj/nlopt#370's example from 668); max_evaluations cannot stop it.
  const std::vector<Objective> flat = {
      [](absl::Span<const double>, absl::Span<double>) -> absl::StatusOr<double> { return 1.0; },
      [](absl::Span<const double> x, absl::Span<double>) -> absl::StatusOr<double> {
        const double v = 2 - std::cos(x[0]) + x[1] * x[1];
        return v * v;
      },
  };
  for (size_t k = 0; k < flat.size(); ++k) {
    for (int budget : {668, 5000, kMaxMinimizerEvaluations}) {
      absl::StatusOr<LocalMinimum> r =
          Minimize(flat[k], {0.0, 0.0, 0.0}, With(Algorithm::kCobyla, budget));
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_LT(r->evaluations, 200) << k;
      EXPECT_DOUBLE_EQ(r->value, 1.0);
    }
  }
}

TEST(LocalMinimizerTest, CobylaStillConverges) {
  int evaluations = 0;
  LocalMinimizerOptions options = With(Algorithm::kCobyla);
  options.ftol_rel = 0;
  absl::StatusOr<LocalMinimum> r = Minimize(Bowl(evaluations), {0.3, -0.2}, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(r->x[0], 1.0, 1e-7);
  EXPECT_NEAR(r->x[1], 1.0, 1e-7);
}

TEST(LocalMinimizerTest, ReportsEveryEvaluationWithTheBestValueSoFar) {
  for (Algorithm algorithm : {Algorithm::kLbfgs, Algorithm::kCobyla}) {
    int evaluations = 0;
    std::vector<std::pair<int, double>> reports;
    LocalMinimizerOptions options = With(algorithm, 200);
    options.on_evaluation = [&](int n, double best) { reports.emplace_back(n, best); };
    absl::StatusOr<LocalMinimum> r = Minimize(Bowl(evaluations), {0.3, -0.2}, options);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(int(reports.size()), r->evaluations);
    for (size_t i = 0; i < reports.size(); ++i) {
      EXPECT_EQ(reports[i].first, int(i) + 1);
      if (i > 0) {
        EXPECT_LE(reports[i].second, reports[i - 1].second);
      }
    }
    EXPECT_EQ(reports.back().second, r->value);
  }
}

}  // namespace
}  // namespace qgrad::optimizer
