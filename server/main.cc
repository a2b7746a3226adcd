// qgradd: the qgrad job server. `qgradd --help` lists the flags; `qgradd hash-token`
// reads a token on stdin and prints the SHA-256 hash a tokens file lists.
//
// Prints "qgradd listening on HOST:PORT" on stdout once serving; logs JSON lines on
// stderr (the libraries' own log lines included). SIGTERM or SIGINT: graceful shutdown,
// bounded by --shutdown_grace_seconds: when it has not finished by then (a job stuck in one
// long evaluation, a call that does not end), or on a second signal, the process exits
// anyway, like a crash the store is built to survive: running jobs resume from their last
// checkpoint on the next start. Exit codes: 0 after a shutdown, 1 the server could not
// start, 2 bad command line.
//
// Thread-safety: the signals are blocked in every thread and taken synchronously here with
// sigwait; the shutdown itself runs on a thread of its own so that main can bound it.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/auth.h"
#include "server/config.h"
#include "server/library_logs.h"
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

// Runs server.Shutdown() on its own thread and waits at most `grace` for it, or until a
// second signal. True when it finished in time.
bool ShutdownWithin(qgrad::server::QgraddServer& server, absl::Duration grace,
                    const sigset_t& signals) {
  absl::Notification done;
  std::thread shutdown([&] {
    server.Shutdown();
    done.Notify();
  });
  const absl::Time deadline = absl::Now() + grace;
  while (!done.HasBeenNotified()) {
    const absl::Duration left = std::min(deadline - absl::Now(), absl::Milliseconds(50));
    if (left <= absl::ZeroDuration()) break;
    const timespec wait = absl::ToTimespec(left);
    if (sigtimedwait(&signals, nullptr, &wait) > 0) break;  // asked again: stop now
  }
  if (done.HasBeenNotified()) {
    shutdown.join();
    return true;
  }
  shutdown.detach();  // the process ends below, with the thread still inside Shutdown
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  if (args.size() >= 2 && args[1] == "hash-token") return HashToken();
  qgrad::server::RouteLibraryLogsToJson();
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
  // Past the file-size limit (RLIMIT_FSIZE) a write should fail like on a full disk, which
  // the store survives, instead of killing the process.
  signal(SIGXFSZ, SIG_IGN);

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
  if (!config->http_port_file.empty() &&
      !WritePortFile(config->http_port_file, server.http_address())) {
    qgrad::server::LogLine(qgrad::server::LogLevel::kError, "port_file_failed")
        .Str("path", config->http_port_file);
  }
  std::cout << "qgradd listening on " << server.address() << std::endl;
  if (!server.http_address().empty()) {
    std::cout << "qgradd http gateway on " << server.http_address() << std::endl;
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  qgrad::server::LogLine(qgrad::server::LogLevel::kInfo, "shutdown_started")
      .Str("signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  // A little less than the grace goes to the server, so that the process is gone within it.
  const absl::Duration grace = absl::Seconds(config->shutdown_grace_seconds);
  if (!ShutdownWithin(server, grace * 0.9, signals)) {
    qgrad::server::LogLine(qgrad::server::LogLevel::kWarning, "shutdown_forced")
        .Str("detail", "shutdown did not finish in time; running jobs resume from their "
                       "last checkpoint on the next start");
    std::_Exit(0);
  }
  qgrad::server::LogLine(qgrad::server::LogLevel::kInfo, "shutdown_complete");
  return 0;
}
