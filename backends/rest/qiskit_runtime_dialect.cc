// The IBM Qiskit Runtime dialect: one sampler job per batch (one PUB per program), an IAM
// token exchanged from the API key and cached until a minute before it expires, renewed
// once when a call answers 401; `Service-CRN` on every call; per-shot hex samples. See
// README.md.
//
// Thread-safety: the token cache sits behind a mutex; the exchange itself runs under it so
// that concurrent callers share one renewal.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "backends/rest/dialect_internal.h"

namespace qgrad::backends::rest::internal {
namespace {

using nlohmann::json;

JobState MapIbmState(std::string s) {
  // "Cancelled - Ran too long" and similar variants keep the prefix.
  if (absl::EqualsIgnoreCase(s, "queued") || absl::EqualsIgnoreCase(s, "initializing")) {
    return JobState::kQueued;
  }
  if (absl::EqualsIgnoreCase(s, "running")) return JobState::kRunning;
  if (absl::EqualsIgnoreCase(s, "completed")) return JobState::kSucceeded;
  if (absl::EqualsIgnoreCase(s, "failed")) return JobState::kFailed;
  if (absl::StartsWithIgnoreCase(s, "cancelled")) return JobState::kCancelled;
  return JobState::kUnknown;
}

constexpr absl::Duration kRenewBeforeExpiry = absl::Seconds(60);

class QiskitRuntimeDialect final : public Dialect {
 public:
  QiskitRuntimeDialect(DialectConfig config, std::shared_ptr<RetryingSender> sender)
      : config_(std::move(config)), sender_(std::move(sender)) {}

  bool JobPerBatch() const override { return true; }
  bool PerShotData() const override { return true; }

  absl::StatusOr<std::string> Create(absl::Span<const DeviceProgram> programs,
                                     const std::string& client_token,
                                     absl::Notification* stop) override {
    json pubs = json::array();
    for (const DeviceProgram& p : programs) {
      // Values follow the order of the program's input declarations; translation binds
      // them all, and std::map order is what is left otherwise.
      json values = json::array();
      for (const auto& [name, value] : p.inputs) values.push_back(value);
      pubs.push_back(json::array({p.qasm, values, p.shots}));
    }
    const json body = {{"program_id", "sampler"},
                       {"backend", config_.endpoints.device},
                       {"params", {{"version", 2}, {"pubs", pubs}}}};
    HttpRequest r = Request("POST", "/jobs", &body);
    r.headers.emplace_back("Idempotency-Key", client_token);
    absl::StatusOr<json> j = Call(r, stop);
    if (!j.ok()) return j.status();
    return StringField(*j, "id", What(r));
  }

  absl::StatusOr<JobStatus> Status(const std::string& job, absl::Notification* stop) override {
    HttpRequest r = Request("GET", absl::StrCat("/jobs/", PercentEncode(job)), nullptr);
    absl::StatusOr<json> j = Call(r, stop);
    if (!j.ok()) return j.status();
    absl::StatusOr<std::string> s = StringField(*j, "status", What(r));
    if (!s.ok()) return s.status();
    JobStatus status{MapIbmState(*s), *s, ""};
    if (j->contains("state") && (*j)["state"].is_object()) {
      status.reason = (*j)["state"].value("reason", std::string());
    }
    return status;
  }

  absl::StatusOr<std::vector<ProgramResult>> Results(const std::string& job,
                                                     absl::Span<const DeviceProgram> programs,
                                                     bool memory,
                                                     absl::Notification* stop) override {
    HttpRequest r =
        Request("GET", absl::StrCat("/jobs/", PercentEncode(job), "/results"), nullptr);
    absl::StatusOr<json> j = Call(r, stop);
    if (!j.ok()) return j.status();
    const std::string what = What(r);
    if (!j->is_object() || !j->contains("results") || !(*j)["results"].is_array() ||
        (*j)["results"].size() != programs.size()) {
      return absl::UnknownError(
          absl::StrCat(what, ": expected \"results\" with ", programs.size(), " entries"));
    }
    std::vector<ProgramResult> out;
    for (size_t k = 0; k < programs.size(); ++k) {
      const json& pub = (*j)["results"][k];
      const json* c = nullptr;
      if (pub.is_object() && pub.contains("data") && pub["data"].is_object() &&
          pub["data"].contains("c") && pub["data"]["c"].is_object()) {
        c = &pub["data"]["c"];
      }
      if (c == nullptr || !c->contains("samples") || !(*c)["samples"].is_array()) {
        return absl::UnknownError(absl::StrCat(what, ": result ", k, " has no data.c.samples"));
      }
      const int bits = programs[k].num_clbits;
      if (c->contains("num_bits") && (!(*c)["num_bits"].is_number_integer() ||
                                      (*c)["num_bits"].get<int>() != bits)) {
        return absl::UnknownError(absl::StrCat(what, ": result ", k, " num_bits is not ", bits));
      }
      std::vector<uint64_t> shots;
      shots.reserve((*c)["samples"].size());
      for (const json& sample : (*c)["samples"]) {
        uint64_t shot = 0;
        std::string text = sample.is_string() ? sample.get<std::string>() : "";
        absl::string_view hex = text;
        if (!absl::ConsumePrefix(&hex, "0x") || hex.empty() || hex.size() > 16 ||
            !absl::SimpleHexAtoi(hex, &shot) || (bits < 64 && (shot >> bits) != 0)) {
          return absl::UnknownError(absl::StrCat(what, ": result ", k, " sample ", shots.size(),
                                                 " is not a ", bits, "-bit hex value"));
        }
        shots.push_back(shot);
      }
      out.push_back(ResultFromShots(std::move(shots), bits, memory));
    }
    return out;
  }

  absl::Status Cancel(const std::string& job, absl::Notification* stop) override {
    HttpRequest r =
        Request("POST", absl::StrCat("/jobs/", PercentEncode(job), "/cancel"), nullptr);
    return Call(r, stop).status();
  }

 private:
  HttpRequest Request(std::string method, const std::string& path, const json* body) const {
    HttpRequest r = JsonRequest(std::move(method), config_.endpoints.base_url + path, body,
                                config_.request_timeout);
    r.headers.emplace_back("Service-CRN", config_.endpoints.service_crn);
    return r;
  }

  // The cached token, or a fresh one when it is near expiry or `renew` (after a 401 with
  // `rejected`: renews only if no other caller has renewed meanwhile).
  absl::StatusOr<std::string> Token(bool renew, const std::string& rejected,
                                    absl::Notification* stop) {
    absl::MutexLock lock(&mu_);
    const absl::Time now = sender_->timing().Now();
    if (!token_.empty() && now + kRenewBeforeExpiry < expiry_ && !(renew && token_ == rejected)) {
      return token_;
    }
    HttpRequest r;
    r.method = "POST";
    r.url = config_.endpoints.iam_url + "/identity/token";
    r.timeout = config_.request_timeout;
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
    r.body = absl::StrCat("grant_type=", PercentEncode("urn:ibm:params:oauth:grant-type:apikey"),
                          "&apikey=", PercentEncode(config_.secrets.api_key.value()));
    SendOptions options;
    options.stop = stop;
    absl::StatusOr<json> j = JsonBody(r, sender_->Send(r, options));
    if (!j.ok()) {
      return absl::Status(j.status().code() == absl::StatusCode::kInvalidArgument
                              ? absl::StatusCode::kUnauthenticated
                              : j.status().code(),
                          absl::StrCat("IAM token exchange: ", j.status().message()));
    }
    absl::StatusOr<std::string> token = StringField(*j, "access_token", What(r));
    if (!token.ok()) return token.status();
    int64_t expires_in = 3600;
    if (j->contains("expires_in") && (*j)["expires_in"].is_number_integer()) {
      expires_in = (*j)["expires_in"].get<int64_t>();
    }
    token_ = *token;
    expiry_ = now + absl::Seconds(expires_in);
    return token_;
  }

  // Sends with the bearer token; a 401 renews the token and sends once more.
  absl::StatusOr<json> Call(const HttpRequest& request, absl::Notification* stop) {
    std::string used;
    for (int attempt = 0; attempt < 2; ++attempt) {
      absl::StatusOr<std::string> token = Token(attempt > 0, used, stop);
      if (!token.ok()) return token.status();
      used = *token;
      HttpRequest r = request;
      r.headers.emplace_back("Authorization", absl::StrCat("Bearer ", used));
      SendOptions options;
      options.stop = stop;
      absl::StatusOr<HttpResponse> response = sender_->Send(r, options);
      if (attempt == 0 && response.ok() && response->status == 401) continue;
      return JsonBody(r, response);
    }
    return absl::InternalError("unreachable");
  }

  const DialectConfig config_;
  const std::shared_ptr<RetryingSender> sender_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time expiry_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace

std::unique_ptr<Dialect> MakeQiskitRuntimeDialect(DialectConfig config,
                                                  std::shared_ptr<RetryingSender> sender) {
  return std::make_unique<QiskitRuntimeDialect>(std::move(config), std::move(sender));
}

}  // namespace qgrad::backends::rest::internal
