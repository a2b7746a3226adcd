// Request validation; see validation.h.
//
// Thread-safety: no shared state.
#include "server/validation.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/job_records.h"
#include "server/log.h"

namespace qgrad::server {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
}

bool IsLabelKey(absl::string_view key) {
  if (key.empty() || key.size() > 63) return false;
  for (char c : key) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

// Printable ASCII only: keys end up in logs and listings.
bool IsPrintable(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isprint(c)) return false;
  }
  return true;
}

absl::Status ValidateLabels(const google::protobuf::Map<std::string, std::string>& labels,
                            absl::string_view field) {
  if (int(labels.size()) > kMaxLabels) {
    return Invalid(field, absl::StrCat("at most ", kMaxLabels, " labels"));
  }
  for (const auto& [key, value] : labels) {
    const std::string path = absl::StrCat(field, "[", JsonQuote(key), "]");
    if (!IsLabelKey(key)) return Invalid(path, "key must match [a-z0-9_.-]{1,63}");
    if (int(value.size()) > kMaxLabelValueLength) {
      return Invalid(path, absl::StrCat("value longer than ", kMaxLabelValueLength,
                                        " characters"));
    }
  }
  return absl::OkStatus();
}

// Runner messages start with the spec field ("problem.maxcut: ..."); the request nests the
// spec under "spec".
absl::Status UnderSpec(const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("spec.", status.message()));
}

// The server's own spec rules, checked before the runner's.
absl::Status ServerSpecRules(const v1::JobSpec& spec) {
  if (int(spec.name().size()) > kMaxSpecNameLength) {
    return Invalid("spec.name", absl::StrCat("longer than ", kMaxSpecNameLength, " characters"));
  }
  if (spec.problem().has_molecule() && spec.problem().molecule().has_fcidump_path()) {
    return Invalid("spec.problem.molecule.fcidump_path",
                   "the server reads no files; send the contents as fcidump_text");
  }
  if (spec.problem().has_maxcut() && spec.problem().maxcut().has_shots() &&
      spec.problem().maxcut().shots() < 0) {
    return Invalid("spec.problem.maxcut.shots", "must be >= 0");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<runner::JobShape> ValidateSubmit(const v1::SubmitJobRequest& request,
                                                const runner::SpecLimits& limits,
                                                const backends::Registry* backends) {
  if (int(request.idempotency_key().size()) > kMaxIdempotencyKeyLength) {
    return Invalid("idempotency_key",
                   absl::StrCat("longer than ", kMaxIdempotencyKeyLength, " characters"));
  }
  if (!IsPrintable(request.idempotency_key())) {
    return Invalid("idempotency_key", "must be printable ASCII");
  }
  if (absl::Status s = ValidateLabels(request.labels(), "labels"); !s.ok()) return s;
  if (request.priority() < -kMaxPriority || request.priority() > kMaxPriority) {
    return Invalid("priority", absl::StrCat("must be in [", -kMaxPriority, ", ", kMaxPriority,
                                            "], got ", request.priority()));
  }
  if (!std::isfinite(request.deadline_seconds()) || request.deadline_seconds() < 0) {
    return Invalid("deadline_seconds", "must be finite and >= 0");
  }
  if (request.deadline_seconds() > 366.0 * 24 * 3600) {
    return Invalid("deadline_seconds", "must be at most one year");
  }
  if (!request.backend().empty() && request.backend() != kBackendName) {
    return Invalid("backend", absl::StrCat("unknown backend ", JsonQuote(request.backend()),
                                           " (available: ", kBackendName, ")"));
  }
  if (!request.has_spec()) return Invalid("spec", "required");
  if (absl::Status s = ServerSpecRules(request.spec()); !s.ok()) return s;
  absl::StatusOr<runner::JobShape> shape = runner::ValidateJob(request.spec(), "", limits);
  if (!shape.ok()) return UnderSpec(shape.status());
  if (request.spec().estimation().has_shadows() && backends != nullptr) {
    const std::string& name = request.spec().estimation().shadows().backend();
    absl::StatusOr<std::shared_ptr<backends::Backend>> found =
        backends->Find(name.empty() ? "local" : name);
    if (!found.ok()) {
      return Invalid("spec.estimation.shadows.backend", std::string(found.status().message()));
    }
  }
  return shape;
}

absl::Status ValidateJobId(absl::string_view job_id, absl::string_view field) {
  if (job_id.empty()) return Invalid(field, "required");
  if (int(job_id.size()) > kMaxJobIdLength || !IsPrintable(job_id)) {
    return Invalid(field, "not a job id");
  }
  return absl::OkStatus();
}

absl::Status ValidateList(const v1::ListJobsRequest& request) {
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return Invalid("page_size", absl::StrCat("must be in [0, ", kMaxPageSize, "], got ",
                                             request.page_size()));
  }
  for (int i = 0; i < request.states_size(); ++i) {
    absl::StatusOr<store::JobState> state = FromProtoState(request.states(i));
    if (!state.ok()) return Invalid(absl::StrCat("states[", i, "]"), state.status().message());
  }
  return ValidateLabels(request.labels(), "labels");
}

absl::Status ValidateWatch(const v1::WatchJobRequest& request) {
  if (absl::Status s = ValidateJobId(request.job_id()); !s.ok()) return s;
  if (request.after_sequence() < 0) return Invalid("after_sequence", "must be >= 0");
  return absl::OkStatus();
}

}  // namespace qgrad::server
