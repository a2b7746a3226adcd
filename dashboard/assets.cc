// The dashboard's URL paths and content types over the embedded files. Thread-safe: the
// table is built once, on first use (a function-local static).
#include "dashboard/assets.h"

#include <string>
#include <utility>
#include <vector>

#include "dashboard/embedded_files.h"

namespace qgrad::dashboard {
namespace {

std::string_view ContentType(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
  };
  for (const auto& [suffix, type] : kTypes) {
    if (name.ends_with(suffix)) return type;
  }
  return "application/octet-stream";
}

// The pages live at the top, so that their addresses are short: "/", "/job.html".
std::string UrlPath(std::string_view name) {
  if (name == "index.html") return "/";
  std::string path = name.ends_with(".html") ? "/" : "/static/";
  path += name;
  return path;
}

struct Table {
  std::vector<std::string> paths;  // owns the strings that the assets' paths view
  std::vector<Asset> assets;
};

const Table& Assets() {
  static const Table* const table = [] {
    auto* t = new Table;
    // Every path first, then the views into them: a vector that grows moves its strings.
    for (std::size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
      t->paths.push_back(UrlPath(internal::kEmbeddedFiles[i].name));
    }
    for (std::size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
      const internal::EmbeddedFile& file = internal::kEmbeddedFiles[i];
      t->assets.push_back({t->paths[i], ContentType(file.name), file.contents});
    }
    return t;
  }();
  return *table;
}

}  // namespace

const Asset* FindAsset(std::string_view path) {
  for (const Asset& asset : Assets().assets) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

std::span<const Asset> AllAssets() { return Assets().assets; }

}  // namespace qgrad::dashboard
