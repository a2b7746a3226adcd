// Test helper: runs the qgrad binary (QGRAD_CLI_PATH) as a child process and collects its
// output and exit code.
//
// Thread-safety: each call runs its own process.
#ifndef QGRAD_TESTS_CLI_PROCESS_H_
#define QGRAD_TESTS_CLI_PROCESS_H_

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace qgrad::testing {

struct CliResult {
  int exit_code;
  std::string out;  // stdout and stderr together
};

// `stderr_to`: where stderr goes ("&1": into `out` with stdout).
inline CliResult RunCli(const std::string& args, const std::string& stderr_to = "&1") {
  const std::string cmd = std::string(QGRAD_CLI_PATH) + " " + args + " 2>" + stderr_to;
  FILE* pipe = popen(cmd.c_str(), "r");
  CliResult r{-1, ""};
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace qgrad::testing

#endif  // QGRAD_TESTS_CLI_PROCESS_H_
