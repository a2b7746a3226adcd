// The fault injector and request statistics; see faults.h.
//
// Thread-safety: each class behind its own mutex.
#include "backends/emulator/faults.h"

namespace qgrad::backends::emulator {

void FaultInjector::Set(FaultPlan plan) {
  std::lock_guard<std::mutex> lock(mu_);
  plan_ = std::move(plan);
  gen_.seed(plan_.seed);
}

FaultPlan FaultInjector::plan() const {
  std::lock_guard<std::mutex> lock(mu_);
  return plan_;
}

std::optional<FaultRule> FaultInjector::Draw(Dialect dialect, Endpoint endpoint) {
  std::lock_guard<std::mutex> lock(mu_);
  for (FaultRule& rule : plan_.rules) {
    if (rule.dialect.has_value() && *rule.dialect != dialect) continue;
    if (rule.endpoint.has_value() && *rule.endpoint != endpoint) continue;
    if (rule.count > 0) {
      --rule.count;
      if (rule.count == 0) rule.probability = 0;  // used up; it no longer fires
      return rule;
    }
    if (rule.probability > 0 && double(gen_() >> 11) * 0x1.0p-53 < rule.probability) {
      return rule;
    }
  }
  return std::nullopt;
}

void Stats::CountRequest(Dialect dialect, Endpoint endpoint) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[int(dialect)][int(endpoint)];
}

void Stats::CountFault(FaultKind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  ++faults_[int(kind)];
}

int64_t Stats::requests(Dialect dialect, Endpoint endpoint) const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_[int(dialect)][int(endpoint)];
}

int64_t Stats::faults(FaultKind kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_[int(kind)];
}

}  // namespace qgrad::backends::emulator
