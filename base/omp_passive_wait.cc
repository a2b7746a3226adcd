// Makes OpenMP threads wait passively (sleep, not spin) in the programs that run jobs
// (`qgrad`, `qgradd`), unless the user chose a wait policy or spin count.
//
// Why: libgomp's default busy-waits after every parallel region. On a machine whose cores
// are shared with other work (the usual VM), a spinning thread takes the core from the
// thread that has work, and a team waits a scheduler slice for a descheduled member: the
// 16-qubit Max-Cut run spent 82 % of its samples in libgomp's spin loops (bench/RESULTS.md,
// 2026-12-05) and took 3–10× longer than with passive waiting.
//
// How: libgomp reads OMP_WAIT_POLICY once, in its own load-time constructor, so setting it
// in main() is too late; and an executable's .preinit_array, which runs before any shared
// library's constructor, cannot just setenv() either: libc's own initializer runs after it
// and resets `environ` to the original block. So the hook re-executes the program
// (/proc/self/exe, same argv, same pid) with OMP_WAIT_POLICY=passive appended to the
// environment; the new image sees the variable and goes on. If the exec fails (no /proc),
// the program simply runs with libgomp's default. It is an OBJECT library (a static
// archive member nobody references would be dropped by the linker). A no-op where the
// user already set OMP_WAIT_POLICY or GOMP_SPINCOUNT.
//
// Thread-safety: runs once, before main and before any other thread exists; uses no libc
// state that needs initialization (no malloc: the new environment is a static array).
#include <unistd.h>

#include <cstring>

namespace {

constexpr char kPassive[] = "OMP_WAIT_POLICY=passive";

bool StartsWith(const char* s, const char* prefix) {
  return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

void PreferPassiveOpenMpWait(int /*argc*/, char** argv, char** envp) {
  if (argv == nullptr || envp == nullptr) return;
  size_t count = 0;
  for (; envp[count] != nullptr; ++count) {
    if (StartsWith(envp[count], "OMP_WAIT_POLICY=") ||
        StartsWith(envp[count], "GOMP_SPINCOUNT=")) {
      return;
    }
  }
  static char* env[4096];  // static: this runs before anything else could use it
  if (count + 2 > sizeof(env) / sizeof(env[0])) return;
  for (size_t i = 0; i < count; ++i) env[i] = envp[i];
  env[count] = const_cast<char*>(kPassive);
  env[count + 1] = nullptr;
  execve("/proc/self/exe", argv, env);  // returns only on failure: run unchanged
}

}  // namespace

#if defined(__linux__) && defined(__ELF__)
[[gnu::section(".preinit_array"), gnu::used]] static void (*const kPreferPassiveOpenMpWait)(
    int, char**, char**) = &PreferPassiveOpenMpWait;
#endif
