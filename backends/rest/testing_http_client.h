// Test helper: a scripted HttpClient. Responses (or transport errors) are queued per
// (method, path) — the path without scheme, host and query — and handed out in order; the
// last one queued for a route repeats once the queue is down to it (so a status route can
// answer "running" forever). A request with no route is answered 404. Every request is
// recorded. Optionally a route can be answered by a callback.
//
// Thread-safety: safe for concurrent use (one mutex).
#ifndef QGRAD_BACKENDS_REST_TESTING_HTTP_CLIENT_H_
#define QGRAD_BACKENDS_REST_TESTING_HTTP_CLIENT_H_

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "backends/rest/http.h"

namespace qgrad::backends::rest::testing {

// "/v0.4/jobs/x" from "https://host:1/v0.4/jobs/x?y=1".
std::string PathOf(const std::string& url);

class ScriptedHttpClient final : public HttpClient {
 public:
  using Handler = std::function<absl::StatusOr<HttpResponse>(const HttpRequest&)>;

  // Queues a response (JSON body, given status, optional headers) for (method, path).
  void Reply(const std::string& method, const std::string& path, int status,
             std::string body, HttpHeaders headers = {});
  void Fail(const std::string& method, const std::string& path, absl::Status error);
  // Answers (method, path) with `handler` from now on, after any queued answers.
  void Handle(const std::string& method, const std::string& path, Handler handler);
  // A handler for every path starting with `prefix` (checked after exact routes).
  void HandlePrefix(const std::string& method, const std::string& prefix, Handler handler);

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  std::vector<HttpRequest> requests() const;
  // Requests recorded for (method, path).
  std::vector<HttpRequest> requests(const std::string& method, const std::string& path) const;
  int count(const std::string& method, const std::string& path) const;

 private:
  using Key = std::pair<std::string, std::string>;
  mutable absl::Mutex mu_;
  std::map<Key, std::deque<absl::StatusOr<HttpResponse>>> queued_ ABSL_GUARDED_BY(mu_);
  std::map<Key, Handler> handlers_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<Key, Handler>> prefix_handlers_ ABSL_GUARDED_BY(mu_);
  std::vector<HttpRequest> requests_ ABSL_GUARDED_BY(mu_);
};

// The value of header `name` in `request` (case-insensitive), or "" when absent.
std::string HeaderOf(const HttpRequest& request, const std::string& name);

}  // namespace qgrad::backends::rest::testing

#endif  // QGRAD_BACKENDS_REST_TESTING_HTTP_CLIENT_H_
