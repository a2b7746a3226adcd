// The software version of qgrad (the `project(... VERSION ...)` of the top CMakeLists.txt,
// the only place it is written), for `qgrad --version` and for every JobResult.
//
// Thread-safety: returns a constant.
#ifndef QGRAD_BASE_VERSION_H_
#define QGRAD_BASE_VERSION_H_

#include "absl/strings/string_view.h"

namespace qgrad::base {

// "0.1.0".
absl::string_view SoftwareVersion();

}  // namespace qgrad::base

#endif  // QGRAD_BASE_VERSION_H_
