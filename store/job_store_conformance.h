// The JobStore conformance suite: one parameterized GoogleTest suite that every JobStore
// implementation must pass. Instantiate it with a factory per implementation:
//
//   INSTANTIATE_TEST_SUITE_P(Mine, JobStoreConformanceTest,
//       ::testing::Values(JobStoreFactory{"Mine", [](const std::string& dir) { ... }}),
//       JobStoreFactoryName);
//
// Thread-safety: the tests themselves start threads against one store; the fixture is
// used from the test's main thread only.
#ifndef QGRAD_STORE_JOB_STORE_CONFORMANCE_H_
#define QGRAD_STORE_JOB_STORE_CONFORMANCE_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "gtest/gtest.h"
#include "store/job_store.h"

namespace qgrad::store {

struct JobStoreFactory {
  std::string name;  // test-name suffix: letters, digits, '_'
  // Makes a fresh, empty store. `scratch_dir` is a new empty directory that outlives the
  // store, for implementations that need files.
  std::function<std::unique_ptr<JobStore>(const std::string& scratch_dir)> make;
};

std::string JobStoreFactoryName(const ::testing::TestParamInfo<JobStoreFactory>& info);
// So that GoogleTest prints a factory by name, not as bytes.
void PrintTo(const JobStoreFactory& factory, std::ostream* os);

class JobStoreConformanceTest : public ::testing::TestWithParam<JobStoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  JobStore& store() { return *store_; }

 private:
  std::string scratch_dir_;
  std::unique_ptr<JobStore> store_;
};

}  // namespace qgrad::store

#endif  // QGRAD_STORE_JOB_STORE_CONFORMANCE_H_
