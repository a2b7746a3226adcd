// The conformance suite every Backend joins: one set of value-parameterized tests
// (BackendConformanceTest) over a factory of the backend under test. A backend joins with
// one line in its own test file:
//
//   INSTANTIATE_TEST_SUITE_P(Local, BackendConformanceTest,
//                            testing::Values(ConformanceTarget{"threads1", MakeIt}),
//                            ConformanceTargetName);
//
// and links the target qgrad_backend_conformance (an object library, so that the tests
// are linked in although nothing names them).
//
// The cases: correlated outcomes of Bell and GHZ programs (frequencies within 5 sigma),
// the bit order of shots and BitString, input bindings, seeds, counts against memory,
// error codes and messages for bad programs and limits, Wait deadlines, prompt Cancel,
// Poll's state transitions, Describe, the registry and concurrent submissions.
//
// Thread-safety: test code; each test makes its own backend.
#ifndef QGRAD_BACKENDS_CONFORMANCE_CONFORMANCE_H_
#define QGRAD_BACKENDS_CONFORMANCE_CONFORMANCE_H_

#include <functional>
#include <memory>
#include <string>

#include "backends/backend.h"
#include "gtest/gtest.h"

namespace qgrad::backends::conformance {

struct ConformanceTarget {
  std::string name;  // test name suffix: letters, digits, '_'
  // A fresh backend, called once per test. Describe() must report the limits it enforces
  // and be at least 5 qubits, 10,000 shots and 100 programs per batch.
  std::function<std::shared_ptr<Backend>()> make;
  // Batch::seed determines the shots (simulators); false for devices, which ignore it.
  bool seeded = true;
  // Batches start in submission order, a later one queued while an earlier one has
  // programs left (one scheduler, as in the local backend); false for REST devices, where
  // every batch goes to the provider's queue at once.
  bool ordered = true;
};

class BackendConformanceTest : public testing::TestWithParam<ConformanceTarget> {
 protected:
  void SetUp() override;
  std::shared_ptr<Backend> backend_;
};

std::string ConformanceTargetName(const testing::TestParamInfo<ConformanceTarget>& info);
// For gtest's parameter printing (its name, instead of the struct's bytes).
void PrintTo(const ConformanceTarget& target, std::ostream* out);

}  // namespace qgrad::backends::conformance

#endif  // QGRAD_BACKENDS_CONFORMANCE_CONFORMANCE_H_
