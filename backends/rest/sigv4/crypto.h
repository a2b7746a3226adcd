// Internal: the two OpenSSL primitives SigV4 needs (SHA-256 and HMAC-SHA256), hex
// encoding, and a constant-time comparison. Not part of the public API.
//
// Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_REST_SIGV4_CRYPTO_H_
#define QGRAD_BACKENDS_REST_SIGV4_CRYPTO_H_

#include <string>

#include "absl/strings/string_view.h"

namespace qgrad::backends::rest::sigv4::internal {

// Raw 32-byte digests, returned as byte strings.
std::string Sha256(absl::string_view data);
std::string HmacSha256(absl::string_view key, absl::string_view data);

// Lower-case hex, as every SigV4 hash and signature is written.
std::string Hex(absl::string_view bytes);

// True when a == b, in time that depends only on the lengths.
bool ConstantTimeEqual(absl::string_view a, absl::string_view b);

}  // namespace qgrad::backends::rest::sigv4::internal

#endif  // QGRAD_BACKENDS_REST_SIGV4_CRYPTO_H_
