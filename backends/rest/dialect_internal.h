// Internal to the dialects (dialect.cc and the three *_dialect.cc): the factories and the
// small request/response helpers they share.
//
// Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_REST_DIALECT_INTERNAL_H_
#define QGRAD_BACKENDS_REST_DIALECT_INTERNAL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "backends/rest/dialect.h"
#include "nlohmann/json.hpp"

namespace qgrad::backends::rest::internal {

std::unique_ptr<Dialect> MakeIonqDialect(DialectConfig config,
                                         std::shared_ptr<RetryingSender> sender);
std::unique_ptr<Dialect> MakeBraketDialect(DialectConfig config,
                                           std::shared_ptr<RetryingSender> sender);
std::unique_ptr<Dialect> MakeQiskitRuntimeDialect(DialectConfig config,
                                                  std::shared_ptr<RetryingSender> sender);

// "METHOD URL-without-query", for messages.
std::string What(const HttpRequest& request);

// A JSON request with Content-Type (when there is a body) and Accept set.
HttpRequest JsonRequest(std::string method, std::string url, const nlohmann::json* body,
                        absl::Duration timeout);

// The body of a 2xx response as JSON (an empty body is null); HttpError otherwise, and
// UNAVAILABLE "...: malformed JSON" for a body that does not parse.
absl::StatusOr<nlohmann::json> JsonBody(const HttpRequest& request,
                                        const absl::StatusOr<HttpResponse>& response);

// j[key] as a string; INVALID_ARGUMENT-free: UNKNOWN "...: no string field KEY" (the
// provider broke its contract, so this is not the caller's fault).
absl::StatusOr<std::string> StringField(const nlohmann::json& j, const char* key,
                                        const std::string& what);

// Shots → ProgramResult (counts by value; memory copied when asked for).
ProgramResult ResultFromShots(std::vector<uint64_t> shots, int num_clbits, bool memory);

}  // namespace qgrad::backends::rest::internal

#endif  // QGRAD_BACKENDS_REST_DIALECT_INTERNAL_H_
