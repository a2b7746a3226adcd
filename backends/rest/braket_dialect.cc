// The Amazon Braket dialect: one quantum task per program with a
// `braket.ir.openqasm.program` action, every request signed with SigV4 (service "braket";
// "s3" for the results object, read path-style from the S3 URL), the client token in the
// body, per-shot measurements from results.json. See README.md.
//
// Thread-safety: the task → results-location map sits behind a mutex.
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "backends/rest/dialect_internal.h"
#include "backends/rest/sigv4/sigv4.h"

namespace qgrad::backends::rest::internal {
namespace {

using nlohmann::json;

JobState MapBraketState(const std::string& s) {
  if (s == "CREATED" || s == "QUEUED") return JobState::kQueued;
  if (s == "RUNNING") return JobState::kRunning;
  if (s == "COMPLETED") return JobState::kSucceeded;
  if (s == "FAILED") return JobState::kFailed;
  if (s == "CANCELLING" || s == "CANCELLED") return JobState::kCancelled;
  return JobState::kUnknown;
}

// Splits "scheme://host[:port]/path?query" into host[:port], path ("/" at least), query.
absl::Status SplitUrl(const std::string& url, std::string& host, std::string& path,
                      std::string& query) {
  absl::string_view rest = url;
  const size_t scheme = rest.find("://");
  if (scheme == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("not an absolute URL: ", UrlWithoutQuery(url)));
  }
  rest.remove_prefix(scheme + 3);
  const size_t slash = std::min(rest.find_first_of("/?"), rest.size());
  host = std::string(rest.substr(0, slash));
  rest.remove_prefix(slash);
  const size_t q = std::min(rest.find('?'), rest.size());
  path = rest.substr(0, q).empty() ? "/" : std::string(rest.substr(0, q));
  query = q < rest.size() ? std::string(rest.substr(q + 1)) : "";
  return absl::OkStatus();
}

class BraketDialect final : public Dialect {
 public:
  BraketDialect(DialectConfig config, std::shared_ptr<RetryingSender> sender)
      : config_(std::move(config)), sender_(std::move(sender)) {}

  bool JobPerBatch() const override { return false; }
  bool PerShotData() const override { return true; }

  absl::StatusOr<std::string> Create(absl::Span<const DeviceProgram> programs,
                                     const std::string& client_token,
                                     absl::Notification* stop) override {
    if (programs.size() != 1) return absl::InternalError("braket: one program per task");
    const DeviceProgram& p = programs[0];
    json inputs = json::object();
    for (const auto& [name, value] : p.inputs) inputs[name] = value;
    const json action = {
        {"braketSchemaHeader", {{"name", "braket.ir.openqasm.program"}, {"version", "1"}}},
        {"source", p.qasm},
        {"inputs", inputs}};
    const json body = {{"action", action.dump()},
                       {"clientToken", client_token},
                       {"deviceArn", config_.endpoints.device},
                       {"outputS3Bucket", config_.endpoints.bucket},
                       {"outputS3KeyPrefix", config_.endpoints.prefix},
                       {"shots", p.shots}};
    HttpRequest r = JsonRequest("POST", config_.endpoints.base_url + "/quantum-task", &body,
                                config_.request_timeout);
    absl::StatusOr<json> j = JsonBody(r, Send(r, "braket", stop));
    if (!j.ok()) return j.status();
    return StringField(*j, "quantumTaskArn", What(r));
  }

  absl::StatusOr<JobStatus> Status(const std::string& job, absl::Notification* stop) override {
    HttpRequest r = JsonRequest("GET", TaskUrl(job), nullptr, config_.request_timeout);
    absl::StatusOr<json> j = JsonBody(r, Send(r, "braket", stop));
    if (!j.ok()) return j.status();
    absl::StatusOr<std::string> s = StringField(*j, "status", What(r));
    if (!s.ok()) return s.status();
    JobStatus status{MapBraketState(*s), *s, j->value("failureReason", std::string())};
    if (status.state == JobState::kSucceeded) {
      absl::StatusOr<std::string> bucket = StringField(*j, "outputS3Bucket", What(r));
      if (!bucket.ok()) return bucket.status();
      absl::StatusOr<std::string> dir = StringField(*j, "outputS3Directory", What(r));
      if (!dir.ok()) return dir.status();
      absl::MutexLock lock(&mu_);
      locations_[job] = {*bucket, *dir};
    }
    return status;
  }

  absl::StatusOr<std::vector<ProgramResult>> Results(const std::string& job,
                                                     absl::Span<const DeviceProgram> programs,
                                                     bool memory,
                                                     absl::Notification* stop) override {
    if (programs.size() != 1) return absl::InternalError("braket: one program per task");
    std::pair<std::string, std::string> where;
    {
      absl::MutexLock lock(&mu_);
      auto it = locations_.find(job);
      if (it != locations_.end()) where = it->second;
    }
    if (where.first.empty()) {  // not seen completed by Status: ask again
      absl::StatusOr<JobStatus> s = Status(job, stop);
      if (!s.ok()) return s.status();
      absl::MutexLock lock(&mu_);
      auto it = locations_.find(job);
      if (it == locations_.end()) {
        return absl::FailedPreconditionError(
            absl::StrCat("braket task ", job, " is ", s->provider_state, ", not COMPLETED"));
      }
      where = it->second;
    }
    std::string key(absl::StripSuffix(where.second, "/"));
    HttpRequest r = JsonRequest(
        "GET",
        absl::StrCat(config_.endpoints.s3_url, "/", where.first, "/", key, "/results.json"),
        nullptr, config_.request_timeout);
    absl::StatusOr<json> j = JsonBody(r, Send(r, "s3", stop));
    if (!j.ok()) return j.status();
    const std::string what = What(r);
    if (!j->is_object() || !j->contains("measurements") || !(*j)["measurements"].is_array()) {
      return absl::UnknownError(absl::StrCat(what, ": no \"measurements\" array"));
    }
    const int bits = programs[0].num_clbits;
    std::vector<uint64_t> shots;
    shots.reserve((*j)["measurements"].size());
    for (const json& row : (*j)["measurements"]) {
      if (!row.is_array() || int(row.size()) != bits) {
        return absl::UnknownError(absl::StrCat(what, ": shot ", shots.size(), " has ",
                                               row.is_array() ? row.size() : 0,
                                               " entries, the program ", bits,
                                               " classical bits"));
      }
      uint64_t shot = 0;
      for (int i = 0; i < bits; ++i) {
        const json& bit = row[size_t(i)];
        if (!bit.is_number_integer() || (bit.get<int>() != 0 && bit.get<int>() != 1)) {
          return absl::UnknownError(absl::StrCat(what, ": shot ", shots.size(), " bit ", i,
                                                 " is not 0 or 1"));
        }
        shot |= uint64_t(bit.get<int>()) << i;
      }
      shots.push_back(shot);
    }
    return std::vector<ProgramResult>{ResultFromShots(std::move(shots), bits, memory)};
  }

  absl::Status Cancel(const std::string& job, absl::Notification* stop) override {
    const json body = {{"clientToken", ClientToken(job, "cancel")}};
    HttpRequest r = JsonRequest("PUT", TaskUrl(job) + "/cancel", &body, config_.request_timeout);
    return JsonBody(r, Send(r, "braket", stop)).status();
  }

 private:
  std::string TaskUrl(const std::string& arn) const {
    return absl::StrCat(config_.endpoints.base_url, "/quantum-task/", PercentEncode(arn));
  }

  // Signs every attempt afresh (X-Amz-Date must be recent).
  absl::StatusOr<HttpResponse> Send(const HttpRequest& r, const std::string& service,
                                    absl::Notification* stop) {
    SendOptions options;
    options.stop = stop;
    options.prepare = [this, service](HttpRequest& request) -> absl::Status {
      sigv4::Request s;
      s.method = request.method;
      std::string host;
      if (absl::Status st = SplitUrl(request.url, host, s.path, s.query); !st.ok()) return st;
      s.headers = request.headers;
      s.headers.emplace_back("host", host);
      s.body = request.body;
      sigv4::Credentials credentials{config_.secrets.aws_access_key_id.value(),
                                     config_.secrets.aws_secret_access_key.value(),
                                     config_.secrets.aws_session_token.value()};
      sigv4::Sign(credentials, {config_.endpoints.region, service}, sender_->timing().Now(), s);
      request.headers = std::move(s.headers);
      return absl::OkStatus();
    };
    return sender_->Send(r, options);
  }

  const DialectConfig config_;
  const std::shared_ptr<RetryingSender> sender_;
  absl::Mutex mu_;
  // task ARN → (outputS3Bucket, outputS3Directory), learnt from a COMPLETED status
  std::map<std::string, std::pair<std::string, std::string>> locations_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<Dialect> MakeBraketDialect(DialectConfig config,
                                           std::shared_ptr<RetryingSender> sender) {
  return std::make_unique<BraketDialect>(std::move(config), std::move(sender));
}

}  // namespace qgrad::backends::rest::internal
