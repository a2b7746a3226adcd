// Credential references; see credentials.h.
//
// Thread-safety: getenv is read-only here; no shared state.
#include "backends/rest/credentials.h"

#include <sys/stat.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "base/file.h"

namespace qgrad::backends::rest {

absl::StatusOr<Secret> ResolveSecret(absl::string_view reference) {
  if (absl::ConsumePrefix(&reference, "env:")) {
    const std::string name(reference);
    if (name.empty()) return absl::InvalidArgumentError("credential env: names no variable");
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("credential: environment variable ", name, " is not set"));
    }
    std::string v(absl::StripAsciiWhitespace(value));
    if (v.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("credential: environment variable ", name, " is empty"));
    }
    return Secret(std::move(v));
  }
  if (absl::ConsumePrefix(&reference, "file:")) {
    const std::string path(reference);
    struct stat st;
    if (!path.empty() && stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0) {
      return absl::PermissionDeniedError(absl::StrCat(
          "credential file ", path, " is readable by other users (chmod o-r it)"));
    }
    absl::StatusOr<std::string> contents = base::ReadFile(path, 64 * 1024);
    if (!contents.ok()) {
      return absl::Status(contents.status().code(),
                          absl::StrCat("credential file: ", contents.status().message()));
    }
    std::string v(absl::StripAsciiWhitespace(*contents));
    if (v.empty()) return absl::InvalidArgumentError(absl::StrCat("credential file ", path, " is empty"));
    return Secret(std::move(v));
  }
  return absl::InvalidArgumentError(
      "a credential reference must be \"env:NAME\" or \"file:PATH\" (the reference given "
      "is not repeated here in case it is a key)");
}

std::string Redact(std::string text, const Secret& secret) {
  if (secret.value().size() < 4) return text;
  return absl::StrReplaceAll(text, {{secret.value(), "***"}});
}

}  // namespace qgrad::backends::rest
