// Dashed flag names are rewritten to absl's underscores; values and positionals are not.
#include "cli/flag_spelling.h"

#include "gtest/gtest.h"

namespace qgrad::cli {
namespace {

TEST(FlagSpellingTest, RewritesOnlyTheName) {
  EXPECT_EQ(UnderscoreFlagName("--tls-ca"), "--tls_ca");
  EXPECT_EQ(UnderscoreFlagName("--tls-ca=/a-b/ca.pem"), "--tls_ca=/a-b/ca.pem");
  EXPECT_EQ(UnderscoreFlagName("--label=run-id=a-1"), "--label=run-id=a-1");
  EXPECT_EQ(UnderscoreFlagName("--no-json"), "--no_json");
  EXPECT_EQ(UnderscoreFlagName("--json"), "--json");
  EXPECT_EQ(UnderscoreFlagName("-x-y"), "-x-y");
  EXPECT_EQ(UnderscoreFlagName("spec-file.json"), "spec-file.json");
  EXPECT_EQ(UnderscoreFlagName("--"), "--");
}

}  // namespace
}  // namespace qgrad::cli
