// The IBM Qiskit Runtime dialect (backends/rest/README.md): the IAM token exchange at
// /identity/token and the runtime API under /api/v1.
//
// Choices where the wire document is silent: a bad API key at the token exchange is 401
// (with IAM's errorCode/errorMessage fields besides the error object); a missing, unknown
// or expired bearer token is 401; a wrong Service-CRN (when one is configured) 403. Submit
// answers 200 and checks every PUB first: a program that does not parse, or values that do
// not match its inputs, is 400 naming the PUB ("pub K: LINE:COLUMN: ..."), as are limits.
// A PUB is [program], [program, values] or [program, values, shots]; shots default to
// params.shots, else 4096. Results of a job not completed are 409; cancelling a completed
// or failed job is 409, a cancelled one 204.
//
// Thread-safety: the handlers use the thread-safe Service (tokens under tokens_mu).
#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backends/emulator/service.h"

namespace qgrad::backends::emulator::internal {
namespace {

using nlohmann::json;
constexpr Dialect kIbm = Dialect::kQiskitRuntime;
constexpr char kPrefix[] = "/api/v1";
constexpr int64_t kDefaultShots = 4096;

const char* IbmStatus(JobState state) {
  switch (state) {
    case JobState::kQueued: return "Queued";
    case JobState::kRunning: return "Running";
    case JobState::kCompleted: return "Completed";
    case JobState::kFailed: return "Failed";
    case JobState::kCancelled: return "Cancelled";
  }
  return "Failed";
}

// application/x-www-form-urlencoded decoding of one component.
std::string FormDecode(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               absl::ascii_isxdigit(s[i + 1]) && absl::ascii_isxdigit(s[i + 2])) {
      out += absl::HexStringToBytes(std::string(s.substr(i + 1, 2)));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string NewToken() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// True when the bearer token is current (or IBM authentication is off) and the
// Service-CRN matches; else answers 401 / 403.
bool Authorized(Service& service, const httplib::Request& req, httplib::Response& res) {
  const Credentials& c = service.options.credentials;
  if (!c.ibm_api_keys.empty()) {
    const std::string auth = req.get_header_value("Authorization");
    bool ok = false;
    if (absl::StartsWith(auth, "Bearer ")) {
      std::lock_guard<std::mutex> lock(service.tokens_mu);
      auto it = service.ibm_tokens.find(auth.substr(7));
      ok = it != service.ibm_tokens.end() && it->second > absl::Now();
    }
    if (!ok) {
      ErrorReply(res, kIbm, 401, "unauthorized", "missing, unknown or expired bearer token");
      return false;
    }
  }
  if (!c.ibm_service_crn.empty() && req.get_header_value("Service-CRN") != c.ibm_service_crn) {
    ErrorReply(res, kIbm, 403, "forbidden", "missing or wrong Service-CRN");
    return false;
  }
  return true;
}

// The job a request's path addresses (service.h), after this dialect's credential check.
std::optional<JobView> AddressedJob(Service& service, const httplib::Request& req,
                                    httplib::Response& res, const JobFault& fault) {
  return internal::AddressedJob(service, kIbm, Authorized, req, res, fault);
}

void Token(Service& service, const httplib::Request& req, httplib::Response& res,
           const JobFault&) {
  std::string grant, apikey;
  for (absl::string_view pair : absl::StrSplit(req.body, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    const std::string name = FormDecode(pair.substr(0, eq));
    const std::string value = eq == absl::string_view::npos ? "" : FormDecode(pair.substr(eq + 1));
    if (name == "grant_type") grant = value;
    if (name == "apikey") apikey = value;
  }
  if (grant != "urn:ibm:params:oauth:grant-type:apikey" || apikey.empty()) {
    return ErrorReply(res, kIbm, 400, "bad_request",
                      "needs grant_type=urn:ibm:params:oauth:grant-type:apikey and apikey");
  }
  const Credentials& c = service.options.credentials;
  if (!c.ibm_api_keys.empty() && !c.ibm_api_keys.contains(apikey)) {
    json body = {{"errorCode", "BXNIM0415E"},
                 {"errorMessage", "Provided API key could not be found."},
                 {"error", {{"code", "unauthorized"}, {"message", "unknown API key"}}}};
    return JsonReply(res, 401, body);
  }
  const std::string token = NewToken();
  if (token.empty()) return ErrorReply(res, kIbm, 500, "internal_error", "no randomness");
  const absl::Time now = absl::Now();
  const absl::Time expiry = now + c.ibm_token_ttl;
  {
    std::lock_guard<std::mutex> lock(service.tokens_mu);
    // Forget expired tokens so that the map stays small.
    for (auto it = service.ibm_tokens.begin(); it != service.ibm_tokens.end();) {
      it = it->second <= now ? service.ibm_tokens.erase(it) : std::next(it);
    }
    service.ibm_tokens[token] = expiry;
  }
  const int64_t ttl = std::max<int64_t>(1, absl::ToInt64Seconds(c.ibm_token_ttl));
  JsonReply(res, 200,
            {{"access_token", token},
             {"refresh_token", "not_supported"},
             {"token_type", "Bearer"},
             {"expires_in", ttl},
             {"expiration", absl::ToUnixSeconds(expiry)}});
}

void Submit(Service& service, const httplib::Request& req, httplib::Response& res,
            const JobFault& fault) {
  if (!Authorized(service, req, res)) return;
  std::optional<json> body = JsonBody(req, res, kIbm);
  if (!body) return;
  if (body->value("program_id", std::string()) != "sampler") {
    return ErrorReply(res, kIbm, 400, "bad_request", "program_id must be \"sampler\"");
  }
  if (!body->contains("backend") || !(*body)["backend"].is_string()) {
    return ErrorReply(res, kIbm, 400, "bad_request", "backend is required");
  }
  const json params = body->value("params", json::object());
  if (!params.is_object() || !params.contains("pubs") || !params["pubs"].is_array() ||
      params["pubs"].empty()) {
    return ErrorReply(res, kIbm, 400, "bad_request", "params.pubs must be a non-empty array");
  }
  const json& pubs = params["pubs"];
  if (int64_t(pubs.size()) > service.options.limits.max_programs) {
    return ErrorReply(res, kIbm, 400, "bad_request",
                      absl::StrCat(pubs.size(), " PUBs exceed the limit of ",
                                   service.options.limits.max_programs));
  }
  int64_t default_shots = kDefaultShots;
  if (params.contains("shots")) {
    if (!params["shots"].is_number_integer()) {
      return ErrorReply(res, kIbm, 400, "bad_request", "params.shots must be an integer");
    }
    default_shots = params["shots"].get<int64_t>();
  }
  Device::Submission s;
  s.dialect = kIbm;
  s.idempotency_key = req.get_header_value("Idempotency-Key");
  s.attributes["backend"] = (*body)["backend"].get<std::string>();
  for (size_t k = 0; k < pubs.size(); ++k) {
    const json& pub = pubs[k];
    const std::string where = absl::StrCat("pub ", k, ": ");
    if (!pub.is_array() || pub.empty() || pub.size() > 3 || !pub[0].is_string()) {
      return ErrorReply(res, kIbm, 400, "bad_request",
                        where + "must be [program, values, shots]");
    }
    std::vector<double> values;
    if (pub.size() >= 2 && !pub[1].is_null()) {
      if (!pub[1].is_array()) {
        return ErrorReply(res, kIbm, 400, "bad_request", where + "values must be an array");
      }
      for (const json& v : pub[1]) {
        if (!v.is_number()) {
          return ErrorReply(res, kIbm, 400, "bad_request",
                            where + "values must be numbers (no parameter sweeps)");
        }
        values.push_back(v.get<double>());
      }
    }
    int64_t shots = default_shots;
    if (pub.size() == 3 && !pub[2].is_null()) {
      if (!pub[2].is_number_integer()) {
        return ErrorReply(res, kIbm, 400, "bad_request", where + "shots must be an integer");
      }
      shots = pub[2].get<int64_t>();
    }
    absl::StatusOr<DeviceProgram> program = PrepareProgram(
        service.options.limits, pub[0].get<std::string>(), {}, &values, shots);
    if (!program.ok()) {
      return ErrorReply(res, kIbm, 400, "bad_request",
                        absl::StrCat(where, program.status().message()));
    }
    s.programs.push_back(*std::move(program));
  }
  if (fault.kind == FaultKind::kJobFails) s.fail_when_run = fault.reason;
  const Device::Submitted submitted = service.device.Submit(std::move(s));
  if (submitted.created && fault.kind == FaultKind::kVanish) {
    service.device.Vanish(submitted.job.id);
  }
  JsonReply(res, 200,
            {{"id", submitted.job.id}, {"backend", submitted.job.attributes.at("backend")}});
}

void Status(Service& service, const httplib::Request& req, httplib::Response& res,
            const JobFault& fault) {
  std::optional<JobView> job = AddressedJob(service, req, res, fault);
  if (!job) return;
  json state = {{"status", IbmStatus(job->state)}};
  if (job->state == JobState::kFailed) state["reason"] = job->failure;
  if (job->state == JobState::kCancelled) state["reason"] = "cancelled by the user";
  JsonReply(res, 200,
            {{"id", job->id},
             {"backend", job->attributes.at("backend")},
             {"program", {{"id", "sampler"}}},
             {"created", IsoTime(job->created)},
             {"status", IbmStatus(job->state)},
             {"state", state}});
}

void Results(Service& service, const httplib::Request& req, httplib::Response& res,
             const JobFault& fault) {
  std::optional<JobView> job = AddressedJob(service, req, res, fault);
  if (!job) return;
  if (job->state != JobState::kCompleted) {
    return ErrorReply(res, kIbm, 409, "not_completed",
                      absl::StrCat("the job is ", IbmStatus(job->state)));
  }
  // Built as text: a JSON tree of every sample would cost far more than the samples.
  std::string out = "{\"results\":[";
  for (size_t k = 0; k < job->programs->size(); ++k) {
    const DeviceProgram& p = (*job->programs)[k];
    const std::vector<uint64_t>& shots = (*job->results)[k];
    if (k > 0) out += ',';
    absl::StrAppend(&out, "{\"data\":{", json(p.register_name).dump(), ":{\"samples\":[");
    for (size_t i = 0; i < shots.size(); ++i) {
      absl::StrAppend(&out, i > 0 ? "," : "", "\"0x", absl::Hex(shots[i]), "\"");
    }
    absl::StrAppend(&out, "],\"num_bits\":", p.circuit.num_clbits(),
                    "}},\"metadata\":{\"shots\":", p.shots, "}}");
  }
  out += "]}";
  res.status = 200;
  res.set_content(out, "application/json");
}

void Cancel(Service& service, const httplib::Request& req, httplib::Response& res,
            const JobFault& fault) {
  std::optional<JobView> job = AddressedJob(service, req, res, fault);
  if (!job) return;
  const std::string& id = job->id;
  if (service.device.Cancel(id) == Device::CancelOutcome::kAlreadyFinal) {
    return ErrorReply(res, kIbm, 409, "conflict",
                      absl::StrCat("the job is already ", IbmStatus(job->state)));
  }
  res.status = 204;
}

void Properties(Service& service, const httplib::Request& req, httplib::Response& res,
                const JobFault&) {
  if (!Authorized(service, req, res)) return;
  const NoiseModel& noise = service.options.noise;
  json qubits = json::array();
  for (int q = 0; q < service.options.limits.max_qubits; ++q) {
    const ReadoutError e = noise.ReadoutFor(q);
    qubits.push_back(json::array({{{"name", "prob_meas1_prep0"}, {"value", e.p01}, {"unit", ""}},
                                  {{"name", "prob_meas0_prep1"}, {"value", e.p10}, {"unit", ""}},
                                  {{"name", "readout_error"},
                                   {"value", (e.p01 + e.p10) / 2},
                                   {"unit", ""}}}));
  }
  JsonReply(res, 200, {{"backend_name", req.matches[1]}, {"qubits", qubits}});
}

}  // namespace

void RegisterIbm(httplib::Server& server, Service& service) {
  const std::string p = kPrefix;
  auto bind = [&service](void (*f)(Service&, const httplib::Request&, httplib::Response&,
                                   const JobFault&)) {
    return [&service, f](const httplib::Request& req, httplib::Response& res,
                         const JobFault& fault) { f(service, req, res, fault); };
  };
  Route(server, service, "POST", "/identity/token", kIbm, Endpoint::kToken, bind(Token));
  Route(server, service, "POST", p + "/jobs", kIbm, Endpoint::kSubmit, bind(Submit));
  Route(server, service, "GET", p + "/jobs/([^/]+)", kIbm, Endpoint::kStatus, bind(Status));
  Route(server, service, "GET", p + "/jobs/([^/]+)/results", kIbm, Endpoint::kResult,
        bind(Results));
  Route(server, service, "POST", p + "/jobs/([^/]+)/cancel", kIbm, Endpoint::kCancel,
        bind(Cancel));
  Route(server, service, "GET", p + "/backends/([^/]+)/properties", kIbm,
        Endpoint::kCalibration, bind(Properties));
}

}  // namespace qgrad::backends::emulator::internal
