// Tests of the JSON-lines logger: every line is one valid JSON object with the given
// fields, strings escaped (quotes, control characters, invalid UTF-8), levels filtered.
//
// Thread-safety: single-threaded tests (the sink is process-global).
#include "server/log.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace qgrad::server {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogSink([this](const std::string& line) { lines_.push_back(line); });
  }
  void TearDown() override {
    SetLogSink(nullptr);
    SetMinLogLevel(LogLevel::kInfo);
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
  LogLine(LogLevel::kWarning, "job_failed")
      .Str("job_id", "j-1")
      .Str("error", "bad \"quote\"\n\x01 and \xff byte")
      .Int("iterations", -3)
      .Num("cost", 0.25)
      .Num("nan", std::nan(""))
      .Bool("tls", true);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find('\n'), std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(lines_[0]);
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["event"], "job_failed");
  EXPECT_EQ(j["job_id"], "j-1");
  EXPECT_EQ(j["error"], "bad \"quote\"\n\x01 and \xc3\xbf byte");
  EXPECT_EQ(j["iterations"], -3);
  EXPECT_EQ(j["cost"], 0.25);
  EXPECT_TRUE(j["nan"].is_null());
  EXPECT_EQ(j["tls"], true);
  EXPECT_EQ(j["time"].get<std::string>().size(), 27u);  // 2026-11-25T12:00:00.000000Z
}

TEST_F(LogTest, DropsLinesBelowTheMinimumLevel) {
  SetMinLogLevel(LogLevel::kWarning);
  LogLine(LogLevel::kInfo, "quiet").Str("k", "v");
  LogLine(LogLevel::kError, "loud");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("\"loud\""), std::string::npos);
}

TEST_F(LogTest, QuotesValidUtf8Unchanged) {
  EXPECT_EQ(JsonQuote("ψ → 0"), "\"ψ → 0\"");
  EXPECT_EQ(JsonQuote("a\\b"), "\"a\\\\b\"");
}

}  // namespace
}  // namespace qgrad::server
