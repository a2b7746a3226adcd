// `qgrad watch`; see watch_command.h.
//
// Thread-safety: single-threaded; reads global flags.
#include "cli/watch_command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/exit_codes.h"
#include "cli/progress_bar.h"
#include "cli/remote_common.h"
#include "cli/shared_flags.h"

ABSL_FLAG(int64_t, after, 0,
          "watch: only events after this sequence number (0: the whole log from the start)");

namespace qgrad::cli {
namespace {

// Ctrl-C during an in-place display: end the open line so the shell prompt starts on a
// fresh one. Only async-signal-safe calls here.
extern "C" void EndLineAndExit(int) {
  const char newline = '\n';
  (void)!write(STDERR_FILENO, &newline, 1);
  _exit(130);  // 128 + SIGINT, as shells report it
}

int TerminalColumns() {
  struct winsize size {};
  if (ioctl(fileno(stderr), TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace

int WatchJobAndReport(client::Client& client, const std::string& job_id, int64_t after_sequence,
                      const char* command) {
  // The spec tells the progress line where the run will stop; the call also reports a
  // wrong job id before any stream is opened.
  absl::StatusOr<v1::Job> job = client.GetJob(job_id);
  if (!job.ok()) return FailWithStatus(command, job.status());
  ProgressTracker tracker(PlanFor(job->spec()));
  const bool quiet = absl::GetFlag(FLAGS_quiet);
  const bool json = absl::GetFlag(FLAGS_json);
  const bool in_place = isatty(fileno(stderr)) != 0;
  ProgressPrinter printer(stderr, in_place, TerminalColumns());
  if (in_place && !quiet) std::signal(SIGINT, EndLineAndExit);

  client::WatchOptions options;
  options.on_reconnect = [&](const absl::Status& error, int attempt, absl::Duration delay) {
    if (quiet) return;
    // The server may end a stream on purpose (a job paused by a store outage says so in
    // the message), so the note reports the reason rather than presuming a lost link.
    printer.Note(absl::StrFormat("watch interrupted (%s); resuming in %s (attempt %d)",
                                 error.message(), FormatDuration(absl::ToDoubleSeconds(delay)),
                                 attempt));
  };
  absl::StatusOr<client::WatchSummary> summary = client.Watch(
      job_id, after_sequence,
      [&](const v1::JobEvent& event) {
        tracker.Add(event);
        if (json) {
          std::printf("%s\n", CompactJson(event).c_str());
          std::fflush(stdout);
        }
        if (!quiet) printer.Show(tracker.Line());
        return true;
      },
      options);
  printer.Finish();
  if (!summary.ok()) return FailWithStatus(command, summary.status());

  const v1::JobState final_state = summary->final_state;
  if (!quiet) {
    std::fprintf(stderr, "%s %s after %d iterations (%s)\n", job_id.c_str(),
                 StateName(final_state).c_str(), tracker.iterations(),
                 FormatDuration(tracker.elapsed_seconds()).c_str());
  }
  if (final_state == v1::JOB_STATE_SUCCEEDED) return kExitOk;
  const std::string why = tracker.error().empty() ? "" : absl::StrCat(": ", tracker.error());
  return Fail(command, kExitFailure,
              absl::StrCat("job ", job_id, " ", StateName(final_state), why));
}

int RunWatchCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) return Fail("watch", kExitUsage, "usage: qgrad watch JOB_ID [--after N]");
  absl::StatusOr<client::Client> client = ConnectFromFlags();
  if (!client.ok()) return FailWithStatus("watch", client.status());
  return WatchJobAndReport(*client, args[0], absl::GetFlag(FLAGS_after), "watch");
}

}  // namespace qgrad::cli
