// Flag / environment / default resolution of the connection settings.
#include "cli/client_settings.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "gtest/gtest.h"

namespace qgrad::cli {
namespace {

EnvLookup Env(const std::map<std::string, std::string>& vars) {
  return [vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path =
      std::filesystem::path(::testing::TempDir()) / (name + "_" + std::to_string(getpid()));
  std::ofstream(path) << text;
  return path;
}

TEST(ClientSettingsTest, DefaultsWithNothingGiven) {
  absl::StatusOr<client::ClientOptions> o = ResolveClientOptions({}, Env({}));
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->server, "127.0.0.1:50051");
  EXPECT_EQ(o->token, "");
  EXPECT_EQ(o->tls_ca_file, "");
}

TEST(ClientSettingsTest, EnvironmentFillsWhatFlagsLeaveOut) {
  auto env = Env({{"QGRAD_SERVER", "lab:7000"},
                  {"QGRAD_TOKEN", "from-env"},
                  {"QGRAD_TLS_CA", "/etc/qgrad/ca.pem"},
                  {"QGRAD_TLS_CERT", "/c.pem"},
                  {"QGRAD_TLS_KEY", "/k.pem"},
                  {"QGRAD_TLS_SERVER_NAME", "qgrad.lab"}});
  absl::StatusOr<client::ClientOptions> o = ResolveClientOptions({}, env);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->server, "lab:7000");
  EXPECT_EQ(o->token, "from-env");
  EXPECT_EQ(o->tls_ca_file, "/etc/qgrad/ca.pem");
  EXPECT_EQ(o->tls_cert_file, "/c.pem");
  EXPECT_EQ(o->tls_key_file, "/k.pem");
  EXPECT_EQ(o->tls_server_name, "qgrad.lab");

  ClientFlags flags;
  flags.server = "flag:1";
  flags.token = "from-flag";
  flags.tls_ca = "/flag/ca.pem";
  o = ResolveClientOptions(flags, env);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->server, "flag:1");
  EXPECT_EQ(o->token, "from-flag");
  EXPECT_EQ(o->tls_ca_file, "/flag/ca.pem");
  EXPECT_EQ(o->tls_cert_file, "/c.pem");  // not given as a flag: still from the environment
}

TEST(ClientSettingsTest, EmptyVariablesCountAsUnset) {
  absl::StatusOr<client::ClientOptions> o = ResolveClientOptions({}, Env({{"QGRAD_SERVER", ""}}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->server, "127.0.0.1:50051");
}

TEST(ClientSettingsTest, TokenFilesAreTrimmedAndRankedBelowDirectTokens) {
  const std::string file = WriteTemp("token", "  abc123\n");
  ClientFlags flags;
  flags.token_file = file;
  absl::StatusOr<client::ClientOptions> o = ResolveClientOptions(flags, Env({}));
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->token, "abc123");
  // A token file flag beats a token variable (flags beat variables) ...
  o = ResolveClientOptions(flags, Env({{"QGRAD_TOKEN", "env"}}));
  EXPECT_EQ(o->token, "abc123");
  // ... a token variable beats a token file variable.
  o = ResolveClientOptions({}, Env({{"QGRAD_TOKEN", "env"}, {"QGRAD_TOKEN_FILE", file}}));
  EXPECT_EQ(o->token, "env");
  o = ResolveClientOptions({}, Env({{"QGRAD_TOKEN_FILE", file}}));
  EXPECT_EQ(o->token, "abc123");
}

TEST(ClientSettingsTest, UnreadableOrEmptyTokenFileIsAnError) {
  ClientFlags flags;
  flags.token_file = "/nonexistent/token";
  EXPECT_TRUE(absl::IsInvalidArgument(ResolveClientOptions(flags, Env({})).status()));
  flags.token_file = WriteTemp("empty_token", "\n");
  EXPECT_TRUE(absl::IsInvalidArgument(ResolveClientOptions(flags, Env({})).status()));
}

}  // namespace
}  // namespace qgrad::cli
