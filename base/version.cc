// The software version; see version.h. QGRAD_VERSION comes from CMake (base/CMakeLists.txt)
// so that the number is written once, in the top CMakeLists.txt.
//
// Thread-safety: returns a constant.
#include "base/version.h"

#ifndef QGRAD_VERSION
#error "QGRAD_VERSION must be defined by the build (base/CMakeLists.txt)"
#endif

namespace qgrad::base {

absl::string_view SoftwareVersion() { return QGRAD_VERSION; }

}  // namespace qgrad::base
