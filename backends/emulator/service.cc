// The shared route wrapper, replies and program preparation; see service.h.
//
// Thread-safety: pure helpers; Route's closures use the thread-safe Service.
#include "backends/emulator/service.h"

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "backends/emulator/noise.h"
#include "qasm/qasm.h"

namespace qgrad::backends::emulator::internal {
namespace {

// Shots of a program with mid-circuit measurement or reset: each is a whole simulation.
constexpr int64_t kMaxTrajectoryShots = 20'000;

bool Terminal(const Circuit& circuit) {
  if (!circuit.MeasurementsAreTerminal()) return false;
  for (const Gate& g : circuit.gates()) {
    if (g.kind == GateKind::kReset) return false;
  }
  return true;
}

const char* ErrorCodeFor(Dialect dialect, int status) {
  if (dialect == Dialect::kBraket) {
    return status == 429 ? "ThrottlingException"
           : status == 503 ? "ServiceUnavailableException"
                           : "InternalServiceException";
  }
  return status == 429 ? "rate_limited" : status == 503 ? "unavailable" : "internal_error";
}

// Answers with an injected fault instead of acting on the request.
void InjectedError(httplib::Response& res, Dialect dialect, const FaultRule& rule) {
  const int status = rule.kind == FaultKind::kHttp429   ? 429
                     : rule.kind == FaultKind::kHttp503 ? 503
                                                        : 500;
  if (status == 429) {
    res.set_header("Retry-After", absl::StrCat(absl::ToInt64Seconds(rule.retry_after)));
  }
  ErrorReply(res, dialect, status, ErrorCodeFor(dialect, status), "injected fault");
}

// Replaces the response's body by a provider that fails at once: the headers (with the
// body's length) go out, then the connection closes, so the client sees a truncated
// response, a transport error.
void DropAfterHeaders(httplib::Response& res) {
  const size_t length = std::max<size_t>(res.body.size(), 1);
  std::string type = res.get_header_value("Content-Type");
  if (type.empty()) type = "application/json";
  res.body.clear();
  res.headers.erase("Content-Type");
  res.set_content_provider(length, type,
                           [](size_t, size_t, httplib::DataSink&) { return false; });
}

}  // namespace

void ApplyJobFault(Service& service, const JobFault& fault, const std::string& id) {
  if (!fault.kind.has_value()) return;
  if (*fault.kind == FaultKind::kJobFails) service.device.Fail(id, fault.reason);
  if (*fault.kind == FaultKind::kVanish) service.device.Vanish(id);
}

void Route(httplib::Server& server, Service& service, std::string_view method,
           const std::string& pattern, Dialect dialect, Endpoint endpoint, Handler handler) {
  auto wrapped = [&service, dialect, endpoint, handler = std::move(handler)](
                     const httplib::Request& req, httplib::Response& res) {
    service.stats.CountRequest(dialect, endpoint);
    const std::optional<FaultRule> fault = service.faults.Draw(dialect, endpoint);
    JobFault job_fault;
    if (fault.has_value()) {
      service.stats.CountFault(fault->kind);
      switch (fault->kind) {
        case FaultKind::kHttp500:
        case FaultKind::kHttp503:
        case FaultKind::kHttp429:
          InjectedError(res, dialect, *fault);
          return;
        case FaultKind::kSlow:
          std::this_thread::sleep_for(absl::ToChronoNanoseconds(fault->delay));
          break;
        case FaultKind::kJobFails:
        case FaultKind::kVanish:
          job_fault = JobFault{fault->kind, fault->reason};
          break;
        case FaultKind::kDrop:
          break;
      }
    }
    try {
      handler(req, res, job_fault);
    } catch (const nlohmann::json::exception&) {
      ErrorReply(res, dialect, 400, dialect == Dialect::kBraket ? "ValidationException"
                                                                : "bad_request",
                 "a field of the request has the wrong type");
    } catch (const std::exception&) {
      ErrorReply(res, dialect, 500, ErrorCodeFor(dialect, 500), "internal error");
    }
    if (fault.has_value() && fault->kind == FaultKind::kDrop) DropAfterHeaders(res);
  };
  const std::string p = pattern;
  if (method == "GET") server.Get(p, wrapped);
  if (method == "POST") server.Post(p, wrapped);
  if (method == "PUT") server.Put(p, wrapped);
}

void JsonReply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

std::optional<JobView> FindJobOr404(Service& service, Dialect dialect, const std::string& id,
                                    httplib::Response& res, absl::string_view code,
                                    absl::string_view message) {
  std::optional<JobView> job = service.device.Get(id);
  if (!job.has_value() || job->dialect != dialect) {
    ErrorReply(res, dialect, 404, code, message);
    return std::nullopt;
  }
  return job;
}

std::optional<JobView> AddressedJob(Service& service, Dialect dialect, AuthorizeFn authorized,
                                    const httplib::Request& req, httplib::Response& res,
                                    const JobFault& fault) {
  if (!authorized(service, req, res)) return std::nullopt;
  const std::string id = req.matches[1];
  ApplyJobFault(service, fault, id);
  return FindJobOr404(service, dialect, id, res, "not_found", "no such job");
}

void ErrorReply(httplib::Response& res, Dialect dialect, int status, absl::string_view code,
                absl::string_view message) {
  nlohmann::json body;
  if (dialect == Dialect::kBraket) {
    res.set_header("x-amzn-ErrorType", std::string(code));
    body["message"] = message;
  } else {
    body["error"] = {{"code", code}, {"message", message}};
  }
  // dump() with replacement: a message quoting a program must not make dump() throw.
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

std::optional<nlohmann::json> JsonBody(const httplib::Request& req, httplib::Response& res,
                                       Dialect dialect) {
  nlohmann::json body;
  if (JsonDepthWithin(req.body)) {
    body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  }
  if (body.is_null() || body.is_discarded() || !body.is_object()) {
    ErrorReply(res, dialect, 400,
               dialect == Dialect::kBraket ? "ValidationException" : "bad_request",
               "the body is not a JSON object");
    return std::nullopt;
  }
  return body;
}

absl::StatusOr<DeviceProgram> PrepareProgram(const Limits& limits, std::string_view qasm,
                                             const std::map<std::string, double>& inputs,
                                             const std::vector<double>* positional,
                                             int64_t shots) {
  if (shots < 1 || shots > limits.max_shots) {
    return absl::OutOfRangeError(
        absl::StrCat("shots must be in [1, ", limits.max_shots, "], got ", shots));
  }
  qasm::ParseOptions options;
  options.bindings = inputs;
  options.max_operations = limits.max_operations;
  options.max_qubits = std::max(1024, limits.max_qubits);
  absl::StatusOr<qasm::ParsedProgram> parsed = qasm::Parse(qasm, options);
  if (!parsed.ok()) {
    if (parsed.status().code() == absl::StatusCode::kInvalidArgument) return parsed.status();
    return absl::OutOfRangeError(parsed.status().message());
  }
  if (parsed->dynamic) {  // one circuit per program: no control on measurement outcomes
    return absl::InvalidArgumentError(
        "unsupported: control flow that depends on measurement outcomes");
  }
  Circuit circuit = std::move(parsed->circuit);
  if (positional != nullptr) {
    if (positional->size() != parsed->param_names.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the program declares ", parsed->param_names.size(),
                       " input values, the request gives ", positional->size()));
    }
    absl::StatusOr<Circuit> bound = circuit.Bind(*positional);
    if (!bound.ok()) return absl::InvalidArgumentError(bound.status().message());
    circuit = *std::move(bound);
  } else {
    const std::set<std::string> declared(parsed->param_names.begin(),
                                         parsed->param_names.end());
    for (const std::string& name : parsed->param_names) {
      if (!inputs.contains(name)) {
        return absl::InvalidArgumentError(absl::StrCat("input '", name, "' has no value"));
      }
    }
    for (const auto& [name, value] : inputs) {
      if (!declared.contains(name)) {
        return absl::InvalidArgumentError(
            absl::StrCat("a value for '", name, "', which is not an input"));
      }
    }
  }
  // The parser substitutes bound inputs but still declares them as parameters; a copy of
  // the gates declares none, so the simulator runs it with an empty parameter vector.
  Circuit unparameterized(circuit.num_qubits(), circuit.num_clbits());
  for (const Gate& g : circuit.gates()) {
    if (absl::Status s = unparameterized.Append(g); !s.ok()) return s;
  }
  if (unparameterized.num_params() != 0) {
    return absl::InvalidArgumentError("the program has unbound inputs");
  }
  circuit = std::move(unparameterized);
  if (circuit.num_qubits() > limits.max_qubits) {
    return absl::OutOfRangeError(absl::StrCat(circuit.num_qubits(),
                                              " qubits exceed the device's limit of ",
                                              limits.max_qubits));
  }
  if (circuit.num_clbits() > 64) {
    return absl::OutOfRangeError(
        absl::StrCat(circuit.num_clbits(), " classical bits exceed the limit of 64"));
  }
  if (!Terminal(circuit) && shots > kMaxTrajectoryShots) {
    return absl::OutOfRangeError(
        absl::StrCat(shots, " shots of a program with mid-circuit measurement or reset "
                            "exceed the limit of ", kMaxTrajectoryShots));
  }
  DeviceProgram program;
  if (!parsed->clbit_names.empty()) {
    const std::string& first = parsed->clbit_names[0];
    program.register_name = first.substr(0, first.find('['));
  }
  program.circuit = std::move(circuit);
  program.shots = shots;
  return program;
}

std::vector<std::pair<uint64_t, int64_t>> Counts(const std::vector<uint64_t>& shots) {
  std::map<uint64_t, int64_t> tally;
  for (uint64_t s : shots) ++tally[s];
  return {tally.begin(), tally.end()};
}

std::string IsoTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

}  // namespace qgrad::backends::emulator::internal
