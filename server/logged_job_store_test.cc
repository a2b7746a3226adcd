// Tests of LoggedJobStore: a store error's detail goes to the log as one `store_error` line
// and nowhere else; errors without a detail pass through unlogged.
//
// Thread-safety: single-threaded tests (the log sink is process-global).
#include "server/logged_job_store.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/log.h"
#include "store/error_detail.h"
#include "store/fault_injection_job_store_for_testing.h"
#include "store/memory_job_store.h"

namespace qgrad::server {
namespace {

class FaultyStore : public store::FaultInjectionJobStore {
 public:
  FaultyStore() : FaultInjectionJobStore(&memory_) {}

 private:
  store::MemoryJobStore memory_;
};

TEST(LoggedJobStoreTest, LogsTheDetailOnceAndPassesOnThePlainStatus) {
  std::vector<std::string> lines;
  SetLogSink([&](const std::string& line) { lines.push_back(line); });
  auto faulty = std::make_unique<FaultyStore>();
  FaultyStore* fault = faulty.get();
  LoggedJobStore store(std::move(faulty));
  const absl::Status full = absl::UnavailableError("the job store cannot write: the disk is full");
  fault->FailWrites(store::WithErrorDetail(full, "executing `COMMIT`: database or disk is full"));

  store::JobUpdate update;
  const absl::Status failed = store.UpdateJob("j-1", update).status();
  EXPECT_EQ(failed, full);  // the same code and message, and no payload
  EXPECT_EQ(store::ErrorDetail(failed), "");
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["event"], "store_error");
  EXPECT_EQ(line["operation"], "UpdateJob");
  EXPECT_EQ(line["job_id"], "j-1");
  EXPECT_EQ(line["code"], "UNAVAILABLE");
  EXPECT_EQ(line["message"], std::string(full.message()));
  EXPECT_EQ(line["detail"], "executing `COMMIT`: database or disk is full");

  EXPECT_EQ(store.GetJob("j-2").status().code(), absl::StatusCode::kNotFound);  // no detail
  EXPECT_EQ(lines.size(), 1u);
  SetLogSink(nullptr);
}

}  // namespace
}  // namespace qgrad::server
