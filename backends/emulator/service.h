// Internal to the emulator: the state the three dialects share (device, faults, stats,
// IBM tokens), the route wrapper that counts requests and injects faults, reply helpers,
// and the program preparation every dialect uses. Not part of the public interface.
//
// Thread-safety: Service is safe for concurrent use (its members are); the helpers are
// pure.
#ifndef QGRAD_BACKENDS_EMULATOR_SERVICE_H_
#define QGRAD_BACKENDS_EMULATOR_SERVICE_H_

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "backends/emulator/device.h"
#include "backends/emulator/faults.h"
#include "backends/emulator/options.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace qgrad::backends::emulator::internal {

struct Service {
  explicit Service(const EmulatorOptions& o)
      : options(o), device(DeviceOptions{o.timing, o.noise, o.seed}), faults(o.faults) {}

  const EmulatorOptions options;
  Device device;
  FaultInjector faults;
  Stats stats;

  // IBM bearer tokens issued by the IAM exchange → expiry.
  std::mutex tokens_mu;
  std::map<std::string, absl::Time> ibm_tokens;
};

// A job fault (kJobFails / kVanish) drawn for a request, which its handler applies to the
// job it creates or addresses.
struct JobFault {
  std::optional<FaultKind> kind;
  std::string reason;
};
// Applies `fault` to job `id` (after submission, or before answering about it).
void ApplyJobFault(Service& service, const JobFault& fault, const std::string& id);

using Handler =
    std::function<void(const httplib::Request&, httplib::Response&, const JobFault&)>;

// Registers `handler` for METHOD (GET, POST, PUT) and the regex `pattern`, counted and
// faulted as (dialect, endpoint); an exception from the handler becomes 400 (malformed
// JSON fields) or 500.
void Route(httplib::Server& server, Service& service, std::string_view method,
           const std::string& pattern, Dialect dialect, Endpoint endpoint, Handler handler);

void JsonReply(httplib::Response& res, int status, const nlohmann::json& body);
// The dialect's error shape: {"error": {"code", "message"}} (IonQ, IBM) or {"message"}
// with x-amzn-ErrorType: code (Braket).
void ErrorReply(httplib::Response& res, Dialect dialect, int status, absl::string_view code,
                absl::string_view message);

// The job `id` of `dialect`, or nullopt after answering 404 with `code` (unknown, vanished,
// or another dialect's).
std::optional<JobView> FindJobOr404(Service& service, Dialect dialect, const std::string& id,
                                    httplib::Response& res, absl::string_view code,
                                    absl::string_view message);

// The job of `dialect` whose id is the request path's first capture, after `authorized`
// (which answers 401 itself) and the request's job fault; nullopt after answering 401 or
// 404 ("not_found", "no such job": the IonQ and IBM dialects' shape).
using AuthorizeFn = bool (*)(Service&, const httplib::Request&, httplib::Response&);
std::optional<JobView> AddressedJob(Service& service, Dialect dialect, AuthorizeFn authorized,
                                    const httplib::Request& req, httplib::Response& res,
                                    const JobFault& fault);

// A parsed JSON object body, or nullopt after answering 400.
std::optional<nlohmann::json> JsonBody(const httplib::Request& req, httplib::Response& res,
                                       Dialect dialect);

// Parses and checks one program. INVALID_ARGUMENT: the program is wrong ("LINE:COLUMN:
// ..." from the parser, or an unbound / unknown input, or wrong positional values), or its
// control flow depends on measurement outcomes ("unsupported: ...", no single circuit);
// OUT_OF_RANGE: over a device limit (shots, qubits, classical bits, parser work).
// `positional` (IBM): values for the inputs in declaration order, instead of `inputs`.
absl::StatusOr<DeviceProgram> PrepareProgram(const Limits& limits, std::string_view qasm,
                                             const std::map<std::string, double>& inputs,
                                             const std::vector<double>* positional,
                                             int64_t shots);

// Shots of a program grouped by value, sorted.
std::vector<std::pair<uint64_t, int64_t>> Counts(const std::vector<uint64_t>& shots);

std::string IsoTime(absl::Time t);

void RegisterIonq(httplib::Server& server, Service& service);
void RegisterBraket(httplib::Server& server, Service& service);
void RegisterIbm(httplib::Server& server, Service& service);

}  // namespace qgrad::backends::emulator::internal

#endif  // QGRAD_BACKENDS_EMULATOR_SERVICE_H_
