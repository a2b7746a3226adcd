// Tests of credential references and Secret: env and file references, their errors, and
// that neither printing a Secret nor any error shows a value.
#include "backends/rest/credentials.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad::backends::rest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string TempFile(const std::string& name, const std::string& contents, mode_t mode) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::ofstream(path) << contents;
  chmod(path.c_str(), mode);
  return path;
}

TEST(CredentialsTest, EnvReference) {
  setenv("QGRAD_REST_TEST_KEY", " env-secret-1\n", 1);
  absl::StatusOr<Secret> s = ResolveSecret("env:QGRAD_REST_TEST_KEY");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->value(), "env-secret-1");

  unsetenv("QGRAD_REST_TEST_UNSET");
  absl::Status missing = ResolveSecret("env:QGRAD_REST_TEST_UNSET").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("QGRAD_REST_TEST_UNSET"));

  setenv("QGRAD_REST_TEST_EMPTY", "  ", 1);
  EXPECT_EQ(ResolveSecret("env:QGRAD_REST_TEST_EMPTY").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveSecret("env:").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CredentialsTest, FileReference) {
  const std::string good = TempFile("rest_key_good", "file-secret-2\n", 0600);
  absl::StatusOr<Secret> s = ResolveSecret("file:" + good);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->value(), "file-secret-2");

  const std::string open = TempFile("rest_key_open", "file-secret-3\n", 0644);
  absl::Status world = ResolveSecret("file:" + open).status();
  EXPECT_EQ(world.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(world.message()), Not(HasSubstr("file-secret-3")));

  const std::string empty = TempFile("rest_key_empty", " \n", 0600);
  EXPECT_EQ(ResolveSecret("file:" + empty).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveSecret("file:/nonexistent/qgrad/key").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(CredentialsTest, AnUnknownReferenceIsNotRepeated) {
  absl::Status s = ResolveSecret("sk-live-pasted-key").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("pasted")));
}

TEST(CredentialsTest, SecretPrintsAsStars) {
  const Secret s("top-secret-value");
  // (Abseil 20220623's StrCat does not call AbslStringify yet; newer ones print "***".)
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "***");
  EXPECT_EQ(s.value(), "top-secret-value");
}

TEST(CredentialsTest, Redact) {
  EXPECT_EQ(Redact("a top-secret-value b top-secret-value", Secret("top-secret-value")),
            "a *** b ***");
  EXPECT_EQ(Redact("a b c", Secret("b")), "a b c");  // too short to mask
  EXPECT_EQ(Redact("nothing", Secret()), "nothing");
}

}  // namespace
}  // namespace qgrad::backends::rest
