// Tests of device backends from configuration lines: values mapped to the REST backend's
// options, plain http refused beyond loopback, bad numbers and names refused, credentials
// resolved at start without their values in errors.
//
// Thread-safety: single-threaded tests.
#include "server/device_backends.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace qgrad::server {
namespace {

DeviceBackendConfig TestDeclaration(const std::string& line) {
  absl::StatusOr<DeviceBackendConfig> parsed = ParseDeviceBackend(line);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : DeviceBackendConfig{};
}

TEST(DeviceBackendsTest, SettingsBecomeOptions) {
  auto options = DeviceBackendOptions(TestDeclaration(
      "ibm dialect=qiskit_runtime url=https://q.example/api/v1 iam_url=https://iam.example "
      "device=ibm_test service_crn=crn:v1 credential=env:QGRAD_TEST_IBM_KEY native_gates=ibm "
      "max_qubits=27 max_shots=4000 max_programs=50 poll_ms=20 max_poll_ms=400 timeout_s=2.5 "
      "rate_limit=3 description=IBM_test_device"));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->name, "ibm");
  EXPECT_EQ(options->dialect, backends::rest::DialectKind::kQiskitRuntime);
  EXPECT_EQ(options->endpoints.base_url, "https://q.example/api/v1");
  EXPECT_EQ(options->endpoints.iam_url, "https://iam.example");
  EXPECT_EQ(options->endpoints.device, "ibm_test");
  EXPECT_EQ(options->credentials.api_key, "env:QGRAD_TEST_IBM_KEY");
  EXPECT_EQ(options->gate_set, backends::native::GateSet::kIbm);
  EXPECT_EQ(options->max_qubits, 27);
  EXPECT_EQ(options->max_shots, 4000);
  EXPECT_EQ(options->max_programs, 50);
  EXPECT_EQ(options->poll_interval, absl::Milliseconds(20));
  EXPECT_EQ(options->max_poll_interval, absl::Milliseconds(400));
  EXPECT_EQ(options->request_timeout, absl::Milliseconds(2500));
  EXPECT_DOUBLE_EQ(options->rate_limit, 3);
  EXPECT_EQ(options->description, "IBM test device");
}

TEST(DeviceBackendsTest, PlainHttpOnlyToLoopback) {
  for (const char* url : {"http://127.0.0.1:8080/v0.4", "http://localhost/v0.4",
                          "http://[::1]:9/x", "https://api.example/v0.4"}) {
    EXPECT_TRUE(DeviceBackendOptions(TestDeclaration(
                    absl::StrCat("d dialect=ionq device=simulator url=", url)))
                    .ok())
        << url;
  }
  for (const char* url : {"http://api.example/v0.4", "http://127.0.0.1.example/x",
                          "ftp://127.0.0.1/x", "api.example"}) {
    auto options = DeviceBackendOptions(
        TestDeclaration(absl::StrCat("d dialect=ionq device=simulator url=", url)));
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << url;
  }
  auto iam = DeviceBackendOptions(TestDeclaration(
      "d dialect=qiskit_runtime url=https://a iam_url=http://iam.example"));
  EXPECT_NE(iam.status().message().find("iam_url"), std::string::npos) << iam.status();
}

TEST(DeviceBackendsTest, BadValuesNameTheBackendAndKey) {
  for (const char* line :
       {"d dialect=ionq-ish url=https://a", "d dialect=ionq url=https://a max_qubits=0",
        "d dialect=ionq url=https://a max_shots=many", "d dialect=ionq url=https://a native_gates=x",
        "d dialect=ionq url=https://a poll_ms=100 max_poll_ms=10"}) {
    auto options = DeviceBackendOptions(TestDeclaration(line));
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << line;
    EXPECT_NE(options.status().message().find("backend d: "), std::string::npos)
        << options.status();
  }
}

TEST(DeviceBackendsTest, CredentialsResolveAtStartAndNeverShow) {
  const std::string secret = "s3cr3t-ionq-key-value";
  setenv("QGRAD_TEST_IONQ_KEY", secret.c_str(), 1);
  auto made = MakeDeviceBackend(TestDeclaration(
      "ionq dialect=ionq url=http://127.0.0.1:1/v0.4 device=simulator "
      "credential=env:QGRAD_TEST_IONQ_KEY"));
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ((*made)->Describe().name, "ionq");
  auto missing = MakeDeviceBackend(TestDeclaration(
      "ionq dialect=ionq url=http://127.0.0.1:1/v0.4 device=simulator "
      "credential=env:QGRAD_TEST_UNSET_VARIABLE"));
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("backend ionq: "), std::string::npos);
  EXPECT_EQ(missing.status().message().find(secret), std::string::npos);
  unsetenv("QGRAD_TEST_IONQ_KEY");
}

}  // namespace
}  // namespace qgrad::server
