// HttpResponse helpers; see http.h.
//
// Thread-safety: pure functions.
#include "backends/rest/http.h"

#include "absl/strings/match.h"

namespace qgrad::backends::rest {

std::optional<std::string> HttpResponse::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

std::string UrlWithoutQuery(absl::string_view url) {
  const size_t cut = url.find_first_of("?#");
  return std::string(url.substr(0, cut));
}

}  // namespace qgrad::backends::rest
