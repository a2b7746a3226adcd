// Routes the log output of the libraries qgradd links (libprotobuf's GOOGLE_LOG lines and
// gRPC core's gpr_log lines) into qgradd's JSON-lines log, so that every line on stderr is
// one JSON object (event "library_log", with the library, level, file, line and message).
//
// A thread may also capture libprotobuf's messages instead of logging them, for the
// duration of one parse: the request decoder turns "String field ... contains invalid UTF-8
// data" into the client's error message.
//
// Thread-safety: RouteLibraryLogsToJson is called once at start-up, before other threads
// log; captures are per thread.
#ifndef QGRAD_SERVER_LIBRARY_LOGS_H_
#define QGRAD_SERVER_LIBRARY_LOGS_H_

#include <string>

namespace qgrad::server {

void RouteLibraryLogsToJson();

// While alive, libprotobuf messages logged on this thread are appended to `*sink` (joined
// by "; ") instead of being logged. Captures do not nest.
class ProtobufLogCapture {
 public:
  explicit ProtobufLogCapture(std::string* sink);
  ~ProtobufLogCapture();
  ProtobufLogCapture(const ProtobufLogCapture&) = delete;
  ProtobufLogCapture& operator=(const ProtobufLogCapture&) = delete;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_LIBRARY_LOGS_H_
