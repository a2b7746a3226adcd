// The backend conformance suite on the local backend with 1 and 2 worker threads.
#include "backends/conformance/conformance.h"
#include "absl/strings/str_cat.h"
#include "backends/local/local_backend.h"

namespace qgrad::backends::local {
namespace {

using conformance::BackendConformanceTest;
using conformance::ConformanceTarget;

ConformanceTarget Target(int threads) {
  return {absl::StrCat("threads", threads), [threads] {
            LocalBackendOptions options;
            options.threads = threads;
            options.limits.max_qubits = 16;
            return std::make_shared<LocalBackend>(options);
          }};
}

INSTANTIATE_TEST_SUITE_P(Local, BackendConformanceTest, testing::Values(Target(1), Target(2)),
                         conformance::ConformanceTargetName);

}  // namespace
}  // namespace qgrad::backends::local
