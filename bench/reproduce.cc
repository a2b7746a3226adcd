// The paper reproductions (Li, Wang, Gao & Zheng, npj QI 12, 59 (2026)) as one driver: each
// experiment runs job specs from examples/ through the runner, prints a Markdown table,
// writes result JSONs under --results and SVG plots into --plots. Not a test; run by hand
// from the repository root:
//
//   reproduce [--examples=DIR] [--results=DIR] [--plots=DIR] [--quick] EXPERIMENT...
//
// EXPERIMENT: maxcut4 polynomial barren lih regular timing12 shadows_maxcut shadows_fidelity
// shadows_iteration molecules molecules_deep lih_plus, or all.
//
// Thread-safety: single-threaded program (the simulator may use OpenMP inside).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/repro.h"

namespace {

using qgrad::bench::Env;

struct Experiment {
  const char* name;
  absl::Status (*run)(const Env&);
};

constexpr Experiment kExperiments[] = {
    {"maxcut4", qgrad::bench::RunMaxCut4},   {"polynomial", qgrad::bench::RunPolynomial},
    {"barren", qgrad::bench::RunBarrenPlateau}, {"lih", qgrad::bench::RunLiH},
    {"regular", qgrad::bench::RunRegular},   {"timing12", qgrad::bench::RunTiming12},
    {"shadows_maxcut", qgrad::bench::RunShadowsMaxCut},
    {"shadows_fidelity", qgrad::bench::RunShadowsFidelity},
    {"shadows_iteration", qgrad::bench::RunShadowsIteration},
    {"molecules", qgrad::bench::RunMolecules},
    {"molecules_deep", qgrad::bench::RunMoleculesDeep},
    {"lih_plus", qgrad::bench::RunLiHPlus},
};

int Usage() {
  std::fprintf(stderr,
               "usage: reproduce [--examples=DIR] [--results=DIR] [--plots=DIR] [--quick] "
               "EXPERIMENT...\nexperiments:");
  for (const Experiment& e : kExperiments) std::fprintf(stderr, " %s", e.name);
  std::fprintf(stderr, " all\n");
  return 2;
}

bool Flag(const char* arg, const char* name, std::string& value) {
  const size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  value = arg + n + 1;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Env env;
  std::vector<const Experiment*> selected;
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (Flag(arg, "--examples", env.examples_dir) || Flag(arg, "--results", env.results_dir) ||
        Flag(arg, "--plots", env.plots_dir)) {
      continue;
    }
    if (std::strcmp(arg, "--quick") == 0) {
      env.quick = true;
      continue;
    }
    bool found = false;
    for (const Experiment& e : kExperiments) {
      if (std::strcmp(arg, "all") == 0 || std::strcmp(arg, e.name) == 0) {
        selected.push_back(&e);
        found = true;
      }
    }
    if (!found) return Usage();
  }
  if (selected.empty()) return Usage();
  for (const Experiment* e : selected) {
    const auto begin = std::chrono::steady_clock::now();
    absl::Status status = e->run(env);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    std::printf("\n(%s: %.1f s)\n", e->name, seconds);
    std::fflush(stdout);
    if (!status.ok()) {
      std::fprintf(stderr, "%s: %s\n", e->name, std::string(status.message()).c_str());
      return 1;
    }
  }
  return 0;
}
