// The IonQ v0.4 dialect: one job per program (`ionq.qasm3.v1`), `apiKey` authorization,
// an Idempotency-Key header with the client token, results as probabilities turned into
// counts by exact rounding. IonQ gives no per-shot data. See README.md.
//
// Thread-safety: immutable after construction.
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "backends/rest/dialect_internal.h"

namespace qgrad::backends::rest::internal {
namespace {

using nlohmann::json;

JobState MapIonqState(const std::string& s) {
  if (s == "submitted" || s == "ready") return JobState::kQueued;
  if (s == "running") return JobState::kRunning;
  if (s == "completed") return JobState::kSucceeded;
  if (s == "failed") return JobState::kFailed;
  if (s == "canceled" || s == "cancelled") return JobState::kCancelled;
  return JobState::kUnknown;
}

class IonqDialect final : public Dialect {
 public:
  IonqDialect(DialectConfig config, std::shared_ptr<RetryingSender> sender)
      : config_(std::move(config)), sender_(std::move(sender)) {}

  bool JobPerBatch() const override { return false; }
  bool PerShotData() const override { return false; }

  absl::StatusOr<std::string> Create(absl::Span<const DeviceProgram> programs,
                                     const std::string& client_token,
                                     absl::Notification* stop) override {
    if (programs.size() != 1) return absl::InternalError("ionq: one program per job");
    const DeviceProgram& p = programs[0];
    json body = {{"type", "ionq.qasm3.v1"},
                 {"name", p.name},
                 {"backend", config_.endpoints.device},
                 {"shots", p.shots},
                 {"input", {{"data", p.qasm}}},
                 {"metadata", {{"client_token", client_token}}}};
    HttpRequest r = Request("POST", "/jobs", &body);
    r.headers.emplace_back("Idempotency-Key", client_token);
    absl::StatusOr<json> j = JsonBody(r, Send(r, stop));
    if (!j.ok()) return j.status();
    return StringField(*j, "id", What(r));
  }

  absl::StatusOr<JobStatus> Status(const std::string& job, absl::Notification* stop) override {
    HttpRequest r = Request("GET", absl::StrCat("/jobs/", PercentEncode(job)), nullptr);
    absl::StatusOr<json> j = JsonBody(r, Send(r, stop));
    if (!j.ok()) return j.status();
    absl::StatusOr<std::string> s = StringField(*j, "status", What(r));
    if (!s.ok()) return s.status();
    JobStatus status{MapIonqState(*s), *s, ""};
    if (j->contains("failure") && (*j)["failure"].is_object()) {
      const json& f = (*j)["failure"];
      std::string code = f.value("code", std::string());
      std::string error = f.value("error", std::string());
      status.reason = code.empty() ? error : absl::StrCat(code, ": ", error);
    }
    return status;
  }

  absl::StatusOr<std::vector<ProgramResult>> Results(const std::string& job,
                                                     absl::Span<const DeviceProgram> programs,
                                                     bool /*memory*/,
                                                     absl::Notification* stop) override {
    if (programs.size() != 1) return absl::InternalError("ionq: one program per job");
    HttpRequest r = Request(
        "GET", absl::StrCat("/jobs/", PercentEncode(job), "/results/probabilities"), nullptr);
    absl::StatusOr<json> j = JsonBody(r, Send(r, stop));
    if (!j.ok()) return j.status();
    if (!j->is_object()) {
      return absl::UnknownError(absl::StrCat(What(r), ": probabilities are not an object"));
    }
    std::map<uint64_t, double> probabilities;
    for (const auto& [key, value] : j->items()) {
      uint64_t shot = 0;
      if (!absl::SimpleAtoi(key, &shot) || !value.is_number() ||
          (programs[0].num_clbits < 64 && shot >> programs[0].num_clbits != 0)) {
        return absl::UnknownError(
            absl::StrCat(What(r), ": bad probability entry \"", key.substr(0, 30), "\""));
      }
      probabilities[shot] = value.get<double>();
    }
    absl::StatusOr<std::vector<std::pair<uint64_t, int64_t>>> counts =
        CountsFromProbabilities(probabilities, programs[0].shots);
    if (!counts.ok()) {
      return absl::UnknownError(absl::StrCat(What(r), ": ", counts.status().message()));
    }
    ProgramResult result;
    result.num_clbits = programs[0].num_clbits;
    result.shots = programs[0].shots;
    result.counts = *std::move(counts);
    return std::vector<ProgramResult>{std::move(result)};
  }

  absl::Status Cancel(const std::string& job, absl::Notification* stop) override {
    HttpRequest r =
        Request("PUT", absl::StrCat("/jobs/", PercentEncode(job), "/status/cancel"), nullptr);
    return JsonBody(r, Send(r, stop)).status();
  }

 private:
  HttpRequest Request(std::string method, const std::string& path, const json* body) const {
    HttpRequest r = JsonRequest(std::move(method), config_.endpoints.base_url + path, body,
                                config_.request_timeout);
    r.headers.emplace_back("Authorization",
                           absl::StrCat("apiKey ", config_.secrets.api_key.value()));
    return r;
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& r, absl::Notification* stop) {
    SendOptions options;
    options.stop = stop;
    return sender_->Send(r, options);
  }

  const DialectConfig config_;
  const std::shared_ptr<RetryingSender> sender_;
};

}  // namespace

std::unique_ptr<Dialect> MakeIonqDialect(DialectConfig config,
                                         std::shared_ptr<RetryingSender> sender) {
  return std::make_unique<IonqDialect>(std::move(config), std::move(sender));
}

}  // namespace qgrad::backends::rest::internal
