// (b) The degree-4 polynomial on 2 qubits from the paper's 9 starts, with A = X⊗4 + Z⊗4 and
// with Y⊗4 added, and the analysis of the diagonal starts: the exact descent without
// synthesis, the power law of its convergence, and the Hessian of f on the state sphere at
// the points the runs approach.
//
// Thread-safety: single-threaded driver code.
#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/repro.h"
#include "problems/polynomial.h"
#include "runner/problem.h"

namespace qgrad::bench {
namespace {

using Vec4 = std::array<std::complex<double>, 4>;
constexpr char kWithY[] = "X0 X1 X2 X3 + Y0 Y1 Y2 Y3 + Z0 Z1 Z2 Z3";

// f at the normalized x (any scale).
double CostAt(const optimizer::Cost& cost, const Vec4& x) {
  sv::StateVector s = *sv::StateVector::Create(2);
  (void)s.SetAmplitudes(absl::MakeConstSpan(x.data(), x.size()), /*normalize=*/true);
  return cost.Value(s);
}

// Eigenvalues of a small symmetric matrix (cyclic Jacobi), ascending.
std::vector<double> SymmetricEigenvalues(std::vector<std::vector<double>> a) {
  const size_t n = a.size();
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) off += a[i][j] * a[i][j];
    if (off < 1e-30) break;
    for (size_t p = 0; p < n; ++p) {
      for (size_t q = p + 1; q < n; ++q) {
        if (std::abs(a[p][q]) < 1e-300) continue;
        const double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
        const double t = (theta >= 0 ? 1.0 : -1.0) /
                         (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (size_t k = 0; k < n; ++k) {
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < n; ++k) {
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  std::vector<double> ev(n);
  for (size_t i = 0; i < n; ++i) ev[i] = a[i][i];
  std::sort(ev.begin(), ev.end());
  return ev;
}

// The Hessian of f on the unit sphere of C⁴ modulo the global phase, at a real critical
// point p, in two blocks: the 3 real unit vectors orthogonal to p, and i times them (i·p,
// the phase, is excluded). For these A (real matrices) f(ψ*) = f(ψ), so at a real point the
// real–imaginary cross terms vanish. Second differences of f(normalize(p + …)), h = 1e-4.
struct HessianBlocks {
  std::vector<double> real, imaginary;  // eigenvalues, ascending
};

HessianBlocks SphereHessian(const optimizer::Cost& cost, std::array<double, 4> p) {
  double norm = 0.0;
  for (double v : p) norm += v * v;
  for (double& v : p) v /= std::sqrt(norm);
  // Real orthonormal complement of p by Gram–Schmidt on the unit vectors.
  std::vector<std::array<double, 4>> basis;
  for (int e = 0; e < 4 && basis.size() < 3; ++e) {
    std::array<double, 4> v{};
    v[e] = 1.0;
    auto project_out = [&](const std::array<double, 4>& u) {
      double d = 0.0;
      for (int i = 0; i < 4; ++i) d += v[i] * u[i];
      for (int i = 0; i < 4; ++i) v[i] -= d * u[i];
    };
    project_out(p);
    for (const auto& u : basis) project_out(u);
    double n2 = 0.0;
    for (double x : v) n2 += x * x;
    if (n2 < 1e-8) continue;
    for (double& x : v) x /= std::sqrt(n2);
    basis.push_back(v);
  }
  const double h = 1e-4;
  HessianBlocks blocks;
  for (const std::complex<double> unit : {std::complex<double>(1.0, 0.0), std::complex<double>(0.0, 1.0)}) {
    auto at = [&](size_t i, double si, size_t j, double sj) {
      Vec4 x{};
      for (int k = 0; k < 4; ++k) x[k] = p[k] + unit * h * (si * basis[i][k] + sj * basis[j][k]);
      return CostAt(cost, x);
    };
    std::vector<std::vector<double>> hess(basis.size(), std::vector<double>(basis.size()));
    for (size_t i = 0; i < basis.size(); ++i) {
      for (size_t j = i; j < basis.size(); ++j) {
        hess[i][j] = hess[j][i] =
            (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4.0 * h * h);
      }
    }
    (unit.real() == 1.0 ? blocks.real : blocks.imaginary) = SymmetricEigenvalues(hess);
  }
  return blocks;
}

std::string Eigen(const std::vector<double>& ev) {
  std::string s;
  for (double v : ev) absl::StrAppend(&s, s.empty() ? "" : ", ", std::abs(v) < 1e-6 ? "0" : Fmt(v, 3));
  return s;
}

// ‖ψ − SWAP ψ‖ (SWAP of the two qubits exchanges amplitudes 1 and 2).
double Asymmetry(const sv::StateVector& s) {
  return std::abs(s.data()[1] - s.data()[2]) * std::sqrt(2.0);
}

// Distance to the nearest of ±e^{iφ}p: 2 − 2|⟨p|ψ⟩|, as ‖ψ − e^{iφ}p‖² minimized over φ.
double DistanceTo(const sv::StateVector& s, std::array<double, 4> p) {
  double norm = 0.0;
  for (double v : p) norm += v * v;
  std::complex<double> overlap = 0.0;
  for (int i = 0; i < 4; ++i) overlap += p[i] / std::sqrt(norm) * s.data()[i];
  return std::sqrt(std::max(0.0, 2.0 - 2.0 * std::abs(overlap)));
}

std::string Amplitudes(const sv::StateVector& s) {
  // Remove the global phase so that the largest amplitude is real and positive.
  int big = 0;
  for (int i = 1; i < 4; ++i)
    if (std::abs(s.data()[i]) > std::abs(s.data()[big])) big = i;
  const std::complex<double> phase = std::conj(s.data()[big]) / std::abs(s.data()[big]);
  std::string out = "(";
  for (int i = 0; i < 4; ++i) {
    const std::complex<double> a = s.data()[i] * phase;
    absl::StrAppend(&out, i ? ", " : "", Fmt(a.real(), 4));
    if (std::abs(a.imag()) > 5e-5) absl::StrAppend(&out, a.imag() > 0 ? "+" : "", Fmt(a.imag(), 4), "i");
  }
  return out + ")";
}

v1::JobSpec StartSpec(const v1::JobSpec& base, double t, bool with_y, int iterations) {
  v1::JobSpec spec = base;
  spec.mutable_initial_state()->clear_amplitudes();
  for (double a : {1.0, 1.3 * std::cos(t), 1.3 * std::sin(t), 0.0}) {
    spec.mutable_initial_state()->add_amplitudes(std::abs(a) < 1e-15 ? 0.0 : a);
  }
  if (with_y) spec.mutable_problem()->mutable_polynomial()->set_a(kWithY);
  spec.mutable_method()->mutable_nested()->mutable_stop()->set_max_iterations(iterations);
  spec.set_name(absl::StrCat("polynomial, start t = ", Fmt(t, 4), with_y ? ", A with Y^4" : ""));
  return spec;
}

double PaperF(const TrackedRun& run) {
  return PaperNormalizedCost(run.result.final_cost(), run.final_state.data()[0]);
}

}  // namespace

absl::Status RunPolynomial(const Env& env) {
  absl::StatusOr<v1::JobSpec> base = LoadExample(env, "polynomial.json");
  if (!base.ok()) return base.status();
  const int short_run = 10, long_run = 40;
  std::printf("\n## (b) Degree-4 polynomial, 2 qubits, the 9 starts (1, 1.3 cos t, 1.3 sin t, 0)"
              "\n\nη = 0.2, F_th = max(0.999, 1 − I/10), greedy all-pairs pool. f = f(ψ) on the "
              "normalized state; f/|x0|⁴ is the paper's normalization.\n\n");
  std::printf("| t | A | f start | f, 10 it. | paper-normalized f/x0⁴, 10 it. | f, 40 it. | exact descent f, 10 "
              "steps | 40 steps |\n|---|---|---|---|---|---|---|---|\n");
  std::vector<runner::PlotSeries> synth_series, ideal_series;
  for (int with_y = 0; with_y < 2; ++with_y) {
    for (int k = 0; k <= 8; ++k) {
      const double t = 2.0 * std::numbers::pi * k / 8.0;
      const v1::JobSpec s10 = StartSpec(*base, t, with_y, short_run);
      const v1::JobSpec s40 = StartSpec(*base, t, with_y, long_run);
      absl::StatusOr<TrackedRun> r10 = RunNestedTracked(env, s10);
      if (!r10.ok()) return r10.status();
      absl::StatusOr<TrackedRun> r40 = RunNestedTracked(env, s40);
      if (!r40.ok()) return r40.status();
      absl::StatusOr<IdealRun> ideal = IdealDescent(env, s40, long_run);
      if (!ideal.ok()) return ideal.status();
      const std::string name = absl::StrCat(with_y ? "y_" : "", "t", k);
      if (auto s = SaveResult(env, "polynomial", name, r40->result); !s.ok()) return s;
      std::printf("| %d·π/4 | %s | %s | %s | %s | %s | %s | %s |\n", k, with_y ? "+Y⊗4" : "X⊗4+Z⊗4",
                  Fmt(r40->result.start_cost(), 4).c_str(), Sci(r10->result.final_cost()).c_str(),
                  Sci(PaperF(*r10)).c_str(), Sci(r40->result.final_cost()).c_str(),
                  Sci(ideal->costs[short_run]).c_str(), Sci(ideal->costs[long_run]).c_str());
      if ((k == 0 && !with_y) || k == 1) {
        const std::string label = k == 0 ? "axis t=0" : with_y ? "diagonal, +Y⊗4" : "diagonal t=π/4";
        // Points below 1e-12 are left out (the exact axis runs reach round-off).
        auto series = [&](const std::vector<double>& f) {
          runner::PlotSeries s{label, {}, {}};
          for (size_t i = 0; i < f.size(); ++i) {
            s.x.push_back(double(i));
            s.y.push_back(f[i] >= 1e-12 ? f[i] : std::nan(""));
          }
          return s;
        };
        synth_series.push_back(series(CostSeries(r40->result)));
        ideal_series.push_back(series(ideal->costs));
      }
    }
  }

  // ------------------------------------------------------------ the diagonal starts
  const double t = std::numbers::pi / 4;
  absl::StatusOr<runner::BuiltProblem> no_y = runner::BuildProblem(base->problem(), "");
  if (!no_y.ok()) return no_y.status();
  v1::Problem with_y_problem = base->problem();
  with_y_problem.mutable_polynomial()->set_a(kWithY);
  absl::StatusOr<runner::BuiltProblem> y = runner::BuildProblem(with_y_problem, "");
  if (!y.ok()) return y.status();

  const int very_long = env.quick ? 100 : 1000;
  absl::StatusOr<IdealRun> ideal_no_y = IdealDescent(env, StartSpec(*base, t, false, 0), very_long);
  if (!ideal_no_y.ok()) return ideal_no_y.status();
  absl::StatusOr<IdealRun> ideal_y = IdealDescent(env, StartSpec(*base, t, true, 0), very_long);
  if (!ideal_y.ok()) return ideal_y.status();
  absl::StatusOr<TrackedRun> synth_no_y = RunNestedTracked(env, StartSpec(*base, t, false, long_run));
  if (!synth_no_y.ok()) return synth_no_y.status();
  absl::StatusOr<TrackedRun> synth_y = RunNestedTracked(env, StartSpec(*base, t, true, long_run));
  if (!synth_y.ok()) return synth_y.status();

  const std::array<double, 4> crossing = {0.5, 0.5, 0.5, -0.5};
  const std::array<double, 4> saddle = {std::sqrt(2.0 / 3.0), std::sqrt(1.0 / 6.0),
                                        std::sqrt(1.0 / 6.0), 0.0};
  const std::array<double, 4> axis = {1.0, 1.0, 0.0, 0.0};
  const auto& c = ideal_no_y->costs;
  const int k1 = very_long / 10, k2 = very_long;
  const double exponent = std::log(c[k2] / c[k1]) / std::log(double(k2) / double(k1));

  std::printf("\n### Diagonal start t = π/4: what the runs approach\n\n");
  std::printf("| A | run | f after 10 / 40 / %d | final state (phase removed) | distance to "
              "the limit point | ‖ψ − SWAPψ‖ |\n|---|---|---|---|---|---|\n", very_long);
  std::printf("| X⊗4+Z⊗4 | exact descent | %s / %s / %s | %s | %s to (1,1,1,−1)/2 | %s |\n",
              Sci(c[10]).c_str(), Sci(c[40]).c_str(), Sci(c[very_long]).c_str(),
              Amplitudes(ideal_no_y->final_state).c_str(),
              Sci(DistanceTo(ideal_no_y->final_state, crossing)).c_str(),
              Sci(Asymmetry(ideal_no_y->final_state)).c_str());
  std::printf("| X⊗4+Z⊗4 | nested, 40 it. | %s / %s / − | %s | %s to (1,1,1,−1)/2 | %s |\n",
              Sci(CostAfter(synth_no_y->result, 10)).c_str(),
              Sci(synth_no_y->result.final_cost()).c_str(),
              Amplitudes(synth_no_y->final_state).c_str(),
              Sci(DistanceTo(synth_no_y->final_state, crossing)).c_str(),
              Sci(Asymmetry(synth_no_y->final_state)).c_str());
  std::printf("| +Y⊗4 | exact descent | %s / %s / %s | %s | %s to the saddle | %s |\n",
              Sci(ideal_y->costs[10]).c_str(), Sci(ideal_y->costs[40]).c_str(),
              Sci(ideal_y->costs[very_long]).c_str(), Amplitudes(ideal_y->final_state).c_str(),
              Sci(DistanceTo(ideal_y->final_state, saddle)).c_str(),
              Sci(Asymmetry(ideal_y->final_state)).c_str());
  std::printf("| +Y⊗4 | nested, 40 it. | %s / %s / − | %s | %s to the saddle | %s |\n",
              Sci(CostAfter(synth_y->result, 10)).c_str(), Sci(synth_y->result.final_cost()).c_str(),
              Amplitudes(synth_y->final_state).c_str(),
              Sci(DistanceTo(synth_y->final_state, saddle)).c_str(),
              Sci(Asymmetry(synth_y->final_state)).c_str());
  auto first_below = [](const std::vector<double>& f, double level) {
    for (size_t k = 0; k < f.size(); ++k) {
      if (f[k] < level) return int(k);
    }
    return -1;
  };
  std::printf("\nWith Y⊗4 the runs leave the symmetric critical point (f = 1/3) — first "
              "iteration with f < 0.3: exact descent %d, nested %d; below 1e-6: exact %d, "
              "nested %d.\n",
              first_below(ideal_y->costs, 0.3), first_below(CostSeries(synth_y->result), 0.3),
              first_below(ideal_y->costs, 1e-6), first_below(CostSeries(synth_y->result), 1e-6));
  std::printf("\nExact descent without Y⊗4: f(k) ∝ k^%.2f between k = %d and %d "
              "(f(%d) = %s, f(%d) = %s).\n",
              exponent, k1, k2, k1, Sci(c[k1]).c_str(), k2, Sci(c[k2]).c_str());
  std::printf("\nHessian of f on the state sphere at the limit points (eigenvalues; real "
              "block: the 3 real tangent directions, which the real exact descent moves in; "
              "imaginary block: i times them):\n\n| point | A | f | real block | imaginary "
              "block |\n|---|---|---|---|---|\n");
  struct Point {
    std::string label;
    std::array<double, 4> p;
    bool with_y;
  };
  for (const Point& pt : {Point{"(1,1,1,−1)/2 (diagonal limit)", crossing, false},
                          Point{"(1,1,0,0)/√2 (axis minimum)", axis, false},
                          Point{"(√(2/3), √(1/6), √(1/6), 0) (symmetric critical point)", saddle, true},
                          Point{"(1,1,0,0)/√2 (axis minimum)", axis, true}}) {
    const optimizer::Cost& cost = pt.with_y ? y->cost : no_y->cost;
    Vec4 x{};
    for (int i = 0; i < 4; ++i) x[i] = pt.p[i];
    const HessianBlocks hb = SphereHessian(cost, pt.p);
    std::printf("| %s | %s | %s | %s | %s |\n", pt.label.c_str(), pt.with_y ? "+Y⊗4" : "X⊗4+Z⊗4",
                Fmt(CostAt(cost, x), 4).c_str(), Eigen(hb.real).c_str(),
                Eigen(hb.imaginary).c_str());
  }

  runner::PlotSeries power{"exact, diagonal", {}, {}};
  runner::PlotSeries reference{"c/k²", {}, {}};
  for (int k = 1; k <= very_long; k = k < 10 ? k + 1 : int(k * 1.15)) {
    power.x.push_back(std::log10(double(k)));
    power.y.push_back(c[k]);
    reference.x.push_back(std::log10(double(k)));
    reference.y.push_back(c[very_long] * double(very_long) * double(very_long) / (double(k) * k));
  }
  return SavePlot(
      env, "polynomial.svg",
      {{"Nested (learned layers), f against the iteration", "f", true, synth_series},
       {"Exact descent (no synthesis), f against the step", "f", true, ideal_series},
       {"Exact descent from the diagonal start, x = log10 k", "f", true, {power, reference}}},
      "Degree-4 polynomial on 2 qubits: an axis start and a diagonal start",
      {"outer iteration", "gradient step", "log10 k (gradient step k)"});
}

}  // namespace qgrad::bench
