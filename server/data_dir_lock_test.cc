// Tests of the data directory lock within one process (two qgradd processes: see
// qgradd_store_test.cc): a second holder is refused with the first one's pid, and the lock
// is free again once released.
//
// Thread-safety: single-threaded tests.
#include "server/data_dir_lock.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace qgrad::server {
namespace {

TEST(DataDirLockTest, ASecondHolderIsRefusedUntilTheFirstLetsGo) {
  std::string dir = (std::filesystem::path(::testing::TempDir()) / "lock_XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  absl::StatusOr<std::unique_ptr<DataDirLock>> first = DataDirLock::Acquire(dir);
  ASSERT_TRUE(first.ok()) << first.status();

  absl::StatusOr<std::unique_ptr<DataDirLock>> second = DataDirLock::Acquire(dir);
  EXPECT_EQ(second.status(), absl::FailedPreconditionError(absl::StrCat(
                                 "data_dir ", dir, " is in use by another qgradd (pid ",
                                 getpid(), ")")));
  first->reset();
  EXPECT_TRUE(DataDirLock::Acquire(dir).ok());

  EXPECT_EQ(DataDirLock::Acquire(dir + "/missing").status().code(),
            absl::StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qgrad::server
