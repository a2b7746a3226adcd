// JSON-lines logger; see log.h.
//
// Thread-safety: the sink and the minimum level are guarded by a mutex / an atomic.
#include "server/log.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qgrad::server {
namespace {

std::mutex& SinkMutex() {
  static std::mutex mu;
  return mu;
}

std::function<void(const std::string&)>& Sink() {
  static std::function<void(const std::string&)> sink;
  return sink;
}

std::atomic<int>& MinLevel() {
  static std::atomic<int> level{static_cast<int>(LogLevel::kInfo)};
  return level;
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

// RFC 3339 UTC with microseconds.
std::string NowUtc() {
  const auto now = std::chrono::system_clock::now();
  const int64_t micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(micros % 1000000));
}

// Length of the valid UTF-8 sequence starting at text[i], or 0.
size_t Utf8Length(absl::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return 0;
  }
  return n;
}

}  // namespace

void SetLogSink(std::function<void(const std::string&)> sink) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  Sink() = std::move(sink);
}

void SetMinLogLevel(LogLevel level) { MinLevel().store(static_cast<int>(level)); }

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    const size_t n = Utf8Length(text, i);
    if (n == 0) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(text.data() + i, n);
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
    i += n;
  }
  out += '"';
  return out;
}

LogLine::LogLine(LogLevel level, absl::string_view event)
    : enabled_(static_cast<int>(level) >= MinLevel().load()) {
  if (!enabled_) return;
  line_ = absl::StrCat("{\"time\":\"", NowUtc(), "\",\"level\":\"", LevelName(level),
                       "\",\"event\":", JsonQuote(event));
}

LogLine::~LogLine() {
  if (!enabled_) return;
  line_ += '}';
  std::lock_guard<std::mutex> lock(SinkMutex());
  if (Sink()) {
    Sink()(line_);
  } else {
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), stderr);
    std::fflush(stderr);
  }
}

void LogLine::Key(absl::string_view key) { absl::StrAppend(&line_, ",", JsonQuote(key), ":"); }

LogLine& LogLine::Str(absl::string_view key, absl::string_view value) {
  if (enabled_) {
    Key(key);
    line_ += JsonQuote(value);
  }
  return *this;
}

LogLine& LogLine::Int(absl::string_view key, int64_t value) {
  if (enabled_) {
    Key(key);
    absl::StrAppend(&line_, value);
  }
  return *this;
}

LogLine& LogLine::Num(absl::string_view key, double value) {
  if (enabled_) {
    Key(key);
    // JSON has no NaN or infinity.
    if (std::isfinite(value)) {
      absl::StrAppendFormat(&line_, "%.17g", value);
    } else {
      line_ += "null";
    }
  }
  return *this;
}

LogLine& LogLine::Bool(absl::string_view key, bool value) {
  if (enabled_) {
    Key(key);
    line_ += value ? "true" : "false";
  }
  return *this;
}

}  // namespace qgrad::server
