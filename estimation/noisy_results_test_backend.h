// Test helper for estimation/ tests (not part of the library): the local backend's results
// made noisy after the fact, seeded by the batch seed. Each shot is first replaced, with
// probability `depolarizing`, by uniformly random bits over the program's bits (a global
// depolarizing channel on everything measured); then every bit flips at its qubit's readout
// rates (0 → 1 with p01, 1 → 0 with p10).
//
// Thread-safety: Submit runs the whole batch before returning; not for concurrent use.
#ifndef QGRAD_ESTIMATION_NOISY_RESULTS_TEST_BACKEND_H_
#define QGRAD_ESTIMATION_NOISY_RESULTS_TEST_BACKEND_H_

#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "backends/backend.h"
#include "backends/local/local_backend.h"
#include "shadows/shadow.h"

namespace qgrad::estimation {

class NoisyResultsTestBackend final : public backends::Backend {
 public:
  explicit NoisyResultsTestBackend(std::vector<shadows::ReadoutError> errors,
                                   double depolarizing = 0.0)
      : errors_(std::move(errors)), depolarizing_(depolarizing) {}
  backends::Description Describe() const override { return local_.Describe(); }
  absl::StatusOr<std::unique_ptr<backends::BatchHandle>> Submit(backends::Batch batch) override {
    const uint64_t seed = batch.seed;
    batch.memory = true;
    auto result = backends::RunBatch(local_, std::move(batch));
    if (!result.ok()) return result.status();
    std::mt19937_64 rng(seed ^ 0x5eed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (backends::ProgramResult& program : result->programs) {
      for (uint64_t& shot : program.memory) {
        if (depolarizing_ > 0.0 && uniform(rng) < depolarizing_) {
          shot = rng() & ((uint64_t{1} << program.num_clbits) - 1);
        }
        for (size_t q = 0; q < errors_.size() && int(q) < program.num_clbits; ++q) {
          const bool one = (shot >> q) & 1;
          if (uniform(rng) < (one ? errors_[q].p10 : errors_[q].p01)) shot ^= uint64_t{1} << q;
        }
      }
      program.counts = backends::CountShots(program.memory);
    }
    return std::unique_ptr<backends::BatchHandle>(new Done(*std::move(result)));
  }

 private:
  class Done final : public backends::BatchHandle {
   public:
    explicit Done(backends::BatchResult result) : result_(std::move(result)) {}
    std::string id() const override { return "done"; }
    backends::BatchStatus Poll() const override {
      return {backends::BatchState::kSucceeded, int64_t(result_.programs.size()),
              int64_t(result_.programs.size()), absl::OkStatus()};
    }
    absl::StatusOr<backends::BatchResult> Wait(absl::Time) override { return result_; }
    void Cancel() override {}

   private:
    backends::BatchResult result_;
  };
  static backends::local::LocalBackendOptions OneThread() {
    backends::local::LocalBackendOptions options;
    options.threads = 1;
    return options;
  }
  backends::local::LocalBackend local_{OneThread()};
  std::vector<shadows::ReadoutError> errors_;
  double depolarizing_;
};

}  // namespace qgrad::estimation

#endif  // QGRAD_ESTIMATION_NOISY_RESULTS_TEST_BACKEND_H_
