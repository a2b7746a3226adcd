// submit, status, list, cancel, result and backends; see job_commands.h.
//
// Thread-safety: single-threaded; reads global flags.
#include "cli/job_commands.h"

#include <algorithm>
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "cli/exit_codes.h"
#include "cli/progress_bar.h"
#include "cli/remote_common.h"
#include "cli/result_output.h"
#include "cli/shared_flags.h"
#include "cli/watch_command.h"
#include "runner/json_io.h"

ABSL_FLAG(std::string, key, "",
          "submit: idempotency key; resubmitting with the same key returns the first job");
ABSL_FLAG(std::vector<std::string>, label, {},
          "submit: labels k=v[,k=v...] to attach; list: only jobs carrying all of them");
ABSL_FLAG(int32_t, priority, 0, "submit: -100..100, higher runs first");
ABSL_FLAG(absl::Duration, deadline, absl::ZeroDuration(),
          "submit: cancel the job if not finished this long after submission (e.g. 90m; "
          "0: none)");
ABSL_FLAG(std::string, backend, "", "submit: backend to run on (default: the server's)");
ABSL_FLAG(bool, watch, false, "submit: then watch the job until it ends (as qgrad watch)");
ABSL_FLAG(std::vector<std::string>, state, {},
          "list: only jobs in these states (queued,running,succeeded,failed,cancelled)");
ABSL_FLAG(int32_t, limit, 100, "list: at most this many jobs (0: all)");

namespace qgrad::cli {
namespace {

std::string Directory(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// The server cannot read the client's files: a molecule's FCIDUMP file (relative paths
// resolved against the spec's directory, as `qgrad run` does) travels inline.
absl::Status InlineFcidump(const std::string& spec_path, v1::JobSpec& spec) {
  if (!spec.problem().has_molecule() || !spec.problem().molecule().has_fcidump_path()) {
    return absl::OkStatus();
  }
  std::string path = spec.problem().molecule().fcidump_path();
  if (!path.empty() && path[0] != '/') path = absl::StrCat(Directory(spec_path), "/", path);
  absl::StatusOr<std::string> text = runner::ReadTextFile(path);
  if (!text.ok()) return text.status();
  spec.mutable_problem()->mutable_molecule()->set_fcidump_text(*std::move(text));
  return absl::OkStatus();
}

absl::Status ParseLabels(const std::vector<std::string>& items,
                         google::protobuf::Map<std::string, std::string>& labels) {
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(absl::StrCat("--label ", item, ": expected key=value"));
    }
    labels[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return absl::OkStatus();
}

absl::Status ParseStates(const std::vector<std::string>& items,
                         google::protobuf::RepeatedField<int>& states) {
  for (const std::string& item : items) {
    std::string name = absl::AsciiStrToUpper(item);
    if (!absl::StartsWith(name, "JOB_STATE_")) name = absl::StrCat("JOB_STATE_", name);
    v1::JobState state;
    if (!v1::JobState_Parse(name, &state) || state == v1::JOB_STATE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("--state ", item,
                                                     ": one of queued, running, succeeded, failed, "
                                                     "cancelled"));
    }
    states.Add(state);
  }
  return absl::OkStatus();
}

std::string Labels(const v1::Job& job) {
  std::vector<std::string> items;
  for (const auto& [key, value] : job.labels()) items.push_back(absl::StrCat(key, "=", value));
  std::sort(items.begin(), items.end());  // map order is unspecified
  return absl::StrJoin(items, ",");
}

void PrintJobText(const v1::Job& job) {
  std::printf("%s  %s\n", job.id().c_str(), StateName(job.state()).c_str());
  if (!job.spec().name().empty()) std::printf("  name:       %s\n", job.spec().name().c_str());
  std::printf("  backend:    %s  (priority %d)\n", job.backend().c_str(), job.priority());
  std::printf("  created:    %s\n", FormatTime(job.create_time_unix_micros()).c_str());
  std::printf("  started:    %s\n", FormatTime(job.start_time_unix_micros()).c_str());
  std::printf("  finished:   %s\n", FormatTime(job.finish_time_unix_micros()).c_str());
  if (job.deadline_unix_micros() != 0) {
    std::printf("  deadline:   %s\n", FormatTime(job.deadline_unix_micros()).c_str());
  }
  std::printf("  progress:   %d iterations, last event %lld\n", job.iterations_done(),
              static_cast<long long>(job.last_event_sequence()));
  if (!job.labels().empty()) std::printf("  labels:     %s\n", Labels(job).c_str());
  if (!job.idempotency_key().empty()) {
    std::printf("  key:        %s\n", job.idempotency_key().c_str());
  }
  if (!job.error().empty()) std::printf("  error:      %s\n", job.error().c_str());
}

absl::StatusOr<v1::JobSpec> ReadSpec(const std::string& path) {
  absl::StatusOr<std::string> text = runner::ReadTextFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<v1::JobSpec> spec = runner::ParseJobSpecJson(*text);
  if (!spec.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", spec.status().message()));
  }
  if (absl::Status s = InlineFcidump(path, *spec); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
  }
  return spec;
}

}  // namespace

int RunSubmitCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) return Fail("submit", kExitUsage, "usage: qgrad submit SPEC.json");
  v1::SubmitJobRequest request;
  absl::StatusOr<v1::JobSpec> spec = ReadSpec(args[0]);
  if (!spec.ok()) return Fail("submit", kExitBadInput, std::string(spec.status().message()));
  *request.mutable_spec() = *std::move(spec);
  if (absl::Status s = ParseLabels(absl::GetFlag(FLAGS_label), *request.mutable_labels());
      !s.ok()) {
    return Fail("submit", kExitUsage, std::string(s.message()));
  }
  request.set_idempotency_key(absl::GetFlag(FLAGS_key));
  request.set_priority(absl::GetFlag(FLAGS_priority));
  request.set_deadline_seconds(absl::ToDoubleSeconds(absl::GetFlag(FLAGS_deadline)));
  request.set_backend(absl::GetFlag(FLAGS_backend));

  absl::StatusOr<client::Client> client = ConnectFromFlags();
  if (!client.ok()) return FailWithStatus("submit", client.status());
  absl::StatusOr<v1::SubmitJobResponse> response = client->Submit(request);
  if (!response.ok()) return FailWithStatus("submit", response.status());
  const std::string& id = response->job().id();
  const bool watch = absl::GetFlag(FLAGS_watch);
  if (absl::GetFlag(FLAGS_json)) {
    // With --watch the events follow as JSON lines, so the answer takes one line too.
    if (watch) {
      std::printf("%s\n", CompactJson(*response).c_str());
      std::fflush(stdout);
    } else {
      PrintJson(*response);
    }
  } else {
    std::printf("%s\n", id.c_str());  // alone on stdout: JOB=$(qgrad submit spec.json)
    std::fflush(stdout);
    const std::string note =
        response->created()
            ? absl::StrCat("submitted ", id, " (", StateName(response->job().state()), ")")
            : absl::StrCat("already submitted as ", id, " (idempotency key ",
                           request.idempotency_key(), ", ", StateName(response->job().state()),
                           ")");
    std::fprintf(stderr, "%s\n", note.c_str());
  }
  if (!watch) return kExitOk;
  return WatchJobAndReport(*client, id, 0, "submit");
}

int RunStatusCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) return Fail("status", kExitUsage, "usage: qgrad status JOB_ID");
  absl::StatusOr<client::Client> client = ConnectFromFlags();
  if (!client.ok()) return FailWithStatus("status", client.status());
  absl::StatusOr<v1::Job> job = client->GetJob(args[0]);
  if (!job.ok()) return FailWithStatus("status", job.status());
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(*job);
  } else {
    PrintJobText(*job);
  }
  return kExitOk;
}

int RunListCommand(const std::vector<std::string>& args) {
  if (!args.empty()) return Fail("list", kExitUsage, "usage: qgrad list [--state s,...]");
  v1::ListJobsRequest request;
  if (absl::Status s = ParseStates(absl::GetFlag(FLAGS_state), *request.mutable_states());
      !s.ok()) {
    return Fail("list", kExitUsage, std::string(s.message()));
  }
  if (absl::Status s = ParseLabels(absl::GetFlag(FLAGS_label), *request.mutable_labels());
      !s.ok()) {
    return Fail("list", kExitUsage, std::string(s.message()));
  }
  const int limit = absl::GetFlag(FLAGS_limit);
  if (limit < 0) return Fail("list", kExitUsage, "--limit: must be >= 0");
  request.set_page_size(limit == 0 ? 1000 : std::min(limit, 1000));

  absl::StatusOr<client::Client> client = ConnectFromFlags();
  if (!client.ok()) return FailWithStatus("list", client.status());
  v1::ListJobsResponse all;  // the pages merged, for --json
  while (limit == 0 || all.jobs_size() < limit) {
    absl::StatusOr<v1::ListJobsResponse> page = client->ListJobs(request);
    if (!page.ok()) return FailWithStatus("list", page.status());
    for (v1::Job& job : *page->mutable_jobs()) {
      if (limit != 0 && all.jobs_size() >= limit) break;
      *all.add_jobs() = std::move(job);
    }
    all.set_next_page_token(page->next_page_token());
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(all);
    return kExitOk;
  }
  // Ids are the server's choice, so the column fits the longest one.
  int id_width = 2;
  for (const v1::Job& job : all.jobs()) id_width = std::max(id_width, int(job.id().size()));
  std::printf("%-*s  %-10s %5s %5s  %-20s  %-12s %s\n", id_width, "ID", "STATE", "ITER", "PRIO",
              "CREATED", "BACKEND", "LABELS");
  for (const v1::Job& job : all.jobs()) {
    std::printf("%-*s  %-10s %5d %5d  %-20s  %-12s %s\n", id_width, job.id().c_str(),
                StateName(job.state()).c_str(), job.iterations_done(), job.priority(),
                FormatTime(job.create_time_unix_micros()).c_str(), job.backend().c_str(),
                Labels(job).c_str());
  }
  if (!all.next_page_token().empty()) {
    std::fprintf(stderr, "(more jobs: raise --limit, or 0 for all)\n");
  }
  return kExitOk;
}

int RunCancelCommand(const std::vector<std::string>& args) {
  if (args.empty()) return Fail("cancel", kExitUsage, "usage: qgrad cancel JOB_ID...");
  absl::StatusOr<client::Client> client = ConnectFromFlags();
  if (!client.ok()) return FailWithStatus("cancel", client.status());
  int exit_code = kExitOk;
  for (const std::string& id : args) {
    absl::StatusOr<v1::Job> job = client->Cancel(id);
    if (!job.ok()) {
      exit_code = std::max(exit_code, FailWithStatus("cancel", job.status()));
      continue;
    }
    if (absl::GetFlag(FLAGS_json)) {
      std::printf("%s\n", CompactJson(*job).c_str());  // one line per job
    } else if (job->state() == v1::JOB_STATE_CANCELLED) {
      std::printf("%s CANCELLED\n", id.c_str());
    } else {
      std::printf("%s already %s\n", id.c_str(), StateName(job->state()).c_str());
    }
  }
  return exit_code;
}

int RunResultCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return Fail("result", kExitUsage,
                "usage: qgrad result JOB_ID [--out F.json] [--qasm F.qasm] [--plot F.svg]");
  }
  const std::string& id = args[0];
  absl::StatusOr<client::Client> client = ConnectFromFlags();
  if (!client.ok()) return FailWithStatus("result", client.status());
  absl::StatusOr<v1::JobResult> result = client->GetResult(id);
  if (absl::IsFailedPrecondition(result.status())) {
    // Only a SUCCEEDED job has a result: say whether it never will or not yet.
    absl::StatusOr<v1::Job> job = client->GetJob(id);
    if (job.ok() && client::IsTerminal(job->state())) {
      const std::string why = job->error().empty() ? "" : absl::StrCat(": ", job->error());
      return Fail("result", kExitFailure,
                  absl::StrCat("job ", id, " ", StateName(job->state()), why, "; no result"));
    }
    if (job.ok()) {
      return Fail("result", kExitNotReady,
                  absl::StrCat("job ", id, " is ", StateName(job->state()), "; `qgrad watch ", id,
                               "` waits for it"));
    }
  }
  if (!result.ok()) return FailWithStatus("result", result.status());
  if (!absl::GetFlag(FLAGS_quiet)) PrintResultSummary(*result);
  if (absl::Status s = WriteResultOutputs(*result, result->name().empty() ? id : result->name());
      !s.ok()) {
    return Fail("result", kExitFailure, std::string(s.message()));
  }
  return kExitOk;
}

int RunUsageCommand(const std::vector<std::string>& args) {
  if (args.size() > 1) return Fail("usage", kExitUsage, "usage: qgrad usage [JOB_ID]");
  absl::StatusOr<client::Client> client = ConnectFromFlags();
  if (!client.ok()) return FailWithStatus("usage", client.status());
  absl::StatusOr<v1::GetUsageResponse> usage = client->GetUsage(args.empty() ? "" : args[0]);
  if (!usage.ok()) return FailWithStatus("usage", usage.status());
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(*usage);
    return kExitOk;
  }
  auto print = [](const std::string& what, const v1::JobUsage& u) {
    std::printf("%-24s %12.3f CPU seconds %14lld shots %10lld circuits\n", what.c_str(),
                u.cpu_seconds(), static_cast<long long>(u.shots()),
                static_cast<long long>(u.circuits()));
  };
  if (!args.empty()) print(args[0], usage->job());
  print(absl::StrCat("all jobs (", usage->jobs(), ")"), usage->tenant());
  return kExitOk;
}

int RunBackendsCommand(const std::vector<std::string>& args) {
  if (args.size() > 1) return Fail("backends", kExitUsage, "usage: qgrad backends [NAME]");
  absl::StatusOr<client::Client> client = ConnectFromFlags();
  if (!client.ok()) return FailWithStatus("backends", client.status());
  v1::ListBackendsResponse backends;
  if (args.size() == 1) {
    absl::StatusOr<v1::Backend> one = client->GetBackend(args[0]);
    if (!one.ok()) return FailWithStatus("backends", one.status());
    if (absl::GetFlag(FLAGS_json)) {
      PrintJson(*one);
      return kExitOk;
    }
    *backends.add_backends() = *std::move(one);
  } else {
    absl::StatusOr<v1::ListBackendsResponse> all = client->ListBackends();
    if (!all.ok()) return FailWithStatus("backends", all.status());
    if (absl::GetFlag(FLAGS_json)) {
      PrintJson(*all);
      return kExitOk;
    }
    backends = *std::move(all);
  }
  std::printf("%-14s %-8s %6s %10s %8s %5s  %s\n", "NAME", "STATUS", "QUBITS", "MAX_SHOTS",
              "RUNNING", "EXACT", "DESCRIPTION");
  for (const v1::Backend& b : backends.backends()) {
    absl::string_view status = v1::BackendStatus_Name(b.status());
    absl::ConsumePrefix(&status, "BACKEND_STATUS_");
    std::printf("%-14s %-8s %6d %10lld %8d %5s  %s\n", b.name().c_str(),
                std::string(status).c_str(), b.max_qubits(), static_cast<long long>(b.max_shots()),
                b.max_running_jobs(), b.exact() ? "yes" : "no", b.description().c_str());
    if (args.size() == 1 && b.native_gates_size() > 0) {
      std::printf("  native gates: %s\n", absl::StrJoin(b.native_gates(), " ").c_str());
    }
  }
  return kExitOk;
}

}  // namespace qgrad::cli
