// Device backends from the configuration; see device_backends.h.
//
// Thread-safety: free functions only.
#include "server/device_backends.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "backends/native/native.h"

namespace qgrad::server {
namespace {

using backends::rest::RestBackendOptions;

absl::Status Invalid(const DeviceBackendConfig& config, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("backend ", config.name, ": ", message));
}

// http:// is for an emulator on this machine only.
absl::Status CheckUrl(const DeviceBackendConfig& config, const std::string& key) {
  auto it = config.settings.find(key);
  if (it == config.settings.end()) return absl::OkStatus();
  absl::string_view rest = it->second;
  if (absl::ConsumePrefix(&rest, "https://")) return absl::OkStatus();
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return Invalid(config, absl::StrCat(key, " must start with https:// (or http:// to loopback)"));
  }
  for (absl::string_view host : {"127.0.0.1", "localhost", "[::1]"}) {
    if (absl::StartsWith(rest, host) &&
        (rest.size() == host.size() || rest[host.size()] == ':' || rest[host.size()] == '/')) {
      return absl::OkStatus();
    }
  }
  return Invalid(config, absl::StrCat(key, ": plain http is allowed to loopback only"));
}

template <typename T>
absl::Status ReadNumber(const DeviceBackendConfig& config, const std::string& key, T min, T max,
                        T& out) {
  auto it = config.settings.find(key);
  if (it == config.settings.end()) return absl::OkStatus();
  double value = 0;
  if (!absl::SimpleAtod(it->second, &value) || !(value >= double(min) && value <= double(max))) {
    return Invalid(config, absl::StrCat(key, " must be a number in [", min, ", ", max, "]"));
  }
  out = static_cast<T>(value);
  return absl::OkStatus();
}

std::string Setting(const DeviceBackendConfig& config, const std::string& key) {
  auto it = config.settings.find(key);
  return it == config.settings.end() ? "" : it->second;
}

}  // namespace

absl::StatusOr<RestBackendOptions> DeviceBackendOptions(const DeviceBackendConfig& config) {
  RestBackendOptions o;
  o.name = config.name;
  o.description = absl::StrReplaceAll(Setting(config, "description"), {{"_", " "}});
  auto dialect = backends::rest::ParseDialectKind(Setting(config, "dialect"));
  if (!dialect.ok()) return Invalid(config, dialect.status().message());
  o.dialect = *dialect;
  for (const char* key : {"url", "iam_url", "s3_url"}) {
    if (absl::Status s = CheckUrl(config, key); !s.ok()) return s;
  }
  o.endpoints.base_url = Setting(config, "url");
  o.endpoints.iam_url = Setting(config, "iam_url");
  o.endpoints.s3_url = Setting(config, "s3_url");
  o.endpoints.region = Setting(config, "region");
  o.endpoints.device = Setting(config, "device");
  o.endpoints.bucket = Setting(config, "bucket");
  o.endpoints.prefix = Setting(config, "prefix");
  o.endpoints.service_crn = Setting(config, "service_crn");
  o.credentials.api_key = Setting(config, "credential");
  o.credentials.aws_access_key_id = Setting(config, "aws_access_key_id");
  o.credentials.aws_secret_access_key = Setting(config, "aws_secret_access_key");
  o.credentials.aws_session_token = Setting(config, "aws_session_token");
  o.curl.ca_file = Setting(config, "ca_file");
  if (config.settings.contains("native_gates")) {
    auto set = backends::native::ParseGateSet(Setting(config, "native_gates"));
    if (!set.ok()) return Invalid(config, set.status().message());
    o.gate_set = *set;
  }
  int64_t poll_ms = absl::ToInt64Milliseconds(o.poll_interval);
  int64_t max_poll_ms = absl::ToInt64Milliseconds(o.max_poll_interval);
  double timeout_s = absl::ToDoubleSeconds(o.request_timeout);
  for (absl::Status s : {ReadNumber(config, "max_qubits", 1, 64, o.max_qubits),
                         ReadNumber<int64_t>(config, "max_shots", 1, int64_t{1} << 40, o.max_shots),
                         ReadNumber<int64_t>(config, "max_programs", 1, 1'000'000, o.max_programs),
                         ReadNumber<int64_t>(config, "poll_ms", 1, 3'600'000, poll_ms),
                         ReadNumber<int64_t>(config, "max_poll_ms", 1, 3'600'000, max_poll_ms),
                         ReadNumber(config, "timeout_s", 0.001, 3600.0, timeout_s),
                         ReadNumber(config, "rate_limit", 0.0, 1e6, o.rate_limit)}) {
    if (!s.ok()) return s;
  }
  if (max_poll_ms < poll_ms) return Invalid(config, "max_poll_ms must be >= poll_ms");
  o.poll_interval = absl::Milliseconds(poll_ms);
  o.max_poll_interval = absl::Milliseconds(max_poll_ms);
  o.request_timeout = absl::Seconds(timeout_s);
  return o;
}

absl::StatusOr<std::shared_ptr<backends::Backend>> MakeDeviceBackend(
    const DeviceBackendConfig& config) {
  auto options = DeviceBackendOptions(config);
  if (!options.ok()) return options.status();
  auto backend = backends::rest::RestBackend::Create(*std::move(options));
  if (!backend.ok()) {
    return absl::Status(backend.status().code(),
                        absl::StrCat("backend ", config.name, ": ", backend.status().message()));
  }
  return std::shared_ptr<backends::Backend>(*std::move(backend));
}

}  // namespace qgrad::server
