// The dashboard's static files as compiled into the binary: a table that the build generates
// from dashboard/static/ (embed_files.cmake). Internal to dashboard/: use assets.h.
//
// Thread-safety: constant data, initialized before main.
#ifndef QGRAD_DASHBOARD_EMBEDDED_FILES_H_
#define QGRAD_DASHBOARD_EMBEDDED_FILES_H_

#include <cstddef>
#include <string_view>

namespace qgrad::dashboard::internal {

struct EmbeddedFile {
  std::string_view name;      // the file's name in dashboard/static/, e.g. "app.js"
  std::string_view contents;  // its bytes
};

extern const EmbeddedFile* const kEmbeddedFiles;
extern const std::size_t kEmbeddedFileCount;

}  // namespace qgrad::dashboard::internal

#endif  // QGRAD_DASHBOARD_EMBEDDED_FILES_H_
