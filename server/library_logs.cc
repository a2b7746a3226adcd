// Library log routing; see library_logs.h.
//
// Thread-safety: the handlers are installed once (std::call_once); the capture target is
// thread-local.
#include "server/library_logs.h"

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>

#include <mutex>

#include "absl/strings/str_cat.h"
#include "server/log.h"

namespace qgrad::server {
namespace {

thread_local std::string* protobuf_capture = nullptr;

LogLevel FromProtobuf(google::protobuf::LogLevel level) {
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO: return LogLevel::kInfo;
    case google::protobuf::LOGLEVEL_WARNING: return LogLevel::kWarning;
    default: return LogLevel::kError;
  }
}

LogLevel FromGpr(gpr_log_severity severity) {
  switch (severity) {
    case GPR_LOG_SEVERITY_DEBUG: return LogLevel::kDebug;
    case GPR_LOG_SEVERITY_INFO: return LogLevel::kInfo;
    default: return LogLevel::kError;
  }
}

void LogLibraryLine(LogLevel level, const char* library, const char* file, int line,
                    const std::string& message) {
  LogLine(level, "library_log")
      .Str("library", library)
      .Str("file", file == nullptr ? "" : file)
      .Int("line", line)
      .Str("message", message);
}

void OnProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                   const std::string& message) {
  if (protobuf_capture != nullptr) {
    if (!protobuf_capture->empty()) protobuf_capture->append("; ");
    protobuf_capture->append(message);
    return;
  }
  LogLibraryLine(FromProtobuf(level), "protobuf", file, line, message);
}

void OnGprLog(gpr_log_func_args* args) {
  LogLibraryLine(FromGpr(args->severity), "grpc", args->file, args->line,
                 args->message == nullptr ? "" : args->message);
}

void InstallProtobufHandler() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&OnProtobufLog); });
}

}  // namespace

void RouteLibraryLogsToJson() {
  InstallProtobufHandler();
  gpr_set_log_function(&OnGprLog);
}

ProtobufLogCapture::ProtobufLogCapture(std::string* sink) {
  InstallProtobufHandler();
  protobuf_capture = sink;
}

ProtobufLogCapture::~ProtobufLogCapture() { protobuf_capture = nullptr; }

}  // namespace qgrad::server
