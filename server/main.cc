// qgradd: the qgrad job server. `qgradd --help` lists the flags; `qgradd hash-token`
// reads a token on stdin and prints the SHA-256 hash a tokens file lists.
//
// Prints "qgradd listening on HOST:PORT" on stdout once serving; logs JSON lines on
// stderr. SIGTERM or SIGINT: graceful shutdown (exit 0). Exit codes: 1 the server could
// not start, 2 bad command line.
//
// Thread-safety: main thread only; the signals are blocked in every thread and taken
// synchronously here with sigwait.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "server/auth.h"
#include "server/config.h"
#include "server/log.h"
#include "server/server.h"

namespace {

int HashToken() {
  std::string token((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  std::cout << qgrad::server::Sha256Hex(token) << "\n";
  return 0;
}

bool WritePortFile(const std::string& path, const std::string& address) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (!(out << address << "\n")) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  if (args.size() >= 2 && args[1] == "hash-token") return HashToken();
  absl::StatusOr<qgrad::server::ServerConfig> config = qgrad::server::ParseCommandLine(args);
  if (!config.ok()) {
    if (config.status().code() == absl::StatusCode::kFailedPrecondition) {
      std::cout << config.status().message();  // --help
      return 0;
    }
    std::cerr << "qgradd: " << config.status().message() << "\n";
    return 2;
  }

  // Blocked before any thread exists, so every thread inherits the mask and only sigwait
  // below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  qgrad::server::QgraddServer server(*config);
  if (absl::Status s = server.Start(); !s.ok()) {
    qgrad::server::LogLine(qgrad::server::LogLevel::kError, "start_failed")
        .Str("error", s.ToString());
    return 1;
  }
  // The port file first: whoever reads the stdout line may rely on the file as well.
  if (!config->port_file.empty() && !WritePortFile(config->port_file, server.address())) {
    qgrad::server::LogLine(qgrad::server::LogLevel::kError, "port_file_failed")
        .Str("path", config->port_file);
  }
  std::cout << "qgradd listening on " << server.address() << std::endl;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  qgrad::server::LogLine(qgrad::server::LogLevel::kInfo, "shutdown_started")
      .Str("signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Shutdown();
  qgrad::server::LogLine(qgrad::server::LogLevel::kInfo, "shutdown_complete");
  return 0;
}
