// Error details as status payloads; see error_detail.h. Thread-safe (pure functions).
#include "store/error_detail.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace qgrad::store {

absl::Status WithErrorDetail(absl::Status status, absl::string_view detail) {
  if (!status.ok()) status.SetPayload(kErrorDetailTypeUrl, absl::Cord(detail));
  return status;
}

std::string ErrorDetail(const absl::Status& status) {
  const auto detail = status.GetPayload(kErrorDetailTypeUrl);  // absl::optional
  return detail.has_value() ? std::string(*detail) : std::string();
}

absl::Status WithoutErrorDetail(absl::Status status) {
  status.ErasePayload(kErrorDetailTypeUrl);
  return status;
}

absl::Status PrefixMessage(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  absl::Status prefixed(status.code(), absl::StrCat(prefix, status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    prefixed.SetPayload(url, payload);
  });
  return prefixed;
}

}  // namespace qgrad::store
