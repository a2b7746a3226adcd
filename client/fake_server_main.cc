// qgrad_fake_server: the FakeServer as a process, for tests of clients written in other
// languages (the Python example). Prints "fake qgradd listening on 127.0.0.1:PORT" on
// stdout once it accepts calls, then serves until killed.
//
// Thread-safety: single-threaded main; the server runs on gRPC's threads.
#include <unistd.h>

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "client/fake_server.h"

ABSL_FLAG(int, port, 0, "port on 127.0.0.1 (0: any free one)");
ABSL_FLAG(std::string, token, "", "bearer token every call must carry (empty: none)");
ABSL_FLAG(int, iterations, 3, "progress events per submitted job");
ABSL_FLAG(int, event_interval_ms, 20, "milliseconds between a job's events");
ABSL_FLAG(int, drop_watch_streams, 0,
          "the first N WatchJob streams end with UNAVAILABLE after --drop_after_events");
ABSL_FLAG(int, drop_after_events, 2, "events sent before a dropped stream ends");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  qgrad::client::FakeServerOptions options;
  options.port = absl::GetFlag(FLAGS_port);
  options.token = absl::GetFlag(FLAGS_token);
  options.iterations = absl::GetFlag(FLAGS_iterations);
  options.event_interval = absl::Milliseconds(absl::GetFlag(FLAGS_event_interval_ms));
  auto server = qgrad::client::FakeServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "qgrad_fake_server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  (*server)->DropWatchStreams(absl::GetFlag(FLAGS_drop_watch_streams),
                              absl::GetFlag(FLAGS_drop_after_events));
  std::printf("fake qgradd listening on %s\n", (*server)->address().c_str());
  std::fflush(stdout);
  while (true) pause();  // until a signal ends the process
}
