// TLS and mutual TLS between the client and the FakeServer, with a throwaway CA and
// certificates made by the openssl tool in a temporary directory.
#include <grpcpp/security/server_credentials.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "client/fake_server.h"
#include "gtest/gtest.h"

namespace qgrad::client {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TlsTest : public ::testing::Test {
 protected:
  // One CA, a server certificate for qgrad.internal and 127.0.0.1, a client certificate,
  // and an unrelated CA that signed none of them.
  static void SetUpTestSuite() {
    // Per process: CTest runs each test as its own process, in parallel.
    dir_ = new std::string(std::filesystem::path(::testing::TempDir()) /
                           absl::StrCat("qgrad_tls_test_", getpid()));
    std::filesystem::create_directories(*dir_);
    const std::string d = *dir_;
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::ofstream(d + "/san.ext") << "subjectAltName=DNS:qgrad.internal,IP:127.0.0.1\n";
    const std::string script = absl::StrCat(
        "set -e; cd ", d, "; exec 2>openssl.log; ", "openssl req -x509 ", key,
        " -keyout ca.key -out ca.pem -days 1 -subj /CN=test-ca; ", "openssl req -x509 ", key,
        " -keyout other.key -out other.pem -days 1 -subj /CN=other; ", "openssl req ", key,
        " -keyout server.key -out server.csr -subj /CN=qgrad.internal; ",
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial ",
        "-out server.pem -days 1 -extfile san.ext; ", "openssl req ", key,
        " -keyout client.key -out client.csr -subj /CN=tenant-a; ",
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial ",
        "-out client.pem -days 1");
    ASSERT_EQ(std::system(("bash -c '" + script + "'").c_str()), 0) << Read(d + "/openssl.log");
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static std::string File(const std::string& name) { return *dir_ + "/" + name; }

  void StartServer(bool require_client_cert) {
    grpc::SslServerCredentialsOptions ssl(
        require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                            : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_root_certs = Read(File("ca.pem"));
    ssl.pem_key_cert_pairs.push_back({Read(File("server.key")), Read(File("server.pem"))});
    FakeServerOptions options;
    options.credentials = grpc::SslServerCredentials(ssl);
    auto server = FakeServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  ClientOptions Options() const {
    ClientOptions options;
    options.server = server_->address();
    options.timeout = absl::Seconds(10);
    return options;
  }

  absl::Status Call(const ClientOptions& options) {
    absl::StatusOr<Client> client = Client::Create(options);
    if (!client.ok()) return client.status();
    return client->ListBackends().status();
  }

  static std::string* dir_;
  std::unique_ptr<FakeServer> server_;
};
std::string* TlsTest::dir_ = nullptr;

TEST_F(TlsTest, ServerVerifiedAgainstTheCa) {
  StartServer(/*require_client_cert=*/false);
  ClientOptions options = Options();
  options.tls_ca_file = File("ca.pem");
  EXPECT_TRUE(Call(options).ok()) << Call(options);

  ClientOptions wrong_ca = options;
  wrong_ca.tls_ca_file = File("other.pem");
  EXPECT_TRUE(absl::IsUnavailable(Call(wrong_ca)));

  ClientOptions plaintext = Options();
  EXPECT_TRUE(absl::IsUnavailable(Call(plaintext)));
}

TEST_F(TlsTest, ServerNameOverrideIsChecked) {
  StartServer(/*require_client_cert=*/false);
  ClientOptions options = Options();
  options.tls_ca_file = File("ca.pem");
  options.tls_server_name = "qgrad.internal";
  EXPECT_TRUE(Call(options).ok()) << Call(options);
  options.tls_server_name = "somewhere.else";
  EXPECT_TRUE(absl::IsUnavailable(Call(options)));
}

TEST_F(TlsTest, MutualTlsNeedsTheClientCertificate) {
  StartServer(/*require_client_cert=*/true);
  ClientOptions options = Options();
  options.tls_ca_file = File("ca.pem");
  EXPECT_TRUE(absl::IsUnavailable(Call(options)));
  options.tls_cert_file = File("client.pem");
  options.tls_key_file = File("client.key");
  EXPECT_TRUE(Call(options).ok()) << Call(options);
}

}  // namespace
}  // namespace qgrad::client
