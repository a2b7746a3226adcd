// Whole-file reads; see file.h. POSIX calls rather than iostreams, so that the error says
// which of "missing", "not allowed" and "a directory" it was (an ifstream only fails).
//
// Thread-safety: no shared state.
#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace qgrad::base {
namespace {

absl::Status OpenError(const std::string& path, int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:  // a path component is a file
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(absl::StrCat(path, ": permission denied"));
    case EISDIR:
      return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory"));
    default:
      return absl::UnknownError(absl::StrCat(path, ": cannot open: ", std::strerror(error)));
  }
}

// Closes the descriptor on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes) {
  if (path.empty()) return absl::InvalidArgumentError("empty file name");
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return OpenError(path, errno);
  struct stat info;
  if (fstat(fd.get(), &info) != 0) return OpenError(path, errno);
  if (S_ISDIR(info.st_mode)) return OpenError(path, EISDIR);
  const std::string too_large =
      absl::StrCat(path, ": larger than the limit of ", max_bytes, " bytes");
  // st_size is only a hint (0 for /proc files and pipes); the loop below enforces the limit.
  if (S_ISREG(info.st_mode) && uint64_t(info.st_size) > max_bytes) {
    return absl::ResourceExhaustedError(too_large);
  }
  std::string text;
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = read(fd.get(), chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::DataLossError(absl::StrCat(path, ": read error: ", std::strerror(errno)));
    }
    if (n == 0) break;
    if (text.size() + uint64_t(n) > max_bytes) return absl::ResourceExhaustedError(too_large);
    text.append(chunk, size_t(n));
  }
  return text;
}

}  // namespace qgrad::base
