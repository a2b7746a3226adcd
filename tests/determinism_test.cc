// `qgrad run` gives the same bits for the same spec in every process and for every thread
// count. Each case runs the real binary in separate processes that differ in
// OMP_NUM_THREADS (1 or 2), in the size of the environment (it shifts the stack and with it
// the address layout), in malloc's fill byte (MALLOC_PERTURB_: a read of uninitialized heap
// memory would change the result) and, where setarch can, in address-space randomization;
// absl::Hash takes its seed from an address, so processes with ASLR on iterate hash maps in
// different orders. The result JSONs must match exactly once the wall-clock fields are
// removed (doubles are printed round-trip exact).
// Thread-safety: single-threaded tests (every run is a child process).
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace {

using nlohmann::json;

const std::filesystem::path kExamples = QGRAD_EXAMPLES_DIR;

json ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// The result without the fields that measure time.
std::string WithoutWallClock(json j) {
  std::function<void(json&)> strip = [&](json& v) {
    if (v.is_object()) {
      v.erase("wallSeconds");
      v.erase("elapsedSeconds");
    }
    if (v.is_structured()) {
      for (json& child : v) strip(child);
    }
  };
  strip(j);
  return j.dump(1);
}

std::string FirstDifferentLine(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1; std::getline(sa, la); ++line) {
    if (!std::getline(sb, lb)) return "line " + std::to_string(line) + ": second ends";
    if (la != lb) return "line " + std::to_string(line) + ": " + la + "  vs  " + lb;
  }
  return std::getline(sb, lb) ? "first ends" : "";
}

bool CanDisableAslr() {
  static const bool can = std::system("setarch \"$(uname -m)\" -R true >/dev/null 2>&1") == 0;
  return can;
}

// One process's setting. OMP_WAIT_POLICY=passive keeps a 2-thread team from spinning on a
// busy 2-core machine; it changes timing only.
struct Variant {
  int threads;
  std::string env;  // extra NAME=value words
  bool aslr_off;
};

std::vector<Variant> Variants() {
  return {{1, "", false},
          {2, "QGRAD_TEST_PAD=" + std::string(3000, 'x'), false},
          {1, "MALLOC_PERTURB_=165", false},
          {2, "QGRAD_TEST_PAD=" + std::string(777, 'y'), CanDisableAslr()}};
}

std::string Describe(const Variant& v) {
  return "OMP_NUM_THREADS=" + std::to_string(v.threads) + (v.env.empty() ? "" : " ") +
         v.env.substr(0, 20) + (v.aslr_off ? " (ASLR off)" : "");
}

std::string Quoted(const std::filesystem::path& p) { return absl::StrCat("'", p.string(), "'"); }

// Runs `qgrad run spec` under `v`; the result's JSON, or a failure.
testing::AssertionResult RunQgrad(const std::filesystem::path& spec, const Variant& v,
                                  const std::filesystem::path& out, std::string& result) {
  const std::filesystem::path log = out.string() + ".log";
  const std::string cmd = "env OMP_WAIT_POLICY=passive OMP_NUM_THREADS=" +
                          std::to_string(v.threads) + " " + v.env + " " +
                          (v.aslr_off ? "setarch \"$(uname -m)\" -R " : "") +
                          Quoted(QGRAD_CLI_PATH) + " run " + Quoted(spec) + " --quiet --out " +
                          Quoted(out) + " >" + Quoted(log) + " 2>&1";
  const int status = std::system(cmd.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    return testing::AssertionFailure() << Describe(v) << ": exit status " << status << "\n"
                                       << text.str();
  }
  json j = ReadJson(out);
  if (!j.contains("finalCost") || j["history"].empty()) {
    return testing::AssertionFailure() << Describe(v) << ": no result in " << j.dump();
  }
  result = WithoutWallClock(std::move(j));
  return testing::AssertionSuccess();
}

struct Case {
  std::string name;
  std::string example;
  std::function<void(json&)> edit;  // shortens or enlarges the example
};

void NoEdit(json&) {}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> Cases() {
  return {
      // The case: LiH with every virtual orbital (10 qubits), shortened. Its η is
      // value/‖H‖₁, and ‖H‖₁ was summed in hash order.
      {"lih_10_qubits", "lih.json",
       [](json& spec) {
         spec["problem"]["molecule"]["frozenVirtual"] = 0;
         spec["method"]["nested"]["stop"]["maxIterations"] = 3;
       }},
      // 14 qubits: at parallel_min_qubits, so the simulator's sweeps and sums use the threads.
      {"maxcut_14_qubits", "maxcut_3regular16.json",
       [](json& spec) {
         spec["problem"]["maxcut"]["generator"]["numNodes"] = 14;
         spec["method"]["nested"]["stop"]["maxIterations"] = 1;
       }},
      {"maxcut", "maxcut.json", NoEdit},
      // Shadows mode: settings, the local backend's shots and the estimators' sums.
      {"maxcut_shadows", "maxcut_qaoa_shadows.json",
       [](json& spec) {
         spec["method"]["nested"]["stop"]["maxIterations"] = 3;
         spec["estimation"]["shadows"]["shotsPerIteration"] = 4000;
       }},
      {"polynomial", "polynomial.json", NoEdit},
      {"lih_adapt", "lih_adapt.json", NoEdit},
      {"lih_hea", "lih_hea.json", NoEdit},
  };
}

// The spec of `c` in the test's temporary directory, with file paths made absolute.
std::filesystem::path WriteSpec(const Case& c) {
  json spec = ReadJson(kExamples / c.example);
  c.edit(spec);
  json& problem = spec["problem"];
  if (problem.contains("molecule") && problem["molecule"].contains("fcidumpPath")) {
    json& path = problem["molecule"]["fcidumpPath"];
    path = (kExamples / path.get<std::string>()).string();
  }
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / c.name;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "spec.json") << spec.dump(1);
  return dir / "spec.json";
}

class DeterminismTest : public testing::TestWithParam<Case> {};

TEST_P(DeterminismTest, SameBitsInEveryProcessAndThreadCount) {
  const std::filesystem::path spec = WriteSpec(GetParam());
  const std::vector<Variant> variants = Variants();
  std::vector<std::string> results(variants.size());
  for (size_t k = 0; k < variants.size(); ++k) {
    const std::filesystem::path out = spec.parent_path() / ("result" + std::to_string(k));
    ASSERT_TRUE(RunQgrad(spec, variants[k], out, results[k]));
  }
  for (size_t k = 1; k < variants.size(); ++k) {
    EXPECT_TRUE(results[k] == results[0])
        << GetParam().name << ": " << Describe(variants[k]) << " differs from "
        << Describe(variants[0]) << " at " << FirstDifferentLine(results[0], results[k]);
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, DeterminismTest, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
