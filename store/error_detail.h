// Store errors have two readers. A client gets the status's canonical code and its message,
// which is plain words it can act on — never SQL text, never SQLite's own wording. The
// operator also needs what went wrong inside (the statement, SQLite's message and extended
// code): a store attaches that as a payload of the status, which the server writes to its
// log (event `store_error`) and strips before the status goes anywhere else. gRPC statuses
// carry the message only, so a payload can never reach a client by accident.
//
// Thread-safety: pure functions.
#ifndef QGRAD_STORE_ERROR_DETAIL_H_
#define QGRAD_STORE_ERROR_DETAIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qgrad::store {

inline constexpr char kErrorDetailTypeUrl[] = "type.qgrad.dev/qgrad.store.ErrorDetail";

// `status` with `detail` attached (replacing any earlier one); OK stays OK.
absl::Status WithErrorDetail(absl::Status status, absl::string_view detail);
// The attached detail, or "" when there is none.
std::string ErrorDetail(const absl::Status& status);
// `status` without the detail.
absl::Status WithoutErrorDetail(absl::Status status);
// `status` with `prefix` before its message; the code and every payload are kept.
absl::Status PrefixMessage(const absl::Status& status, absl::string_view prefix);

}  // namespace qgrad::store

#endif  // QGRAD_STORE_ERROR_DETAIL_H_
