// The dialect names, the factory and the helpers the three dialects share; see dialect.h.
//
// Thread-safety: pure functions.
#include "backends/rest/dialect.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "backends/rest/dialect_internal.h"

namespace qgrad::backends::rest {

absl::StatusOr<DialectKind> ParseDialectKind(absl::string_view name) {
  if (name == "ionq") return DialectKind::kIonq;
  if (name == "braket") return DialectKind::kBraket;
  if (name == "qiskit_runtime") return DialectKind::kQiskitRuntime;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown dialect \"", name, "\" (ionq, braket, qiskit_runtime)"));
}

const char* DialectKindName(DialectKind kind) {
  switch (kind) {
    case DialectKind::kIonq:
      return "ionq";
    case DialectKind::kBraket:
      return "braket";
    case DialectKind::kQiskitRuntime:
      return "qiskit_runtime";
  }
  return "?";
}

const char* JobStateName(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
    case JobState::kUnknown:
      return "unknown";
  }
  return "?";
}

std::unique_ptr<Dialect> MakeDialect(DialectKind kind, DialectConfig config,
                                     std::shared_ptr<RetryingSender> sender) {
  switch (kind) {
    case DialectKind::kIonq:
      return internal::MakeIonqDialect(std::move(config), std::move(sender));
    case DialectKind::kBraket:
      return internal::MakeBraketDialect(std::move(config), std::move(sender));
    case DialectKind::kQiskitRuntime:
      return internal::MakeQiskitRuntimeDialect(std::move(config), std::move(sender));
  }
  return nullptr;
}

std::string ClientToken(absl::string_view key, absl::string_view part) {
  // The key's length first, so that no two (key, part) pairs give the same text.
  const std::string text = absl::StrCat(key.size(), ":", key, part);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string PercentEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out.push_back(char(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
  return out;
}

absl::Status HttpError(absl::string_view what, const HttpResponse& response) {
  absl::StatusCode code = absl::StatusCode::kUnknown;
  const int s = response.status;
  if (s == 400) code = absl::StatusCode::kInvalidArgument;
  if (s == 401) code = absl::StatusCode::kUnauthenticated;
  if (s == 403) code = absl::StatusCode::kPermissionDenied;
  if (s == 404) code = absl::StatusCode::kNotFound;
  if (s == 409) code = absl::StatusCode::kFailedPrecondition;
  if (s == 429) code = absl::StatusCode::kResourceExhausted;
  if (s >= 500 && s <= 599) code = absl::StatusCode::kUnavailable;
  std::string provider_code, message;
  nlohmann::json j = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    const nlohmann::json* e = &j;
    if (j.contains("error") && j["error"].is_object()) e = &j["error"];
    if (e->contains("code") && (*e)["code"].is_string()) provider_code = (*e)["code"];
    if (e->contains("message") && (*e)["message"].is_string()) message = (*e)["message"];
    // IBM IAM's own shape.
    if (j.contains("errorCode") && j["errorCode"].is_string()) provider_code = j["errorCode"];
    if (j.contains("errorMessage") && j["errorMessage"].is_string()) message = j["errorMessage"];
  }
  if (provider_code.empty()) {
    if (std::optional<std::string> type = response.Header("x-amzn-ErrorType")) {
      provider_code = *type;
    }
  }
  constexpr size_t kMaxMessage = 300;
  if (message.size() > kMaxMessage) message = message.substr(0, kMaxMessage) + "...";
  std::string text = absl::StrCat(what, ": HTTP ", s);
  if (!provider_code.empty()) absl::StrAppend(&text, " ", provider_code);
  if (!message.empty()) absl::StrAppend(&text, ": ", message);
  return absl::Status(code, text);
}

absl::StatusOr<std::vector<std::pair<uint64_t, int64_t>>> CountsFromProbabilities(
    const std::map<uint64_t, double>& probabilities, int64_t shots) {
  double sum = 0;
  for (const auto& [value, p] : probabilities) {
    if (!std::isfinite(p) || p < 0) {
      return absl::InvalidArgumentError(absl::StrCat("probability of ", value, " is ", p));
    }
    sum += p;
  }
  if (std::abs(sum - 1) > 1e-6) {
    return absl::InvalidArgumentError(absl::StrCat("probabilities sum to ", sum));
  }
  struct Share {
    uint64_t value;
    int64_t count;
    double remainder;
  };
  std::vector<Share> shares;
  int64_t assigned = 0;
  for (const auto& [value, p] : probabilities) {
    const double exact = p / sum * double(shots);
    const int64_t count = std::min<int64_t>(int64_t(std::floor(exact)), shots);
    shares.push_back({value, count, exact - double(count)});
    assigned += count;
  }
  // The shots floor() left over go to the largest remainders (the lower value on ties).
  std::vector<size_t> order(shares.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return shares[a].remainder > shares[b].remainder;
  });
  for (size_t i = 0; assigned < shots && i < order.size(); ++i, ++assigned) {
    ++shares[order[i]].count;
  }
  std::vector<std::pair<uint64_t, int64_t>> counts;
  for (const Share& s : shares) {
    if (s.count > 0) counts.emplace_back(s.value, s.count);
  }
  return counts;  // the map gave them sorted by value
}

namespace internal {

std::string What(const HttpRequest& request) {
  return absl::StrCat(request.method, " ", UrlWithoutQuery(request.url));
}

HttpRequest JsonRequest(std::string method, std::string url, const nlohmann::json* body,
                        absl::Duration timeout) {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.timeout = timeout;
  r.headers.emplace_back("Accept", "application/json");
  if (body != nullptr) {
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = body->dump();
  }
  return r;
}

absl::StatusOr<nlohmann::json> JsonBody(const HttpRequest& request,
                                        const absl::StatusOr<HttpResponse>& response) {
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status > 299) {
    return HttpError(What(request), *response);
  }
  if (response->body.empty()) return nlohmann::json();
  nlohmann::json j = nlohmann::json::parse(response->body, nullptr, false);
  if (j.is_discarded()) {
    return absl::UnavailableError(absl::StrCat(What(request), ": malformed JSON in the response"));
  }
  return j;
}

absl::StatusOr<std::string> StringField(const nlohmann::json& j, const char* key,
                                        const std::string& what) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) {
    return absl::UnknownError(absl::StrCat(what, ": the response has no string field \"", key, "\""));
  }
  return j[key].get<std::string>();
}

ProgramResult ResultFromShots(std::vector<uint64_t> shots, int num_clbits, bool memory) {
  ProgramResult r;
  r.num_clbits = num_clbits;
  r.shots = int64_t(shots.size());
  r.counts = CountShots(shots);
  if (memory) r.memory = std::move(shots);
  return r;
}

}  // namespace internal
}  // namespace qgrad::backends::rest
