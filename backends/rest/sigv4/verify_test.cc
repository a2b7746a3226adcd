// Tests of Verify(): Sign→Verify round trips, rejection of every tampering and malformed
// header we could think of, and a seeded garbage-header run that must never crash. Every
// rejection must be UNAUTHENTICATED and must not quote the secret or the signature.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "backends/rest/sigv4/sigv4.h"
#include "gtest/gtest.h"

namespace qgrad::backends::rest::sigv4 {
namespace {

constexpr char kAccessKey[] = "AKIDQGRADTEST";
constexpr char kSecret[] = "s3cr3t/Qgrad+TestSecretKeyMaterial0";

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, "2026-12-04T12:00:00Z", &time_, nullptr));
    request_ = Request{
        .method = "POST",
        .path = "/quantum-task/arn%3Aaws%3Abraket%3A%3A%3Adevice",
        .query = "maxResults=10&nextToken=a%2Fb",
        .headers = {{"Host", "braket.us-east-1.amazonaws.com"},
                    {"Content-Type", "application/json"}},
        .body = R"({"shots": 100, "clientToken": "t-1"})",
    };
  }

  Request Signed(const Credentials& credentials, const Scope& scope) const {
    Request request = request_;
    Sign(credentials, scope, time_, request);
    return request;
  }
  Request Signed() const { return Signed(credentials_, scope_); }

  absl::Status TestVerify(const Request& request, absl::Time now, const Scope& scope) const {
    return Verify(request, scope, now, absl::Minutes(15),
                  [](const std::string& id) -> std::optional<std::string> {
                    if (id == kAccessKey) return std::string(kSecret);
                    return std::nullopt;
                  });
  }
  absl::Status TestVerify(const Request& request) const { return TestVerify(request, time_, scope_); }

  static std::string& TestHeader(Request& request, absl::string_view name) {
    for (auto& header : request.headers) {
      if (absl::EqualsIgnoreCase(header.first, name)) return header.second;
    }
    ADD_FAILURE() << "no header " << name;
    static std::string none;
    return none;
  }

  static std::string TestHeaderValue(const Request& request, absl::string_view name) {
    Request copy = request;
    return TestHeader(copy, name);
  }

  // A rejection: UNAUTHENTICATED, and no secret or signature in the message.
  static void ExpectRejected(const absl::Status& status, const Request& request,
                             absl::string_view reason_part = "") {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
    EXPECT_FALSE(absl::StrContains(status.message(), kSecret)) << status;
    for (const auto& [name, value] : request.headers) {
      if (!absl::EqualsIgnoreCase(name, "authorization")) continue;
      const size_t at = value.find("Signature=");
      if (at != std::string::npos && value.size() >= at + 10 + 16) {
        EXPECT_FALSE(absl::StrContains(status.message(), value.substr(at + 10, 16))) << status;
      }
    }
    if (!reason_part.empty()) {
      EXPECT_TRUE(absl::StrContains(status.message(), reason_part)) << status;
    }
  }

  absl::Time time_;
  Request request_;
  Credentials credentials_{kAccessKey, kSecret, ""};
  Scope scope_{"us-east-1", "braket"};
};

TEST_F(VerifyTest, RoundTripAccepts) {
  EXPECT_TRUE(TestVerify(Signed()).ok()) << TestVerify(Signed());
  // Within the skew either way.
  EXPECT_TRUE(TestVerify(Signed(), time_ + absl::Minutes(14), scope_).ok());
  EXPECT_TRUE(TestVerify(Signed(), time_ - absl::Minutes(14), scope_).ok());
}

TEST_F(VerifyTest, RoundTripWithSessionTokenAndForS3) {
  Credentials with_token = credentials_;
  with_token.session_token = "token/+=";
  EXPECT_TRUE(TestVerify(Signed(with_token, scope_)).ok());

  const Scope s3{"us-east-1", "s3"};
  const Request request = Signed(credentials_, s3);
  EXPECT_TRUE(TestVerify(request, time_, s3).ok()) << TestVerify(request, time_, s3);
}

TEST_F(VerifyTest, SigningTwiceReplacesTheOldHeaders) {
  Request request = Signed();
  Sign(credentials_, scope_, time_ + absl::Seconds(5), request);
  int authorizations = 0;
  for (const auto& header : request.headers) authorizations += header.first == "Authorization";
  EXPECT_EQ(authorizations, 1);
  EXPECT_TRUE(TestVerify(request, time_, scope_).ok());
}

TEST_F(VerifyTest, RejectsChangedBody) {
  Request request = Signed();
  request.body += " ";
  ExpectRejected(TestVerify(request), request, "signature does not match");
}

TEST_F(VerifyTest, RejectsChangedBodyForS3ByTheContentHash) {
  const Scope s3{"us-east-1", "s3"};
  Request request = Signed(credentials_, s3);
  request.body = "other";
  ExpectRejected(TestVerify(request, time_, s3), request, "x-amz-content-sha256");
}

TEST_F(VerifyTest, RejectsChangedSignedHeaderPathAndQuery) {
  Request header = Signed();
  TestHeader(header, "content-type") = "text/plain";
  ExpectRejected(TestVerify(header), header, "signature does not match");

  Request path = Signed();
  path.path += "x";
  ExpectRejected(TestVerify(path), path, "signature does not match");

  Request query = Signed();
  query.query = "maxResults=11&nextToken=a%2Fb";
  ExpectRejected(TestVerify(query), query, "signature does not match");

  Request method = Signed();
  method.method = "PUT";
  ExpectRejected(TestVerify(method), method, "signature does not match");
}

TEST_F(VerifyTest, UnsignedExtraHeaderIsAllowedButUnsignedTokenIsNot) {
  Request extra = Signed();
  extra.headers.emplace_back("User-Agent", "curl");
  EXPECT_TRUE(TestVerify(extra).ok());

  Request token = Signed();
  token.headers.emplace_back("X-Amz-Security-Token", "injected");
  ExpectRejected(TestVerify(token), token, "not signed");
}

TEST_F(VerifyTest, RejectsWrongKeyAndUnknownAccessKey) {
  Request wrong_key = Signed(Credentials{kAccessKey, "not-the-secret", ""}, scope_);
  ExpectRejected(TestVerify(wrong_key), wrong_key, "signature does not match");

  Request unknown = Signed(Credentials{"AKIDUNKNOWN", kSecret, ""}, scope_);
  ExpectRejected(TestVerify(unknown), unknown, "unknown access key");
}

TEST_F(VerifyTest, RejectsExpiredFutureAndInconsistentDates) {
  Request request = Signed();
  ExpectRejected(TestVerify(request, time_ + absl::Minutes(16), scope_), request, "too far");
  ExpectRejected(TestVerify(request, time_ - absl::Minutes(16), scope_), request, "too far");

  // The date header moved to another day: the scope date no longer matches.
  Request other_day = Signed();
  TestHeader(other_day, "x-amz-date") = "20261205T120000Z";
  ExpectRejected(TestVerify(other_day, time_ + absl::Hours(24), scope_), other_day,
                 "scope date");

  // Same day, other second: the signature no longer matches.
  Request other_second = Signed();
  TestHeader(other_second, "x-amz-date") = "20261204T120001Z";
  ExpectRejected(TestVerify(other_second), other_second, "signature does not match");

  for (const char* bad : {"", "2026-12-04T12:00:00Z", "20261304T120000Z", "20261204T250000Z",
                          "20261204T120000z", "20261204 120000Z", "20261231T120000ZZ"}) {
    Request bad_date = Signed();
    TestHeader(bad_date, "x-amz-date") = bad;
    ExpectRejected(TestVerify(bad_date), bad_date, "X-Amz-Date");
  }
}

TEST_F(VerifyTest, RejectsWrongRegionOrService) {
  Request request = Signed();
  ExpectRejected(TestVerify(request, time_, Scope{"eu-west-2", "braket"}), request, "scope");
  ExpectRejected(TestVerify(request, time_, Scope{"us-east-1", "s3"}), request, "scope");
  // Signed for another region, verified for ours.
  Request elsewhere = Signed(credentials_, Scope{"eu-west-2", "braket"});
  ExpectRejected(TestVerify(elsewhere), elsewhere, "scope");
}

TEST_F(VerifyTest, RejectsMissingOrRepeatedAuthorization) {
  Request none = request_;
  ExpectRejected(TestVerify(none), none, "missing Authorization");

  Request twice = Signed();
  twice.headers.emplace_back("authorization", TestHeader(twice, "Authorization"));
  ExpectRejected(TestVerify(twice), twice, "more than one");
}

TEST_F(VerifyTest, RejectsMalformedAuthorizationHeaders) {
  const Request signed_request = Signed();
  const std::string good = TestHeaderValue(signed_request, "Authorization");
  const std::string signature = good.substr(good.find("Signature=") + 10);
  const std::string credential = "Credential=AKIDQGRADTEST/20261204/us-east-1/braket/aws4_request";
  const std::string headers = "SignedHeaders=content-type;host;x-amz-date";
  const std::string sig = "Signature=" + signature;

  const std::vector<std::string> malformed = {
      "",
      " ",
      "Bearer abc",
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA256 ",
      "AWS4-HMAC-SHA1 " + credential + ", " + headers + ", " + sig,
      "AWS4-HMAC-SHA256" + credential + ", " + headers + ", " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", " + headers,                       // no signature
      "AWS4-HMAC-SHA256 " + headers + ", " + sig,                              // no credential
      "AWS4-HMAC-SHA256 " + credential + ", " + sig,                           // no headers
      "AWS4-HMAC-SHA256 " + credential + ", " + credential + ", " + headers + ", " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", " + sig + ", " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", " + sig + ", Extra=1",
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", " + sig + ",",
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", Signature",
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", Signature=",
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", Signature=" + signature.substr(1),
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", Signature=" + signature + "0",
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", Signature=" +
          absl::StrReplaceAll(signature, {{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}}),
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", Signature=" + std::string(64, 'g'),
      "AWS4-HMAC-SHA256 Credential=AKIDQGRADTEST/20261204/us-east-1/braket, " + headers + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKIDQGRADTEST/20261204/us-east-1/braket/aws4_request/x, " +
          headers + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=/20261204/us-east-1/braket/aws4_request, " + headers + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKIDQGRADTEST/2026124/us-east-1/braket/aws4_request, " +
          headers + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKIDQGRADTEST/20261204//braket/aws4_request, " + headers +
          ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKIDQGRADTEST/20261204/us-east-1/braket/aws5_request, " +
          headers + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKIDQGRADTEST/20261203/us-east-1/braket/aws4_request, " +
          headers + ", " + sig,                                                 // other day
      "AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=, " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=host;;x-amz-date, " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=host;content-type;x-amz-date, " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=content-type;host;host;x-amz-date, " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=Content-Type;host;x-amz-date, " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=content-type;x-amz-date, " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=content-type;host, " + sig,
      "AWS4-HMAC-SHA256 " + credential + ", SignedHeaders=content-type;host;x-amz-date;x-missing, " +
          sig,
      "AWS4-HMAC-SHA256 " + credential + ", " + headers + ", " + sig + std::string(10000, ' '),
      std::string(100000, 'A'),
      std::string("AWS4-HMAC-SHA256 \0", 18) + credential + ", " + headers + ", " + sig,
  };
  for (const std::string& authorization : malformed) {
    Request request = signed_request;
    TestHeader(request, "Authorization") = authorization;
    SCOPED_TRACE(authorization.substr(0, 200));
    ExpectRejected(TestVerify(request), signed_request);
  }
  // Whitespace around components is tolerated: the header is still the same signature.
  Request spaced = signed_request;
  TestHeader(spaced, "Authorization") =
      "  AWS4-HMAC-SHA256   " + credential + " ,  " + headers + " ,\t" + sig + " ";
  EXPECT_TRUE(TestVerify(spaced).ok()) << TestVerify(spaced);
}

// Seeded garbage: random bytes, random mutations of a valid header and random splices of
// the header's grammar pieces. Verify must return (not crash, not hang) and any rejection
// must be UNAUTHENTICATED without the secret.
TEST_F(VerifyTest, GarbageAuthorizationHeadersNeverCrash) {
  const Request signed_request = Signed();
  const std::string good = TestHeaderValue(signed_request, "Authorization");
  const std::vector<std::string> pieces = {
      "AWS4-HMAC-SHA256", " ", ",", ", ", "=", "/", ";", "Credential", "SignedHeaders",
      "Signature", "AKIDQGRADTEST", "20261204", "us-east-1", "braket", "aws4_request", "host",
      "x-amz-date", "content-type", std::string(64, 'a'), "\t", std::string(1, '\0'), "\xff"};
  std::mt19937_64 rng(20261204);
  auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  int accepted = 0;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string header;
    switch (iteration % 3) {
      case 0:
        for (size_t i = 0, n = below(200); i < n; ++i) header.push_back(static_cast<char>(rng()));
        break;
      case 1:
        header = good;
        for (size_t m = 0, n = 1 + below(4); m < n; ++m) {
          const size_t at = below(header.size() + 1);
          switch (below(3)) {
            case 0: if (at < header.size()) header.erase(at, 1); break;
            case 1: header.insert(at, 1, static_cast<char>(rng())); break;
            default: if (at < header.size()) header[at] = static_cast<char>(rng()); break;
          }
        }
        break;
      default:
        for (size_t i = 0, n = below(30); i < n; ++i) header += pieces[below(pieces.size())];
        break;
    }
    Request request = signed_request;
    TestHeader(request, "Authorization") = header;
    const absl::Status status = TestVerify(request);
    if (status.ok()) {
      ++accepted;  // only harmless whitespace edits of the valid header can pass
      continue;
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
    EXPECT_FALSE(absl::StrContains(status.message(), kSecret));
  }
  EXPECT_LT(accepted, 50);
}

}  // namespace
}  // namespace qgrad::backends::rest::sigv4
