// Runs the JobStore conformance suite against MemoryJobStore and SqliteJobStore, plus the
// tests of the interface's free functions. Thread-safety: see the conformance suite.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "store/job_store.h"
#include "store/job_store_conformance.h"
#include "store/memory_job_store.h"
#include "store/sqlite_job_store.h"

namespace qgrad::store {
namespace {

INSTANTIATE_TEST_SUITE_P(
    Stores, JobStoreConformanceTest,
    ::testing::Values(
        JobStoreFactory{"Memory",
                        [](const std::string&) -> std::unique_ptr<JobStore> {
                          return std::make_unique<MemoryJobStore>();
                        }},
        JobStoreFactory{"Sqlite",
                        [](const std::string& dir) -> std::unique_ptr<JobStore> {
                          auto store = SqliteJobStore::Open(dir + "/jobs.db");
                          EXPECT_TRUE(store.ok()) << store.status();
                          if (!store.ok()) return nullptr;
                          return *std::move(store);
                        }}),
    JobStoreFactoryName);

TEST(IsTerminalTest, OnlyFinishedStatesAreTerminal) {
  EXPECT_FALSE(IsTerminal(JobState::kQueued));
  EXPECT_FALSE(IsTerminal(JobState::kRunning));
  EXPECT_TRUE(IsTerminal(JobState::kSucceeded));
  EXPECT_TRUE(IsTerminal(JobState::kFailed));
  EXPECT_TRUE(IsTerminal(JobState::kCancelled));
}

}  // namespace
}  // namespace qgrad::store
