// ReadFile on real files in a temporary directory: contents, each error code, the limit.
//
// Thread-safety: single-threaded tests.
#include "base/file.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace qgrad::base {
namespace {

class ReadFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/base_file_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::string dir_;
};

TEST_F(ReadFileTest, ReadsAllBytesIncludingNulAndBinary) {
  std::string bytes = "line one\nline two\n";
  bytes.push_back('\0');
  bytes += "\xff\x01 tail";
  EXPECT_EQ(ReadFile(Write("a.bin", bytes), 1000).value(), bytes);
  EXPECT_EQ(ReadFile(Write("empty", ""), 0).value(), "");
}

TEST_F(ReadFileTest, ReadsAFileLargerThanOneChunk) {
  std::string bytes(200'000, 'x');
  for (size_t i = 0; i < bytes.size(); i += 97) bytes[i] = char('a' + i % 26);
  EXPECT_EQ(ReadFile(Write("big", bytes), bytes.size()).value(), bytes);
}

TEST_F(ReadFileTest, MissingFileIsNotFoundAndNamesTheFile) {
  const std::string path = dir_ + "/missing.txt";
  absl::StatusOr<std::string> text = ReadFile(path, 100);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(text.status().message(), path)) << text.status();
  EXPECT_EQ(ReadFile(Write("plain", "x") + "/below", 100).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ReadFileTest, DirectoryIsInvalidArgument) {
  absl::StatusOr<std::string> text = ReadFile(dir_, 100);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(text.status().message(), dir_)) << text.status();
  EXPECT_TRUE(absl::StrContains(text.status().message(), "directory")) << text.status();
  EXPECT_EQ(ReadFile("", 100).status().code(), absl::StatusCode::kInvalidArgument);
}

// The code ReadFile gives for `path`, or -1 when the message does not name the file. As
// root (who reads every file) the read runs in a child process that drops to "nobody".
int ReadFileCodeAsUnprivileged(const std::string& path) {
  auto code_of = [&path] {
    absl::StatusOr<std::string> text = ReadFile(path, 100);
    if (!text.ok() && !absl::StrContains(text.status().message(), path)) return -1;
    return int(text.status().code());
  };
  if (geteuid() != 0) return code_of();
  const pid_t child = fork();
  if (child == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(100);
    _exit(code_of());
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -2;
  return WEXITSTATUS(status) == 255 ? -1 : WEXITSTATUS(status);
}

TEST_F(ReadFileTest, UnreadableFileIsPermissionDenied) {
  ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);  // the directory may be searched, the file not read
  const std::string path = Write("secret", "s");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  EXPECT_EQ(ReadFileCodeAsUnprivileged(path), int(absl::StatusCode::kPermissionDenied));
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(ReadFileCodeAsUnprivileged(path), int(absl::StatusCode::kOk));
}

TEST_F(ReadFileTest, LimitIsInclusive) {
  const std::string path = Write("ten", "0123456789");
  EXPECT_EQ(ReadFile(path, 10).value(), "0123456789");
  absl::StatusOr<std::string> text = ReadFile(path, 9);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(text.status().message(), path)) << text.status();
  EXPECT_TRUE(absl::StrContains(text.status().message(), "9 bytes")) << text.status();
}

// /proc files report size 0; the limit must still hold while reading.
TEST_F(ReadFileTest, LimitHoldsForFilesWithoutASize) {
  absl::StatusOr<std::string> whole = ReadFile("/proc/self/status", 1 << 20);
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_GT(whole->size(), 20u);
  EXPECT_TRUE(absl::StrContains(*whole, "Pid:"));
  EXPECT_EQ(ReadFile("/proc/self/status", 20).status().code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace qgrad::base
