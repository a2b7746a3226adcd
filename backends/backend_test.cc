// Tests of the interface's free functions and of the registry over test-helper backends.
#include "backends/backend.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad::backends {
namespace {

using ::testing::HasSubstr;

TEST(BitStringTest, HighestBitFirst) {
  EXPECT_EQ(BitString(0b011, 3), "011");
  EXPECT_EQ(BitString(0b010, 3), "010");
  EXPECT_EQ(BitString(0b1, 1), "1");
  EXPECT_EQ(BitString(0b100, 2), "00");  // bits above num_bits are not shown
  EXPECT_EQ(BitString(5, 0), "");
  EXPECT_EQ(BitString(~uint64_t{0}, 64), std::string(64, '1'));
  EXPECT_EQ(BitString(uint64_t{1} << 63, 64), "1" + std::string(63, '0'));
}

TEST(CountShotsTest, SortedByValue) {
  const std::vector<uint64_t> shots = {5, 1, 5, 3, 1, 5};
  const std::vector<std::pair<uint64_t, int64_t>> expected = {{1, 2}, {3, 1}, {5, 3}};
  EXPECT_EQ(CountShots(shots), expected);
  EXPECT_TRUE(CountShots({}).empty());
}

TEST(BatchStateNameTest, Names) {
  EXPECT_STREQ(BatchStateName(BatchState::kQueued), "QUEUED");
  EXPECT_STREQ(BatchStateName(BatchState::kRunning), "RUNNING");
  EXPECT_STREQ(BatchStateName(BatchState::kSucceeded), "SUCCEEDED");
  EXPECT_STREQ(BatchStateName(BatchState::kFailed), "FAILED");
  EXPECT_STREQ(BatchStateName(BatchState::kCancelled), "CANCELLED");
}

// Test helper: a backend that only has a name and refuses every batch.
class NamedTestBackend : public Backend {
 public:
  explicit NamedTestBackend(std::string name) : name_(std::move(name)) {}
  Description Describe() const override {
    Description d;
    d.name = name_;
    return d;
  }
  absl::StatusOr<std::unique_ptr<BatchHandle>> Submit(Batch) override {
    return absl::UnavailableError("test backend");
  }

 private:
  std::string name_;
};

TEST(RegistryTest, AddFindListSorted) {
  Registry registry;
  for (const char* name : {"zeta", "alpha", "mid"}) {
    ASSERT_TRUE(registry.Add(std::make_shared<NamedTestBackend>(name)).ok());
  }
  EXPECT_EQ(registry.Add(std::make_shared<NamedTestBackend>("mid")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Add(nullptr).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Add(std::make_shared<NamedTestBackend>("")).code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<std::string> names;
  for (const Description& d : registry.List()) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "mid", "zeta"}));
  absl::StatusOr<std::shared_ptr<Backend>> found = registry.Find("mid");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->Describe().name, "mid");
  absl::StatusOr<std::shared_ptr<Backend>> missing = registry.Find("ionq");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("\"ionq\" not found (available: alpha, mid, zeta)"));
  EXPECT_THAT(std::string(Registry().Find("x").status().message()), HasSubstr("none"));
}

TEST(RunBatchTest, SubmitErrorsPassThrough) {
  NamedTestBackend backend("down");
  EXPECT_EQ(RunBatch(backend, Batch{}).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace qgrad::backends
