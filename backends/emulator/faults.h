// The fault injector (which injected fault, if any, a request gets) and the request
// statistics the tests read back through GET /_emulator/stats.
//
// Thread-safety: both classes are safe for concurrent use.
#ifndef QGRAD_BACKENDS_EMULATOR_FAULTS_H_
#define QGRAD_BACKENDS_EMULATOR_FAULTS_H_

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>

#include "backends/emulator/options.h"

namespace qgrad::backends::emulator {

class FaultInjector {
 public:
  explicit FaultInjector(FaultPlan plan = {}) { Set(std::move(plan)); }
  // Replaces the plan (counts start afresh, the generator is reseeded).
  void Set(FaultPlan plan);
  // The fault for one request, if a rule fires (it is then used up by one when counted).
  std::optional<FaultRule> Draw(Dialect dialect, Endpoint endpoint);
  FaultPlan plan() const;

 private:
  mutable std::mutex mu_;
  FaultPlan plan_;
  std::mt19937_64 gen_;
};

class Stats {
 public:
  void CountRequest(Dialect dialect, Endpoint endpoint);
  void CountFault(FaultKind kind);
  int64_t requests(Dialect dialect, Endpoint endpoint) const;
  int64_t faults(FaultKind kind) const;

 private:
  static constexpr int kNumFaultKinds = 7;
  mutable std::mutex mu_;
  std::array<std::array<int64_t, kNumEndpoints>, kNumDialects> requests_{};
  std::array<int64_t, kNumFaultKinds> faults_{};
};

}  // namespace qgrad::backends::emulator

#endif  // QGRAD_BACKENDS_EMULATOR_FAULTS_H_
