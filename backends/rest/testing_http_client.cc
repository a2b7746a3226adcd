// Test helper: ScriptedHttpClient; see testing_http_client.h.
//
// Thread-safety: one mutex; handlers run outside it.
#include "backends/rest/testing_http_client.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace qgrad::backends::rest::testing {

std::string PathOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : url.find('/', start + 3);
  if (start == std::string::npos) return "/";
  const size_t end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string HeaderOf(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

void ScriptedHttpClient::Reply(const std::string& method, const std::string& path, int status,
                               std::string body, HttpHeaders headers) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  absl::MutexLock lock(&mu_);
  queued_[{method, path}].push_back(std::move(r));
}

void ScriptedHttpClient::Fail(const std::string& method, const std::string& path,
                              absl::Status error) {
  absl::MutexLock lock(&mu_);
  queued_[{method, path}].push_back(std::move(error));
}

void ScriptedHttpClient::Handle(const std::string& method, const std::string& path,
                                Handler handler) {
  absl::MutexLock lock(&mu_);
  handlers_[{method, path}] = std::move(handler);
}

void ScriptedHttpClient::HandlePrefix(const std::string& method, const std::string& prefix,
                                      Handler handler) {
  absl::MutexLock lock(&mu_);
  prefix_handlers_.push_back({{method, prefix}, std::move(handler)});
}

absl::StatusOr<HttpResponse> ScriptedHttpClient::Send(const HttpRequest& request) {
  const Key key{request.method, PathOf(request.url)};
  Handler handler;
  {
    absl::MutexLock lock(&mu_);
    requests_.push_back(request);
    auto q = queued_.find(key);
    if (q != queued_.end() && !q->second.empty()) {
      absl::StatusOr<HttpResponse> answer = q->second.front();
      const bool repeat_last = q->second.size() == 1 && handlers_.count(key) == 0;
      if (!repeat_last) q->second.pop_front();
      return answer;
    }
    if (auto h = handlers_.find(key); h != handlers_.end()) {
      handler = h->second;
    } else {
      for (const auto& [k, ph] : prefix_handlers_) {
        if (k.first == key.first && absl::StartsWith(key.second, k.second)) {
          handler = ph;
          break;
        }
      }
    }
  }
  if (handler) return handler(request);
  HttpResponse missing;
  missing.status = 404;
  missing.body = absl::StrCat(R"({"error":{"code":"not_found","message":"no route )",
                              key.first, " ", key.second, R"("}})");
  return missing;
}

std::vector<HttpRequest> ScriptedHttpClient::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

std::vector<HttpRequest> ScriptedHttpClient::requests(const std::string& method,
                                                      const std::string& path) const {
  absl::MutexLock lock(&mu_);
  std::vector<HttpRequest> out;
  for (const HttpRequest& r : requests_) {
    if (r.method == method && PathOf(r.url) == path) out.push_back(r);
  }
  return out;
}

int ScriptedHttpClient::count(const std::string& method, const std::string& path) const {
  return int(requests(method, path).size());
}

}  // namespace qgrad::backends::rest::testing
