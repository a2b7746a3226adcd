// DataDirLock; see data_dir_lock.h. Thread-safe (immutable after Acquire).
#include "server/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace qgrad::server {
namespace {

// The pid the holder wrote, as text; "unknown" while it has not written it yet.
std::string HolderPid(int fd) {
  char buffer[32] = {};
  const ssize_t n = pread(fd, buffer, sizeof(buffer) - 1, 0);
  std::string pid(buffer, n > 0 ? size_t(n) : 0);
  absl::StripAsciiWhitespace(&pid);
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(const std::string& data_dir) {
  const std::string path = (std::filesystem::path(data_dir) / "LOCK").string();
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("data_dir ", data_dir, ": cannot create ", path, " (", std::strerror(errno),
                     "): the user qgradd runs as must be able to write the directory"));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = HolderPid(fd);
    close(fd);
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data_dir ", data_dir, " is in use by another qgradd (pid ", holder, ")"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("data_dir ", data_dir, ": cannot lock ", path, ": ", std::strerror(error)));
  }
  // The pid only makes the refusal message helpful: the lock holds without it.
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) == 0) (void)!pwrite(fd, pid.data(), pid.size(), 0);
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() { close(fd_); }

}  // namespace qgrad::server
