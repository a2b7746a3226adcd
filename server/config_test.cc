// Tests of qgradd's configuration: defaults, both flag spellings, a config file under the
// command line, the loopback/TLS rules, and errors that name the flag or file line.
//
// Thread-safety: single-threaded tests.
#include "server/config.h"

#include <fstream>

#include "gtest/gtest.h"

namespace qgrad::server {
namespace {

absl::StatusOr<ServerConfig> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "qgradd");
  return ParseCommandLine(args);
}

TEST(ConfigTest, DefaultsAreLoopbackAndDurable) {
  absl::StatusOr<ServerConfig> config = Parse({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:50051");
  EXPECT_EQ(config->store, "sqlite");
  EXPECT_FALSE(config->allow_insecure_remote);
}

TEST(ConfigTest, ParsesBothFlagSpellings) {
  absl::StatusOr<ServerConfig> config =
      Parse({"--listen", "127.0.0.1:0", "--max_running_jobs=3", "--store=memory",
             "--require_client_cert=false", "--max_qubits", "12", "--shutdown_grace_seconds=0.5"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:0");
  EXPECT_EQ(config->max_running_jobs, 3);
  EXPECT_EQ(config->store, "memory");
  EXPECT_EQ(config->max_qubits, 12);
  EXPECT_DOUBLE_EQ(config->shutdown_grace_seconds, 0.5);
}

TEST(ConfigTest, ConfigFileLinesYieldToTheCommandLine) {
  const std::string path = ::testing::TempDir() + "/qgradd_config_test.conf";
  {
    std::ofstream out(path);
    out << "# qgradd\nmax_running_jobs = 4\nmax_queued_per_tenant=7\nlisten = 127.0.0.1:9\n";
  }
  absl::StatusOr<ServerConfig> config = Parse({"--config=" + path, "--max_running_jobs=2"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->max_running_jobs, 2);
  EXPECT_EQ(config->max_queued_per_tenant, 7);
  EXPECT_EQ(config->listen, "127.0.0.1:9");

  ServerConfig direct;
  absl::Status bad = ApplyConfigText("max_qubits = 12\nmax_qubits = lots\n", "x.conf", direct);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("x.conf:2: --max_qubits: must be an integer"), std::string::npos)
      << bad;
  EXPECT_NE(ApplyConfigText("no equals sign\n", "y.conf", direct).message().find("y.conf:1:"),
            std::string::npos);
}

TEST(ConfigTest, DeviceBackendsAreDeclaredByLinesOrFlags) {
  ServerConfig config;
  ASSERT_TRUE(ApplyConfigText(
                  "backend = ionq-emu dialect=ionq url=http://127.0.0.1:9/v0.4 "
                  "credential=env:IONQ_API_KEY max_qubits=11\n"
                  "backend = ibm dialect=qiskit_runtime url=https://x.example/api/v1 "
                  "iam_url=https://iam.example credential=file:/run/ibm.key\n",
                  "b.conf", config)
                  .ok());
  ASSERT_EQ(config.device_backends.size(), 2u);
  EXPECT_EQ(config.device_backends[0].name, "ionq-emu");
  EXPECT_EQ(config.device_backends[0].settings.at("credential"), "env:IONQ_API_KEY");
  EXPECT_EQ(config.device_backends[0].settings.at("max_qubits"), "11");
  EXPECT_EQ(config.device_backends[1].settings.at("iam_url"), "https://iam.example");

  absl::StatusOr<ServerConfig> flags =
      Parse({"--backend", "braket dialect=braket url=http://127.0.0.1:1 region=us-east-1"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->device_backends.at(0).settings.at("region"), "us-east-1");

  for (const char* bad : {"", "bad/name dialect=ionq url=u", "x dialect=ionq",
                          "x url=u", "x dialect=ionq url=u colour=red", "x dialect=ionq url=u url=v",
                          "x dialect=ionq url=u loose"}) {
    EXPECT_EQ(ParseDeviceBackend(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  absl::Status twice = ApplyConfigText(
      "backend = a dialect=ionq url=u\nbackend = a dialect=ionq url=v\n", "t.conf", config);
  EXPECT_NE(twice.message().find("t.conf:2: --backend: \"a\" is declared twice"),
            std::string::npos)
      << twice;
}

TEST(ConfigTest, ErrorsNameTheFlag) {
  struct Bad {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Bad& bad : std::vector<Bad>{
           {{"--nope=1"}, "unknown flag --nope"},
           {{"stray"}, "unexpected argument"},
           {{"--max_running_jobs=0"}, "--max_running_jobs: must be an integer in [1, 1024]"},
           {{"--max_qubits=x"}, "--max_qubits"},
           {{"--store=postgres"}, "--store: must be sqlite, memory or a postgresql://"},
           {{"--replica_id=r1"}, "only with a postgresql:// --store"},
           {{"--store=memory", "--store_password_file=p"}, "only with a postgresql://"},
           {{"--lease_seconds=0.1"}, "--lease_seconds: must be a number in [0.3, 3600]"},
           {{"--tls_cert=a.pem"}, "--tls_cert and --tls_key"},
           {{"--tls_client_ca=ca.pem"}, "--tls_client_ca: needs --tls_cert"},
           {{"--tls_cert=a", "--tls_key=b", "--require_client_cert"},
            "--require_client_cert: needs --tls_client_ca"},
           {{"--listen=0.0.0.0:50051"}, "is not a loopback address"},
           {{"--listen=[::]:0"}, "is not a loopback address"},
           {{"--listen=10.1.2.3:7"}, "is not a loopback address"},
           {{"--http_listen=0.0.0.0:8080"}, "--http_listen: 0.0.0.0:8080 is not a loopback"},
           {{"--http_port_file=f"}, "--http_port_file: needs --http_listen"},
           {{"--log_level=loud"}, "--log_level"},
           {{"--config=/nonexistent.conf"}, "--config: cannot read"},
       }) {
    absl::StatusOr<ServerConfig> config = Parse(bad.args);
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << bad.args[0];
    EXPECT_NE(config.status().message().find(bad.message), std::string::npos) << config.status();
  }
  EXPECT_EQ(Parse({"--help"}).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ConfigTest, APostgresqlStoreTakesTheReplicaFlags) {
  absl::StatusOr<ServerConfig> config =
      Parse({"--store=postgresql://qgradd@db:5432/qgrad?sslmode=require", "--replica_id=pod-1",
             "--store_password_file=/run/pw", "--lease_seconds=4.5",
             "--health_listen=0.0.0.0:8081"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(IsPostgresStore(*config));
  EXPECT_EQ(config->replica_id, "pod-1");
  EXPECT_EQ(config->store_password_file, "/run/pw");
  EXPECT_EQ(config->lease_seconds, 4.5);
  // Plaintext health alone may listen anywhere: it tells only SERVING or not.
  EXPECT_EQ(config->health_listen, "0.0.0.0:8081");
  EXPECT_TRUE(IsPostgresStore(*Parse({"--store=postgres://db/qgrad"})));
  EXPECT_FALSE(IsPostgresStore(*Parse({})));
}

TEST(ConfigTest, RemoteAddressesNeedTlsOrAnExplicitForce) {
  EXPECT_TRUE(Parse({"--listen=0.0.0.0:1", "--tls_cert=c", "--tls_key=k"}).ok());
  EXPECT_TRUE(Parse({"--listen=0.0.0.0:1", "--allow_insecure_remote"}).ok());
  for (const char* loopback : {"127.0.0.1:1", "127.9.9.9:0", "localhost:5", "[::1]:5", "::1",
                               "ipv4:127.0.0.1:3"}) {
    EXPECT_TRUE(IsLoopbackAddress(loopback)) << loopback;
  }
  for (const char* remote : {"0.0.0.0:1", "[::]:1", "10.0.0.1:1", "[::2]:1", ":1", "0:1",
                             "no-such-host.invalid:1"}) {
    EXPECT_FALSE(IsLoopbackAddress(remote)) << remote;
  }
  EXPECT_TRUE(IsLoopbackAddress("unix:/tmp/qgradd.sock"));
  EXPECT_TRUE(IsLoopbackAddress("[::ffff:127.0.0.1]:1"));
}

// A name is judged by what it resolves to, not by how it is spelled.
TEST(ConfigTest, LoopbackCheckResolvesNames) {
  auto resolver = [](const std::string& host) -> absl::StatusOr<std::vector<std::string>> {
    if (host == "127.attacker.example") return std::vector<std::string>{"0.0.0.0"};
    if (host == "lab-local") return std::vector<std::string>{"127.0.1.1", "::1"};
    if (host == "split") return std::vector<std::string>{"127.0.0.1", "192.168.1.5"};
    return absl::NotFoundError(host);
  };
  EXPECT_FALSE(IsLoopbackAddress("127.attacker.example:50051", resolver));
  EXPECT_TRUE(IsLoopbackAddress("lab-local:50051", resolver));
  EXPECT_FALSE(IsLoopbackAddress("split:50051", resolver));
  EXPECT_FALSE(IsLoopbackAddress("unknown:50051", resolver));
  // The real resolver: localhost is loopback, the unspecified address is not.
  absl::StatusOr<std::vector<std::string>> localhost = ResolveHost("localhost");
  ASSERT_TRUE(localhost.ok()) << localhost.status();
  EXPECT_FALSE(localhost->empty());
  absl::StatusOr<std::vector<std::string>> any = ResolveHost("0.0.0.0");
  ASSERT_TRUE(any.ok()) << any.status();
  EXPECT_EQ(*any, std::vector<std::string>{"0.0.0.0"});
}

}  // namespace
}  // namespace qgrad::server
