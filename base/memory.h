// Memory probes: how much memory this process may use (physical memory, or the cgroup v2 /
// v1 limit when lower) and how much is free right now (MemAvailable, or the room left
// under the cgroup limit when smaller). The server sizes its qubit limit by the first; the
// simulator checks the second before allocating a state vector.
//
// Every probe answers kUnknownBytes (the largest uint64_t: "no limit known") where the
// information is missing, so callers can take the minimum of several.
//
// Thread-safety: free functions; they read files and sysconf, no shared state.
#ifndef QGRAD_BASE_MEMORY_H_
#define QGRAD_BASE_MEMORY_H_

#include <cstdint>
#include <limits>
#include <string>

namespace qgrad::base {

inline constexpr uint64_t kUnknownBytes = std::numeric_limits<uint64_t>::max();

// Where the probes read; the defaults are the kernel's files. Tests point them elsewhere.
struct MemoryProbeFiles {
  std::string meminfo = "/proc/meminfo";
  std::string cgroup_v2_max = "/sys/fs/cgroup/memory.max";
  std::string cgroup_v2_current = "/sys/fs/cgroup/memory.current";
  std::string cgroup_v1_limit = "/sys/fs/cgroup/memory/memory.limit_in_bytes";
  std::string cgroup_v1_usage = "/sys/fs/cgroup/memory/memory.usage_in_bytes";
};

// Physical memory (sysconf); kUnknownBytes when the system does not say.
uint64_t PhysicalMemoryBytes();

// The cgroup memory limit: v2 (memory.max) when set, else v1; kUnknownBytes for "max",
// missing or unreadable files.
uint64_t CgroupLimitBytes(const MemoryProbeFiles& files = {});

// The cgroup limit minus the cgroup's current usage (0 when over); kUnknownBytes when no
// limit is set.
uint64_t CgroupRoomBytes(const MemoryProbeFiles& files = {});

// "MemAvailable:" of /proc/meminfo in bytes; kUnknownBytes when missing.
uint64_t MemAvailableBytes(const MemoryProbeFiles& files = {});

// Memory this process may use at most: min(physical, cgroup limit).
uint64_t MemoryBytes(const MemoryProbeFiles& files = {});

// Memory free for a new allocation now: min(MemAvailable, cgroup room).
uint64_t AvailableMemoryBytes(const MemoryProbeFiles& files = {});

}  // namespace qgrad::base

#endif  // QGRAD_BASE_MEMORY_H_
