// Structured logs of qgradd: one JSON object per line on stderr, e.g.
//   {"time":"2026-11-25T10:00:00.123456Z","level":"info","event":"job_started",
//    "job_id":"j-...","tenant":"alice"}
// Build a line with LogLine(...).Str(...).Int(...); it is written when the object dies.
// Secrets (tokens, credentials) are never passed to the logger.
//
// Thread-safety: lines from different threads never interleave (one mutex around the
// write); SetLogSink must not race with logging.
#ifndef QGRAD_SERVER_LOG_H_
#define QGRAD_SERVER_LOG_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"

namespace qgrad::server {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Where finished lines go (without the newline); nullptr restores stderr. For tests.
void SetLogSink(std::function<void(const std::string&)> sink);

// Lines below this level are dropped (default kInfo).
void SetMinLogLevel(LogLevel level);

class LogLine {
 public:
  LogLine(LogLevel level, absl::string_view event);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  // Distinct names on purpose: an overload set would send a const char* to bool.
  LogLine& Str(absl::string_view key, absl::string_view value);
  LogLine& Int(absl::string_view key, int64_t value);
  LogLine& Num(absl::string_view key, double value);
  LogLine& Bool(absl::string_view key, bool value);

 private:
  void Key(absl::string_view key);

  bool enabled_;
  std::string line_;
};

// The JSON string literal for `text` (quotes included), escaping control characters and
// invalid UTF-8 bytes (as \u00XX of the byte) so that every line stays valid JSON.
std::string JsonQuote(absl::string_view text);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_LOG_H_
