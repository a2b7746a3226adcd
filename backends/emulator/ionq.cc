// The IonQ v0.4 dialect (backends/rest/README.md), mounted at /v0.4.
//
// Choices where the wire document is silent: submit answers 200; a program that does not
// parse still creates a job, which is failed at once with failure {"code":
// "CompilationError", "error": "LINE:COLUMN: ..."} (as IonQ reports compilation errors on
// the job); shots or qubits over the limits are 400. Results of a job that is not
// completed are 409; cancelling a completed or failed job is 409, a cancelled one 200.
//
// Thread-safety: the handlers use the thread-safe Service.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "backends/emulator/service.h"

namespace qgrad::backends::emulator::internal {
namespace {

using nlohmann::json;
constexpr Dialect kIonq = Dialect::kIonq;
constexpr char kPrefix[] = "/v0.4";

const char* IonqStatus(JobState state) {
  switch (state) {
    case JobState::kQueued: return "submitted";
    case JobState::kRunning: return "running";
    case JobState::kCompleted: return "completed";
    case JobState::kFailed: return "failed";
    case JobState::kCancelled: return "canceled";
  }
  return "failed";
}

// True when the request carries an accepted key (or none are configured); else answers 401.
bool Authorized(Service& service, const httplib::Request& req, httplib::Response& res) {
  const auto& keys = service.options.credentials.ionq_api_keys;
  if (keys.empty()) return true;
  const std::string auth = req.get_header_value("Authorization");
  if (absl::StartsWith(auth, "apiKey ") && keys.contains(auth.substr(7))) return true;
  ErrorReply(res, kIonq, 401, "unauthorized", "missing or invalid API key");
  return false;
}

// The job a request's path addresses (service.h), after this dialect's credential check.
std::optional<JobView> AddressedJob(Service& service, const httplib::Request& req,
                                    httplib::Response& res, const JobFault& fault) {
  return internal::AddressedJob(service, kIonq, Authorized, req, res, fault);
}

json JobJson(const JobView& job) {
  json out = {{"id", job.id}, {"status", IonqStatus(job.state)}};
  int64_t shots = 0;
  for (const DeviceProgram& p : *job.programs) shots += p.shots;
  if (job.programs->empty()) shots = std::stoll(job.attributes.at("shots"));
  out["shots"] = shots;
  out["backend"] = job.attributes.at("backend");
  out["name"] = job.attributes.at("name");
  out["type"] = "ionq.qasm3.v1";
  out["submitted_at"] = IsoTime(job.created);
  if (job.state == JobState::kCompleted) {
    const std::string base = absl::StrCat(kPrefix, "/jobs/", job.id, "/results");
    out["results"] = {{"probabilities", {{"url", base + "/probabilities"}}},
                      {"histogram", {{"url", base + "/histogram"}}}};
  }
  if (job.state == JobState::kFailed) {
    out["failure"] = {{"code", job.attributes.count("failure_code")
                                   ? job.attributes.at("failure_code")
                                   : std::string("InternalError")},
                      {"error", job.failure}};
  }
  return out;
}

void Submit(Service& service, const httplib::Request& req, httplib::Response& res,
            const JobFault& fault) {
  if (!Authorized(service, req, res)) return;
  std::optional<json> body = JsonBody(req, res, kIonq);
  if (!body) return;
  if (body->contains("type") && (*body)["type"] != "ionq.qasm3.v1") {
    return ErrorReply(res, kIonq, 400, "bad_request", "type must be \"ionq.qasm3.v1\"");
  }
  if (!body->contains("input") || !(*body)["input"].is_object() ||
      !(*body)["input"].contains("data") || !(*body)["input"]["data"].is_string()) {
    return ErrorReply(res, kIonq, 400, "bad_request", "input.data (the program) is required");
  }
  if (!body->contains("shots") || !(*body)["shots"].is_number_integer()) {
    return ErrorReply(res, kIonq, 400, "bad_request", "shots (an integer) is required");
  }
  const int64_t shots = (*body)["shots"].get<int64_t>();
  Device::Submission s;
  s.dialect = kIonq;
  s.idempotency_key = req.get_header_value("Idempotency-Key");
  s.attributes["backend"] = body->value("backend", std::string("simulator"));
  s.attributes["name"] = body->value("name", std::string());
  s.attributes["shots"] = absl::StrCat(shots);
  absl::StatusOr<DeviceProgram> program = PrepareProgram(
      service.options.limits, (*body)["input"]["data"].get<std::string>(), {}, nullptr, shots);
  if (!program.ok()) {
    if (program.status().code() != absl::StatusCode::kInvalidArgument) {
      return ErrorReply(res, kIonq, 400, "bad_request", program.status().message());
    }
    s.failure = std::string(program.status().message());
    s.attributes["failure_code"] = "CompilationError";
  } else {
    s.programs.push_back(*std::move(program));
  }
  if (fault.kind == FaultKind::kJobFails) {
    s.fail_when_run = fault.reason;
    s.attributes["failure_code"] = "InjectedFault";
  }
  const Device::Submitted submitted = service.device.Submit(std::move(s));
  if (submitted.created && fault.kind == FaultKind::kVanish) {
    service.device.Vanish(submitted.job.id);
  }
  JsonReply(res, 200, {{"id", submitted.job.id}, {"status", IonqStatus(submitted.job.state)}});
}

void Status(Service& service, const httplib::Request& req, httplib::Response& res,
            const JobFault& fault) {
  std::optional<JobView> job = AddressedJob(service, req, res, fault);
  if (!job) return;
  JsonReply(res, 200, JobJson(*job));
}

void Results(Service& service, const httplib::Request& req, httplib::Response& res,
             const JobFault& fault) {
  const bool histogram = req.matches[2] == "histogram";
  std::optional<JobView> job = AddressedJob(service, req, res, fault);
  if (!job) return;
  if (job->state != JobState::kCompleted) {
    return ErrorReply(res, kIonq, 409, "not_completed",
                      absl::StrCat("the job is ", IonqStatus(job->state)));
  }
  const std::vector<uint64_t>& shots = job->results->at(0);
  json out = json::object();
  for (const auto& [value, count] : Counts(shots)) {
    if (histogram) {
      out[absl::StrCat(value)] = count;
    } else {
      out[absl::StrCat(value)] = double(count) / double(shots.size());
    }
  }
  JsonReply(res, 200, out);
}

void Cancel(Service& service, const httplib::Request& req, httplib::Response& res,
            const JobFault& fault) {
  std::optional<JobView> job = AddressedJob(service, req, res, fault);
  if (!job) return;
  const std::string& id = job->id;
  if (service.device.Cancel(id) == Device::CancelOutcome::kAlreadyFinal) {
    return ErrorReply(res, kIonq, 409, "conflict",
                      absl::StrCat("the job is already ", IonqStatus(job->state)));
  }
  JsonReply(res, 200, {{"id", id}, {"status", "canceled"}});
}

void Characterization(Service& service, const httplib::Request& req, httplib::Response& res,
                      const JobFault&) {
  if (!Authorized(service, req, res)) return;
  const NoiseModel& noise = service.options.noise;
  const int n = service.options.limits.max_qubits;
  json readout = json::array();
  double spam_error = 0;
  for (int q = 0; q < n; ++q) {
    const ReadoutError e = noise.ReadoutFor(q);
    readout.push_back({{"qubit", q}, {"p01", e.p01}, {"p10", e.p10}});
    spam_error += (e.p01 + e.p10) / 2;
  }
  // Average gate fidelities of the depolarizing channels: 1 − p·d/(d+1).
  json out = {{"backend", req.matches[1]},
              {"qubits", n},
              {"fidelity",
               {{"1q", {{"mean", 1 - noise.depolarizing_1q * 2 / 3}}},
                {"2q", {{"mean", 1 - noise.depolarizing_2q * 4 / 5}}},
                {"spam", {{"mean", 1 - spam_error / n}}}}},
              {"readout", readout}};
  JsonReply(res, 200, out);
}

}  // namespace

void RegisterIonq(httplib::Server& server, Service& service) {
  const std::string p = kPrefix;
  auto bind = [&service](void (*f)(Service&, const httplib::Request&, httplib::Response&,
                                   const JobFault&)) {
    return [&service, f](const httplib::Request& req, httplib::Response& res,
                         const JobFault& fault) { f(service, req, res, fault); };
  };
  Route(server, service, "POST", p + "/jobs", kIonq, Endpoint::kSubmit, bind(Submit));
  Route(server, service, "GET", p + "/jobs/([^/]+)", kIonq, Endpoint::kStatus, bind(Status));
  Route(server, service, "GET", p + "/jobs/([^/]+)/results/(probabilities|histogram)", kIonq,
        Endpoint::kResult, bind(Results));
  Route(server, service, "PUT", p + "/jobs/([^/]+)/status/cancel", kIonq, Endpoint::kCancel,
        bind(Cancel));
  Route(server, service, "GET", p + "/backends/([^/]+)/characterizations/current", kIonq,
        Endpoint::kCalibration, bind(Characterization));
}

}  // namespace qgrad::backends::emulator::internal
