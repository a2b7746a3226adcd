// Tests of CurlHttpClient against a loopback httplib::Server (port 0): round trips,
// timeouts, refused connections, and error messages that carry no header value or query.
#include "backends/rest/curl_http_client.h"

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad::backends::rest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Test helper: a loopback server on a free port, stopped and joined on destruction.
class LoopbackServer {
 public:
  explicit LoopbackServer(const std::function<void(httplib::Server&)>& routes) {
    routes(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 2000 && !server_.is_running(); ++i) absl::SleepFor(absl::Milliseconds(1));
  }
  ~LoopbackServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// A loopback port nobody listens on: bound, then closed.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(CurlHttpClientTest, GetAndPostRoundTrip) {
  LoopbackServer server([](httplib::Server& s) {
    s.Get("/hello", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Custom", "yes");
      res.set_content(absl::StrCat("hi ", req.get_header_value("X-Who")), "text/plain");
    });
    s.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 201;
      res.set_content(absl::StrCat(req.method, ":", req.body, ":",
                                   req.get_header_value("Content-Type")),
                      "text/plain");
    });
    s.Put("/put", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.method + req.body, "text/plain");
    });
  });
  CurlHttpClient client;
  HttpRequest get;
  get.url = server.url("/hello");
  get.headers = {{"X-Who", "me"}};
  absl::StatusOr<HttpResponse> r = client.Send(get);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hi me");
  EXPECT_EQ(r->Header("x-custom"), "yes");
  EXPECT_EQ(r->Header("X-CUSTOM"), "yes");
  EXPECT_EQ(r->Header("X-Absent"), std::nullopt);

  HttpRequest post;
  post.method = "POST";
  post.url = server.url("/echo");
  post.headers = {{"Content-Type", "application/json"}};
  post.body = R"({"a": 1})";
  r = client.Send(post);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"(POST:{"a": 1}:application/json)");

  HttpRequest put;
  put.method = "PUT";
  put.url = server.url("/put");
  put.body = "x";
  r = client.Send(put);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "PUTx");

  HttpRequest missing;
  missing.url = server.url("/nothing");
  r = client.Send(missing);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 404);
}

TEST(CurlHttpClientTest, TimeoutIsDeadlineExceededWithoutSecrets) {
  LoopbackServer server([](httplib::Server& s) {
    s.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      absl::SleepFor(absl::Milliseconds(1500));
      res.set_content("late", "text/plain");
    });
  });
  CurlHttpClient client;
  HttpRequest r;
  r.url = server.url("/slow?token=query-secret");
  r.headers = {{"Authorization", "Bearer header-secret"}};
  r.timeout = absl::Milliseconds(200);
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response = client.Send(r);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(1400));
  ASSERT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded) << response.status();
  const std::string message(response.status().message());
  EXPECT_THAT(message, HasSubstr("GET http://127.0.0.1:"));
  EXPECT_THAT(message, HasSubstr("/slow"));
  EXPECT_THAT(message, Not(HasSubstr("secret")));
}

TEST(CurlHttpClientTest, RefusedConnectionIsUnavailable) {
  CurlHttpClient client;
  HttpRequest r;
  r.method = "POST";
  r.url = absl::StrCat("http://127.0.0.1:", ClosedPort(), "/jobs?apikey=query-secret");
  r.headers = {{"Authorization", "apiKey header-secret"}};
  absl::StatusOr<HttpResponse> response = client.Send(r);
  ASSERT_EQ(response.status().code(), absl::StatusCode::kUnavailable) << response.status();
  EXPECT_THAT(std::string(response.status().message()), HasSubstr("/jobs"));
  EXPECT_THAT(std::string(response.status().message()), Not(HasSubstr("secret")));
}

TEST(CurlHttpClientTest, MalformedUrlAndMethodAreInvalidArgument) {
  CurlHttpClient client;
  HttpRequest r;
  r.url = "notascheme://x";
  EXPECT_EQ(client.Send(r).status().code(), absl::StatusCode::kInvalidArgument);
  r.url = "http://127.0.0.1:1/";
  r.method = "PATCH";
  EXPECT_EQ(client.Send(r).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CurlHttpClientTest, ConcurrentCalls) {
  LoopbackServer server([](httplib::Server& s) {
    s.Get("/n", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.get_param_value("i"), "text/plain");
    });
  });
  CurlHttpClient client;
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        HttpRequest r;
        r.url = server.url(absl::StrCat("/n?i=", t * 100 + i));
        absl::StatusOr<HttpResponse> response = client.Send(r);
        if (response.ok() && response->body == absl::StrCat(t * 100 + i)) ++good;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(good.load(), 40);
}

}  // namespace
}  // namespace qgrad::backends::rest
