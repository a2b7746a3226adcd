// Names of the enums and the JSON form of the options; see options.h.
//
// Thread-safety: pure functions.
#include "backends/emulator/options.h"

#include <cmath>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace qgrad::backends::emulator {
namespace {

using nlohmann::json;

constexpr const char* kDialectNames[] = {"ionq", "braket", "qiskit_runtime"};
constexpr const char* kEndpointNames[] = {"submit", "status", "result",
                                          "cancel", "token",  "calibration"};

// A parse error that names where it happened; thrown inside this file only and turned
// into a status at the public functions.
struct ConfigError {
  std::string message;
};

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw ConfigError{absl::StrCat(where, ": ", what)};
}

// Calls `field(key, value)` for every key, failing on keys not in `allowed`.
void ForEachKey(const json& object, const std::string& where,
                const std::set<std::string>& allowed,
                const std::function<void(const std::string&, const json&)>& field) {
  if (!object.is_object()) Fail(where, "must be an object");
  for (const auto& [key, value] : object.items()) {
    if (!allowed.contains(key)) {
      Fail(where, absl::StrCat("unknown key '", key, "' (known: ", absl::StrJoin(allowed, ", "),
                               ")"));
    }
    field(key, value);
  }
}

double Number(const json& v, const std::string& where, double min, double max) {
  if (!v.is_number()) Fail(where, "must be a number");
  const double d = v.get<double>();
  if (!(d >= min && d <= max)) Fail(where, absl::StrCat("must be in [", min, ", ", max, "]"));
  return d;
}

int64_t Integer(const json& v, const std::string& where, int64_t min, int64_t max) {
  if (!v.is_number_integer()) Fail(where, "must be an integer");
  const int64_t i = v.get<int64_t>();
  if (i < min || i > max) Fail(where, absl::StrCat("must be in [", min, ", ", max, "]"));
  return i;
}

std::string String(const json& v, const std::string& where) {
  if (!v.is_string()) Fail(where, "must be a string");
  return v.get<std::string>();
}

double Probability(const json& v, const std::string& where) { return Number(v, where, 0, 1); }

absl::Duration Millis(const json& v, const std::string& where) {
  return absl::Milliseconds(Number(v, where, 0, 3.6e6));
}

ReadoutError ParseReadout(const json& v, const std::string& where) {
  ReadoutError r;
  ForEachKey(v, where, {"p01", "p10"}, [&](const std::string& k, const json& x) {
    (k == "p01" ? r.p01 : r.p10) = Probability(x, where + "." + k);
  });
  return r;
}

FaultKind ParseKind(const std::string& name, const std::string& where) {
  for (FaultKind k : {FaultKind::kHttp500, FaultKind::kHttp503, FaultKind::kHttp429,
                      FaultKind::kSlow, FaultKind::kDrop, FaultKind::kJobFails,
                      FaultKind::kVanish}) {
    if (name == FaultKindName(k)) return k;
  }
  Fail(where, absl::StrCat("unknown fault kind '", name,
                           "' (http_500, http_503, http_429, slow, drop, job_fails, vanish)"));
}

FaultRule ParseRule(const json& v, const std::string& where) {
  FaultRule rule;
  bool has_kind = false;
  ForEachKey(v, where,
             {"dialect", "endpoint", "kind", "count", "probability", "retry_after_s",
              "delay_ms", "reason"},
             [&](const std::string& k, const json& x) {
               const std::string w = where + "." + k;
               if (k == "dialect") {
                 const std::string s = String(x, w);
                 if (s != "any") {
                   auto d = ParseDialect(s);
                   if (!d.ok()) Fail(w, std::string(d.status().message()));
                   rule.dialect = *d;
                 }
               } else if (k == "endpoint") {
                 const std::string s = String(x, w);
                 if (s != "any") {
                   auto e = ParseEndpoint(s);
                   if (!e.ok()) Fail(w, std::string(e.status().message()));
                   rule.endpoint = *e;
                 }
               } else if (k == "kind") {
                 rule.kind = ParseKind(String(x, w), w);
                 has_kind = true;
               } else if (k == "count") {
                 rule.count = Integer(x, w, 0, int64_t{1} << 40);
               } else if (k == "probability") {
                 rule.probability = Probability(x, w);
               } else if (k == "retry_after_s") {
                 rule.retry_after = absl::Seconds(Integer(x, w, 0, 86400));
               } else if (k == "delay_ms") {
                 rule.delay = Millis(x, w);
               } else {
                 rule.reason = String(x, w);
               }
             });
  if (!has_kind) Fail(where, "needs \"kind\"");
  if (rule.count == 0 && rule.probability == 0) {
    Fail(where, "needs \"count\" > 0 or \"probability\" > 0");
  }
  return rule;
}

FaultPlan ParsePlan(const json& v, const std::string& where) {
  FaultPlan plan;
  ForEachKey(v, where, {"seed", "rules"}, [&](const std::string& k, const json& x) {
    if (k == "seed") {
      plan.seed = uint64_t(Integer(x, where + ".seed", 0, INT64_MAX));
    } else {
      if (!x.is_array()) Fail(where + ".rules", "must be an array");
      for (size_t i = 0; i < x.size(); ++i) {
        plan.rules.push_back(ParseRule(x[i], absl::StrCat(where, ".rules[", i, "]")));
      }
    }
  });
  return plan;
}

void ParseCredentials(const json& v, Credentials& c) {
  ForEachKey(v, "credentials", {"ionq_api_keys", "aws", "ibm"},
             [&](const std::string& k, const json& x) {
    if (k == "ionq_api_keys") {
      if (!x.is_array()) Fail("credentials.ionq_api_keys", "must be an array of strings");
      for (const json& key : x) c.ionq_api_keys.insert(String(key, "credentials.ionq_api_keys"));
    } else if (k == "aws") {
      ForEachKey(x, "credentials.aws", {"keys", "region", "account", "max_skew_s"},
                 [&](const std::string& ak, const json& ax) {
        const std::string w = "credentials.aws." + ak;
        if (ak == "keys") {
          if (!ax.is_object()) Fail(w, "must be an object {access key id: secret}");
          for (const auto& [id, secret] : ax.items()) c.aws_keys[id] = String(secret, w + "." + id);
        } else if (ak == "region") {
          c.aws_region = String(ax, w);
        } else if (ak == "account") {
          c.aws_account = String(ax, w);
        } else {
          c.aws_max_skew = absl::Seconds(Integer(ax, w, 1, 86400));
        }
      });
    } else {
      ForEachKey(x, "credentials.ibm", {"api_keys", "token_ttl_s", "service_crn"},
                 [&](const std::string& ik, const json& ix) {
        const std::string w = "credentials.ibm." + ik;
        if (ik == "api_keys") {
          if (!ix.is_array()) Fail(w, "must be an array of strings");
          for (const json& key : ix) c.ibm_api_keys.insert(String(key, w));
        } else if (ik == "token_ttl_s") {
          c.ibm_token_ttl = absl::Seconds(Number(ix, w, 0.001, 86400 * 30));
        } else {
          c.ibm_service_crn = String(ix, w);
        }
      });
    }
  });
}

NoiseModel ParseNoise(const json& v) {
  NoiseModel n;
  ForEachKey(v, "noise",
             {"depolarizing_1q", "depolarizing_2q", "readout", "readout_per_qubit",
              "max_trajectories"},
             [&](const std::string& k, const json& x) {
    const std::string w = "noise." + k;
    if (k == "depolarizing_1q") {
      n.depolarizing_1q = Probability(x, w);
    } else if (k == "depolarizing_2q") {
      n.depolarizing_2q = Probability(x, w);
    } else if (k == "readout") {
      n.readout = ParseReadout(x, w);
    } else if (k == "readout_per_qubit") {
      if (!x.is_array()) Fail(w, "must be an array");
      for (size_t i = 0; i < x.size(); ++i) {
        n.readout_per_qubit.push_back(ParseReadout(x[i], absl::StrCat(w, "[", i, "]")));
      }
    } else {
      n.max_trajectories = Integer(x, w, 1, 1'000'000);
    }
  });
  return n;
}

EmulatorOptions ParseRoot(const json& root) {
  EmulatorOptions o;
  ForEachKey(root, "config",
             {"listen", "tls", "credentials", "limits", "timing", "noise", "faults", "seed",
              "log_requests", "admin_endpoints"},
             [&](const std::string& k, const json& x) {
    if (k == "listen") {
      const std::string s = String(x, "listen");
      const size_t colon = s.rfind(':');
      if (colon == std::string::npos) Fail("listen", "must be HOST:PORT");
      o.host = s.substr(0, colon);
      try {
        size_t used = 0;
        const int port = std::stoi(s.substr(colon + 1), &used);
        if (used != s.size() - colon - 1 || port < 0 || port > 65535) throw 0;
        o.port = port;
      } catch (...) {
        Fail("listen", "port must be in [0, 65535]");
      }
    } else if (k == "tls") {
      ForEachKey(x, "tls", {"cert", "key"}, [&](const std::string& tk, const json& tx) {
        (tk == "cert" ? o.tls_cert : o.tls_key) = String(tx, "tls." + tk);
      });
    } else if (k == "credentials") {
      ParseCredentials(x, o.credentials);
    } else if (k == "limits") {
      ForEachKey(x, "limits",
                 {"max_qubits", "max_shots", "max_programs", "max_body_bytes", "max_operations"},
                 [&](const std::string& lk, const json& lx) {
        const std::string w = "limits." + lk;
        if (lk == "max_qubits") o.limits.max_qubits = int(Integer(lx, w, 1, 30));
        if (lk == "max_shots") o.limits.max_shots = Integer(lx, w, 1, int64_t{1} << 24);
        if (lk == "max_programs") o.limits.max_programs = Integer(lx, w, 1, 1'000'000);
        if (lk == "max_body_bytes") o.limits.max_body_bytes = size_t(Integer(lx, w, 1024, 1 << 30));
        if (lk == "max_operations") o.limits.max_operations = size_t(Integer(lx, w, 1, 10'000'000));
      });
    } else if (k == "timing") {
      ForEachKey(x, "timing",
                 {"queue_latency_ms", "run_time_ms_per_job", "run_time_us_per_shot", "workers"},
                 [&](const std::string& tk, const json& tx) {
        const std::string w = "timing." + tk;
        if (tk == "queue_latency_ms") o.timing.queue_latency = Millis(tx, w);
        if (tk == "run_time_ms_per_job") o.timing.run_time_per_job = Millis(tx, w);
        if (tk == "run_time_us_per_shot") {
          o.timing.run_time_per_shot = absl::Microseconds(Number(tx, w, 0, 1e6));
        }
        if (tk == "workers") o.timing.workers = int(Integer(tx, w, 1, 64));
      });
    } else if (k == "noise") {
      o.noise = ParseNoise(x);
    } else if (k == "faults") {
      o.faults = ParsePlan(x, "faults");
    } else if (k == "seed") {
      o.seed = uint64_t(Integer(x, "seed", 0, INT64_MAX));
    } else if (k == "log_requests") {
      if (!x.is_boolean()) Fail("log_requests", "must be true or false");
      o.log_requests = x.get<bool>();
    } else {
      if (!x.is_boolean()) Fail("admin_endpoints", "must be true or false");
      o.admin_endpoints = x.get<bool>();
    }
  });
  if (o.tls_cert.empty() != o.tls_key.empty()) Fail("tls", "needs both cert and key");
  return o;
}

template <typename T, typename F>
absl::StatusOr<T> Guarded(std::string_view text, F parse) {
  if (!JsonDepthWithin(text)) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON nested deeper than ", kMaxJsonDepth, " levels"));
  }
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  try {
    return parse(root);
  } catch (const ConfigError& e) {
    return absl::InvalidArgumentError(e.message);
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(e.what());
  }
}

}  // namespace

bool JsonDepthWithin(std::string_view json, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char ch : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (ch == '\\') {
        escaped = true;
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > max_depth) return false;
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
  return true;
}

const char* DialectName(Dialect dialect) { return kDialectNames[int(dialect)]; }

absl::StatusOr<Dialect> ParseDialect(std::string_view name) {
  if (name == "ibm") return Dialect::kQiskitRuntime;
  for (int i = 0; i < kNumDialects; ++i) {
    if (name == kDialectNames[i]) return Dialect(i);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown dialect '", std::string(name), "' (ionq, braket, qiskit_runtime, any)"));
}

const char* EndpointName(Endpoint endpoint) { return kEndpointNames[int(endpoint)]; }

absl::StatusOr<Endpoint> ParseEndpoint(std::string_view name) {
  for (int i = 0; i < kNumEndpoints; ++i) {
    if (name == kEndpointNames[i]) return Endpoint(i);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown endpoint '", std::string(name), "' (submit, status, result, cancel, token, calibration, any)"));
}

const char* FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kHttp500: return "http_500";
    case FaultKind::kHttp503: return "http_503";
    case FaultKind::kHttp429: return "http_429";
    case FaultKind::kSlow: return "slow";
    case FaultKind::kDrop: return "drop";
    case FaultKind::kJobFails: return "job_fails";
    case FaultKind::kVanish: return "vanish";
  }
  return "?";
}

ReadoutError NoiseModel::ReadoutFor(int qubit) const {
  if (qubit >= 0 && size_t(qubit) < readout_per_qubit.size()) return readout_per_qubit[qubit];
  return readout;
}

absl::StatusOr<EmulatorOptions> ParseOptionsJson(std::string_view text) {
  return Guarded<EmulatorOptions>(text, [](const json& root) { return ParseRoot(root); });
}

absl::StatusOr<FaultPlan> ParseFaultPlanJson(std::string_view text) {
  return Guarded<FaultPlan>(text, [](const json& root) { return ParsePlan(root, "faults"); });
}

}  // namespace qgrad::backends::emulator
