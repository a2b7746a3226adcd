// For tests of the store and of its users: finds SQL, or SQLite's own wording, in a message
// a client would read; damages a database file the way a bad disk would.
//
// Thread-safety: SqlIn is a pure function; DamageMiddlePage must not race with anything
// that uses the file.
#ifndef QGRAD_STORE_STORE_TESTING_H_
#define QGRAD_STORE_STORE_TESTING_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace qgrad::store {

// The first SQL keyword (as a word, in capitals), quoted statement, mention of SQLite or
// SQLite error text found in `message`; "" when there is none.
std::string SqlIn(absl::string_view message);

// Overwrites the 4096-byte page in the middle of the file at `path` with bytes drawn from a
// generator seeded with `seed`; returns the file's new contents ("" when it has fewer than
// two pages).
std::string DamageMiddlePage(const std::string& path, uint32_t seed);

}  // namespace qgrad::store

#endif  // QGRAD_STORE_STORE_TESTING_H_
