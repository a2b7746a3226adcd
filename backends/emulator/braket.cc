// The Amazon Braket dialect (backends/rest/README.md): the quantum-task API at the root and
// the S3-style results objects, path-style, at /BUCKET/DIRECTORY/results.json (so the S3
// base URL is the emulator's base URL too).
//
// Choices where the wire document is silent: submit answers 201 (as CreateQuantumTask
// does); clientToken, deviceArn, outputS3Bucket, outputS3KeyPrefix, shots and action are
// required (400 ValidationException otherwise). A program that does not parse still
// creates a task, FAILED with failureReason "LINE:COLUMN: ..."; shots or qubits over the
// limits are 400. outputS3Directory is "PREFIX/UUID". Authentication failures are 403
// (AWS's code for a bad or missing signature and an unknown key: x-amzn-ErrorType
// InvalidSignatureException), also on the S3 results (SignatureDoesNotMatch). A results
// object that does not exist (yet) is 404 NoSuchKey. Cancelling a completed or failed task
// is 409 ConflictException; a cancelled task answers CANCELLING again, and a cancelled
// task's status is CANCELLED at once.
//
// Thread-safety: the handlers use the thread-safe Service.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "backends/emulator/noise.h"
#include "backends/emulator/service.h"
#ifdef QGRAD_EMULATOR_HAVE_SIGV4
#include "backends/rest/sigv4/sigv4.h"
#endif

namespace qgrad::backends::emulator::internal {
namespace {

using nlohmann::json;
constexpr Dialect kBraket = Dialect::kBraket;

const char* BraketStatus(JobState state) {
  switch (state) {
    case JobState::kQueued: return "QUEUED";
    case JobState::kRunning: return "RUNNING";
    case JobState::kCompleted: return "COMPLETED";
    case JobState::kFailed: return "FAILED";
    case JobState::kCancelled: return "CANCELLED";
  }
  return "FAILED";
}

// True when the SigV4 signature verifies for `service_name` (or no AWS keys are
// configured); else answers 403.
bool Authorized(const Service& service, const httplib::Request& req, httplib::Response& res,
                const char* service_name) {
  const Credentials& c = service.options.credentials;
  if (c.aws_keys.empty()) return true;
#ifdef QGRAD_EMULATOR_HAVE_SIGV4
  rest::sigv4::Request signed_request;
  signed_request.method = req.method;
  const size_t q = req.target.find('?');
  signed_request.path = req.target.substr(0, q);
  if (q != std::string::npos) signed_request.query = req.target.substr(q + 1);
  for (const auto& [name, value] : req.headers) {
    // httplib adds the peer's addresses as pseudo-headers; they were not sent.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    signed_request.headers.emplace_back(name, value);
  }
  signed_request.body = req.body;
  const absl::Status verified = rest::sigv4::Verify(
      signed_request, rest::sigv4::Scope{c.aws_region, service_name}, absl::Now(),
      c.aws_max_skew, [&c](const std::string& id) -> std::optional<std::string> {
        auto it = c.aws_keys.find(id);
        if (it == c.aws_keys.end()) return std::nullopt;
        return it->second;
      });
  if (verified.ok()) return true;
  ErrorReply(res, kBraket, 403,
             std::string_view(service_name) == "s3" ? "SignatureDoesNotMatch"
                                                    : "InvalidSignatureException",
             verified.message());
  return false;
#else
  ErrorReply(res, kBraket, 403, "InvalidSignatureException", "SigV4 is not available");
  return false;
#endif
}

std::string TaskArn(const Service& service, const std::string& id) {
  const Credentials& c = service.options.credentials;
  return absl::StrCat("arn:aws:braket:", c.aws_region, ":", c.aws_account, ":quantum-task/",
                      id);
}

// The task an ARN (httplib has decoded the path) names, or nullopt after answering 404.
std::optional<JobView> FindTask(Service& service, const std::string& arn,
                                httplib::Response& res, const JobFault& fault) {
  const std::string prefix = TaskArn(service, "");
  const std::string id = absl::StartsWith(arn, prefix) ? arn.substr(prefix.size()) : "";
  if (!id.empty()) ApplyJobFault(service, fault, id);
  return FindJobOr404(service, kBraket, id, res, "ResourceNotFoundException",
                      "no such quantum task");
}

void Submit(Service& service, const httplib::Request& req, httplib::Response& res,
            const JobFault& fault) {
  if (!Authorized(service, req, res, "braket")) return;
  std::optional<json> body = JsonBody(req, res, kBraket);
  if (!body) return;
  for (const char* field :
       {"action", "clientToken", "deviceArn", "outputS3Bucket", "outputS3KeyPrefix"}) {
    if (!body->contains(field) || !(*body)[field].is_string()) {
      return ErrorReply(res, kBraket, 400, "ValidationException",
                        absl::StrCat(field, " (a string) is required"));
    }
  }
  if (!body->contains("shots") || !(*body)["shots"].is_number_integer()) {
    return ErrorReply(res, kBraket, 400, "ValidationException",
                      "shots (an integer) is required");
  }
  const std::string action_text = (*body)["action"].get<std::string>();
  const json action = JsonDepthWithin(action_text) ? json::parse(action_text, nullptr, false)
                                                   : json(json::value_t::discarded);
  if (action.is_discarded() || !action.is_object() ||
      action.value("braketSchemaHeader", json::object()).value("name", std::string()) !=
          "braket.ir.openqasm.program" ||
      !action.contains("source") || !action["source"].is_string()) {
    return ErrorReply(res, kBraket, 400, "ValidationException",
                      "action must be a braket.ir.openqasm.program with a source");
  }
  std::map<std::string, double> inputs;
  if (action.contains("inputs")) {
    if (!action["inputs"].is_object()) {
      return ErrorReply(res, kBraket, 400, "ValidationException", "inputs must be an object");
    }
    for (const auto& [name, value] : action["inputs"].items()) {
      if (!value.is_number()) {
        return ErrorReply(res, kBraket, 400, "ValidationException",
                          "inputs must be numbers");
      }
      inputs[name] = value.get<double>();
    }
  }
  const int64_t shots = (*body)["shots"].get<int64_t>();
  Device::Submission s;
  s.dialect = kBraket;
  s.idempotency_key = (*body)["clientToken"].get<std::string>();
  s.attributes["deviceArn"] = (*body)["deviceArn"].get<std::string>();
  s.attributes["bucket"] = (*body)["outputS3Bucket"].get<std::string>();
  s.attributes["prefix"] = (*body)["outputS3KeyPrefix"].get<std::string>();
  s.attributes["shots"] = absl::StrCat(shots);
  absl::StatusOr<DeviceProgram> program = PrepareProgram(
      service.options.limits, action["source"].get<std::string>(), inputs, nullptr, shots);
  if (!program.ok()) {
    if (program.status().code() != absl::StatusCode::kInvalidArgument) {
      return ErrorReply(res, kBraket, 400, "ValidationException", program.status().message());
    }
    s.failure = std::string(program.status().message());
  } else {
    s.programs.push_back(*std::move(program));
  }
  if (fault.kind == FaultKind::kJobFails) s.fail_when_run = fault.reason;
  const Device::Submitted submitted = service.device.Submit(std::move(s));
  if (submitted.created && fault.kind == FaultKind::kVanish) {
    service.device.Vanish(submitted.job.id);
  }
  JsonReply(res, 201, {{"quantumTaskArn", TaskArn(service, submitted.job.id)}});
}

std::string Directory(const JobView& job) {
  return absl::StrCat(job.attributes.at("prefix"), "/", job.id);
}

void Status(Service& service, const httplib::Request& req, httplib::Response& res,
            const JobFault& fault) {
  if (!Authorized(service, req, res, "braket")) return;
  std::optional<JobView> job = FindTask(service, req.matches[1], res, fault);
  if (!job) return;
  json out = {{"quantumTaskArn", TaskArn(service, job->id)},
              {"status", BraketStatus(job->state)},
              {"deviceArn", job->attributes.at("deviceArn")},
              {"outputS3Bucket", job->attributes.at("bucket")},
              {"outputS3Directory", Directory(*job)},
              {"shots", std::stoll(job->attributes.at("shots"))},
              {"createdAt", IsoTime(job->created)}};
  if (job->state == JobState::kFailed) out["failureReason"] = job->failure;
  JsonReply(res, 200, out);
}

void Cancel(Service& service, const httplib::Request& req, httplib::Response& res,
            const JobFault& fault) {
  if (!Authorized(service, req, res, "braket")) return;
  std::optional<JobView> job = FindTask(service, req.matches[1], res, fault);
  if (!job) return;
  if (service.device.Cancel(job->id) == Device::CancelOutcome::kAlreadyFinal) {
    return ErrorReply(res, kBraket, 409, "ConflictException",
                      absl::StrCat("the task is already ", BraketStatus(job->state)));
  }
  JsonReply(res, 200, {{"quantumTaskArn", TaskArn(service, job->id)},
                       {"cancellationStatus", "CANCELLING"}});
}

// GET /BUCKET/DIRECTORY/results.json, DIRECTORY = PREFIX/UUID.
void ResultsObject(Service& service, const httplib::Request& req, httplib::Response& res,
                   const JobFault& fault) {
  if (!Authorized(service, req, res, "s3")) return;
  const std::string bucket = req.matches[1];
  const std::string directory = req.matches[2];
  const size_t slash = directory.rfind('/');
  const std::string id = slash == std::string::npos ? directory : directory.substr(slash + 1);
  ApplyJobFault(service, fault, id);
  std::optional<JobView> job = service.device.Get(id);
  if (!job.has_value() || job->dialect != kBraket || job->attributes.at("bucket") != bucket ||
      Directory(*job) != directory || job->state != JobState::kCompleted) {
    return ErrorReply(res, kBraket, 404, "NoSuchKey", "the specified key does not exist");
  }
  const DeviceProgram& program = job->programs->at(0);
  const std::vector<uint64_t>& shots = job->results->at(0);
  const int bits = program.circuit.num_clbits();
  std::vector<int> measured = MeasuredQubits(program.circuit);
  for (int b = 0; b < bits; ++b) {
    if (measured[size_t(b)] < 0) measured[size_t(b)] = b;  // never measured: reads 0
  }
  // Built as text: one row per shot.
  std::string out =
      "{\"braketSchemaHeader\":{\"name\":\"braket.task_result.gate_model_task_result\","
      "\"version\":\"1\"},\"measurements\":[";
  out.reserve(out.size() + shots.size() * (2 * size_t(bits) + 3));
  for (size_t i = 0; i < shots.size(); ++i) {
    out += i > 0 ? ",[" : "[";
    for (int b = 0; b < bits; ++b) {
      if (b > 0) out += ',';
      out += ((shots[i] >> b) & 1) ? '1' : '0';
    }
    out += ']';
  }
  out += "],\"measuredQubits\":[";
  for (int b = 0; b < bits; ++b) absl::StrAppend(&out, b > 0 ? "," : "", measured[size_t(b)]);
  absl::StrAppend(&out, "],\"taskMetadata\":{\"id\":",
                  json(TaskArn(service, job->id)).dump(), ",\"shots\":", program.shots,
                  ",\"deviceId\":",
                  json(job->attributes.at("deviceArn"))
                      .dump(-1, ' ', false, json::error_handler_t::replace),
                  "}}");
  res.status = 200;
  res.set_content(out, "application/json");
}

}  // namespace

void RegisterBraket(httplib::Server& server, Service& service) {
  auto bind = [&service](void (*f)(Service&, const httplib::Request&, httplib::Response&,
                                   const JobFault&)) {
    return [&service, f](const httplib::Request& req, httplib::Response& res,
                         const JobFault& fault) { f(service, req, res, fault); };
  };
  Route(server, service, "POST", "/quantum-task", kBraket, Endpoint::kSubmit, bind(Submit));
  Route(server, service, "PUT", "/quantum-task/(.+)/cancel", kBraket, Endpoint::kCancel,
        bind(Cancel));
  Route(server, service, "GET", "/quantum-task/(.+)", kBraket, Endpoint::kStatus, bind(Status));
  Route(server, service, "GET", "/([^/_][^/]*)/(.+)/results\\.json", kBraket, Endpoint::kResult,
        bind(ResultsObject));
}

}  // namespace qgrad::backends::emulator::internal
