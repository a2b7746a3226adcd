// The web dashboard's files (dashboard/static/, compiled into the binary) by the URL path
// the HTTP gateway serves each at: "/" (index.html), "/job.html", and "/static/NAME" for every
// other file (app.js, style.css).
//
// Thread-safety: constant data; every function may be called from any thread.
#ifndef QGRAD_DASHBOARD_ASSETS_H_
#define QGRAD_DASHBOARD_ASSETS_H_

#include <span>
#include <string_view>

namespace qgrad::dashboard {

struct Asset {
  std::string_view path;          // "/static/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;          // the file's bytes
};

// The asset served at `path` (no query string: "/job.html", not "/job.html?id=j-1"), or
// nullptr when there is none.
const Asset* FindAsset(std::string_view path);

// Every asset, in the order of dashboard/CMakeLists.txt.
std::span<const Asset> AllAssets();

}  // namespace qgrad::dashboard

#endif  // QGRAD_DASHBOARD_ASSETS_H_
