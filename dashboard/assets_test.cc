// Tests of the embedded dashboard files: each file of dashboard/static/ (read from the source
// tree, the independent oracle) is served byte for byte at its path with its content type,
// and no asset names an external URL (the dashboard must work without network access).
#include "dashboard/assets.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad::dashboard {
namespace {

using ::testing::IsNull;
using ::testing::NotNull;

std::string ReadSource(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string PathOf(const std::string& name) {
  if (name == "index.html") return "/";
  if (name.ends_with(".html")) return "/" + name;
  return "/static/" + name;
}

TEST(AssetsTest, EveryStaticFileIsEmbeddedByteForByte) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(QGRAD_DASHBOARD_STATIC_DIR)) {
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    const Asset* asset = FindAsset(PathOf(name));
    ASSERT_THAT(asset, NotNull()) << "not embedded: list it in dashboard/CMakeLists.txt";
    const std::string source = ReadSource(entry.path());
    ASSERT_FALSE(source.empty());
    EXPECT_EQ(asset->body, source);
    EXPECT_EQ(asset->path, PathOf(name));
    ++files;
  }
  EXPECT_GE(files, 4);  // index.html, job.html, app.js, style.css at least
  EXPECT_EQ(AllAssets().size(), files);
}

TEST(AssetsTest, PathsAndContentTypes) {
  const std::pair<std::string_view, std::string_view> expected[] = {
      {"/", "text/html; charset=utf-8"},
      {"/job.html", "text/html; charset=utf-8"},
      {"/static/app.js", "text/javascript; charset=utf-8"},
      {"/static/style.css", "text/css; charset=utf-8"},
  };
  for (const auto& [path, type] : expected) {
    const Asset* asset = FindAsset(path);
    ASSERT_THAT(asset, NotNull()) << path;
    EXPECT_EQ(asset->content_type, type) << path;
  }
  const Asset* index = FindAsset("/");
  ASSERT_THAT(index, NotNull());
  EXPECT_TRUE(index->body.starts_with("<!DOCTYPE html>"));
}

TEST(AssetsTest, UnknownPathsAreNull) {
  for (std::string_view path : {"", "/index.html", "/static/", "/static", "/app.js",
                                "/job.html?id=j-1", "/static/app.js/", "/STATIC/app.js",
                                "/static/../job.html", "/v1/jobs"}) {
    EXPECT_THAT(FindAsset(path), IsNull()) << path;
  }
}

TEST(AssetsTest, NoExternalUrls) {
  for (const Asset& asset : AllAssets()) {
    EXPECT_EQ(asset.body.find("http://"), std::string_view::npos) << asset.path;
    EXPECT_EQ(asset.body.find("https://"), std::string_view::npos) << asset.path;
    EXPECT_EQ(asset.body.find("//cdn"), std::string_view::npos) << asset.path;
  }
}

TEST(AssetsTest, AssetsAreDistinctAndNonEmpty) {
  std::set<std::string_view> paths;
  for (const Asset& asset : AllAssets()) {
    EXPECT_TRUE(paths.insert(asset.path).second) << asset.path;
    EXPECT_FALSE(asset.body.empty()) << asset.path;
    EXPECT_EQ(FindAsset(asset.path), &asset) << asset.path;
  }
}

}  // namespace
}  // namespace qgrad::dashboard
