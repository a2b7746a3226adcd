// Splitting a command line into flags and positionals, and the checks main.cc makes before
// any flag is set: unknown flags, flags that do not apply, missing values.
#include "cli/command_line.h"

#include "gtest/gtest.h"

namespace qgrad::cli {
namespace {

// A registry of four flags: two booleans, two taking values.
FlagKind FakeLookup(absl::string_view name) {
  if (name == "json" || name == "quiet") return FlagKind::kBool;
  if (name == "out" || name == "tls_ca") return FlagKind::kValue;
  return FlagKind::kUnknown;
}

CommandLine Split(std::vector<std::string> args) { return SplitCommandLine(args, FakeLookup); }

TEST(CommandLineTest, ValuesInEveryForm) {
  CommandLine line = Split({"run", "--out=a.json", "spec.json", "--tls-ca", "ca.pem", "-out",
                            "b", "--quiet", "--json=false", "--nojson", "--no-quiet"});
  EXPECT_EQ(line.positional, (std::vector<std::string>{"run", "spec.json"}));
  ASSERT_EQ(line.flags.size(), 7u);
  EXPECT_EQ(line.flags[0].name, "out");
  EXPECT_EQ(line.flags[0].value, "a.json");
  EXPECT_EQ(line.flags[1].name, "tls_ca");
  EXPECT_EQ(line.flags[1].written, "--tls-ca");
  EXPECT_EQ(line.flags[1].value, "ca.pem");
  EXPECT_EQ(line.flags[2].value, "b");
  EXPECT_EQ(line.flags[3].value, "true");  // a boolean never takes the next argument
  EXPECT_EQ(line.flags[4].value, "false");
  EXPECT_EQ(line.flags[5].name, "json");
  EXPECT_EQ(line.flags[5].value, "false");
  EXPECT_EQ(line.flags[6].name, "quiet");
  EXPECT_EQ(line.flags[6].value, "false");
  EXPECT_FALSE(CheckFlags(line, "run", {"out", "tls_ca", "quiet", "json"}).has_value());
}

TEST(CommandLineTest, StdinAndDoubleDashArePositional) {
  CommandLine line = Split({"simulate", "-", "--", "--json", "-h"});
  EXPECT_EQ(line.positional, (std::vector<std::string>{"simulate", "-", "--json", "-h"}));
  EXPECT_TRUE(line.flags.empty());
  EXPECT_FALSE(line.help);
}

TEST(CommandLineTest, HelpAndVersion) {
  EXPECT_TRUE(Split({"run", "-h"}).help);
  EXPECT_TRUE(Split({"--help", "run"}).help);
  EXPECT_TRUE(Split({"--version"}).version);
  EXPECT_FALSE(Split({"run"}).help);
}

TEST(CommandLineTest, RefusesUnknownFlags) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", "--bogus", "x"}, {"run", "--bogus=x"}, {"run", "--noout"},
           {"run", "--flagfile=f"}, {"run", "--noquiet=true"}}) {
    std::optional<FlagProblem> problem = CheckFlags(Split(args), "run", {"out", "quiet"});
    ASSERT_TRUE(problem.has_value()) << args[1];
    EXPECT_TRUE(problem->unknown) << args[1];
    EXPECT_EQ(problem->message.rfind("unknown flag -", 0), 0u) << problem->message;
  }
  EXPECT_EQ(CheckFlags(Split({"run", "--bogus=x"}), "run", {})->message, "unknown flag --bogus");
}

TEST(CommandLineTest, RefusesFlagsThatDoNotApply) {
  std::optional<FlagProblem> problem =
      CheckFlags(Split({"simulate", "p.qasm", "--out", "x.svg"}), "simulate", {"json"});
  ASSERT_TRUE(problem.has_value());
  EXPECT_FALSE(problem->unknown);
  EXPECT_EQ(problem->message, "--out does not apply to simulate");
  EXPECT_EQ(CheckFlags(Split({"x", "--no-json"}), "x", {"out"})->message,
            "--no-json does not apply to x");
}

TEST(CommandLineTest, RefusesAMissingValue) {
  CommandLine line = Split({"run", "spec.json", "--out"});
  EXPECT_TRUE(line.flags[0].missing_value);
  EXPECT_EQ(CheckFlags(line, "run", {"out"})->message, "--out needs a value");
}

}  // namespace
}  // namespace qgrad::cli
