// Tests of bearer-token authentication: SHA-256 vectors, tokens-file parsing errors by
// line, and Authenticate's answers.
//
// Thread-safety: single-threaded tests.
#include "server/auth.h"

#include "gtest/gtest.h"

namespace qgrad::server {
namespace {

TEST(AuthTest, Sha256MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuthTest, ParsesTokensFilesAndNamesTheBadLine) {
  const std::string alice = Sha256Hex("a-token");
  absl::StatusOr<TokenAuthenticator> auth =
      TokenAuthenticator::Parse("# comment\n\n  alice " + alice + "  \nbob\t" +
                                std::string(64, 'A') + "\n");
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_TRUE(auth->enabled());
  EXPECT_EQ(auth->num_tokens(), 2);

  struct Bad {
    std::string text, message;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"alice\n", "line 1: expected \"TENANT SHA256HEX\""},
           {"alice " + alice + " extra\n", "line 1: expected"},
           {"\nal ice " + alice + "\n", "line 2: expected"},
           {"al/ice " + alice + "\n", "line 1: tenant must match"},
           {"alice abc\n", "line 1: the token hash must be 64 hex digits"},
           {"alice " + std::string(64, 'g') + "\n", "line 1: the token hash must be 64 hex"},
           {"alice " + alice + "\nbob " + alice + "\n", "line 2: this token hash is listed twice"},
       }) {
    absl::StatusOr<TokenAuthenticator> parsed = TokenAuthenticator::Parse(bad.text);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad.text;
    EXPECT_NE(parsed.status().message().find(bad.message), std::string::npos) << parsed.status();
  }
  EXPECT_EQ(TokenAuthenticator::Load("/nonexistent/tokens").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(AuthTest, AuthenticatesBearerTokensByTheirHash) {
  absl::StatusOr<TokenAuthenticator> auth =
      TokenAuthenticator::Parse("alice " + Sha256Hex("a-token") + "\n");
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->Authenticate(true, "Bearer a-token").value(), "alice");
  EXPECT_EQ(auth->Authenticate(true, "bearer a-token").value(), "alice");
  for (const auto& [present, value] : std::vector<std::pair<bool, std::string>>{
           {false, ""}, {true, ""}, {true, "Bearer "}, {true, "Bearer b-token"},
           {true, "Basic a-token"}, {true, "a-token"}}) {
    EXPECT_EQ(auth->Authenticate(present, value).status().code(),
              absl::StatusCode::kUnauthenticated)
        << value;
  }
  // No tokens file: authentication is off and everyone is the default tenant.
  TokenAuthenticator off;
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.Authenticate(false, "").value(), kDefaultTenant);
}

}  // namespace
}  // namespace qgrad::server
