// DataDirLock: qgradd's exclusive hold on its data directory — an flock on DATA_DIR/LOCK,
// kept for the life of the object, with the holder's pid written in the file for the
// message a second server gets. Two servers on one store would both be let in by SQLite,
// each re-running the other's jobs. It lives in server/ because the data directory is the
// server's (the store is given a file path and knows nothing of directories or processes).
//
// flock rather than fcntl locks: an fcntl lock never conflicts within one process and is
// dropped as soon as the process closes any descriptor of the file. The kernel releases an
// flock when its holder dies, however it dies, so a LOCK file left behind by a SIGKILL
// never blocks a restart.
//
// Thread-safety: the object is immutable after Acquire.
#ifndef QGRAD_SERVER_DATA_DIR_LOCK_H_
#define QGRAD_SERVER_DATA_DIR_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace qgrad::server {

class DataDirLock {
 public:
  // FAILED_PRECONDITION "data_dir X is in use by another qgradd (pid N)" when another holds
  // it (also another DataDirLock of this process); FAILED_PRECONDITION naming the file
  // when the lock file cannot be created.
  static absl::StatusOr<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_dir);
  ~DataDirLock();  // releases the lock
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_DATA_DIR_LOCK_H_
