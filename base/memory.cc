// Memory probes; see memory.h.
//
// Thread-safety: no shared state.
#include "base/memory.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace qgrad::base {
namespace {

// A number from a one-line cgroup file; kUnknownBytes for "max", missing or unreadable
// files and text that is no number.
uint64_t ReadNumberFile(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return kUnknownBytes;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  return (end == text.c_str() || *end != '\0') ? kUnknownBytes : uint64_t(v);
}

}  // namespace

uint64_t PhysicalMemoryBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? uint64_t(pages) * uint64_t(page_size) : kUnknownBytes;
}

uint64_t CgroupLimitBytes(const MemoryProbeFiles& files) {
  const uint64_t v2 = ReadNumberFile(files.cgroup_v2_max);
  return v2 != kUnknownBytes ? v2 : ReadNumberFile(files.cgroup_v1_limit);
}

uint64_t CgroupRoomBytes(const MemoryProbeFiles& files) {
  uint64_t limit = ReadNumberFile(files.cgroup_v2_max);
  uint64_t used = ReadNumberFile(files.cgroup_v2_current);
  if (limit == kUnknownBytes) {
    limit = ReadNumberFile(files.cgroup_v1_limit);
    used = ReadNumberFile(files.cgroup_v1_usage);
  }
  if (limit == kUnknownBytes) return kUnknownBytes;
  if (used == kUnknownBytes) used = 0;
  return used >= limit ? 0 : limit - used;
}

uint64_t MemAvailableBytes(const MemoryProbeFiles& files) {
  std::ifstream in(files.meminfo);
  // Line by line: some lines (HugePages_Total: 0) have no unit.
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string key, unit;
    uint64_t value = 0;
    if (fields >> key >> value >> unit && key == "MemAvailable:" && unit == "kB") {
      return value * 1024;
    }
  }
  return kUnknownBytes;
}

uint64_t MemoryBytes(const MemoryProbeFiles& files) {
  return std::min(PhysicalMemoryBytes(), CgroupLimitBytes(files));
}

uint64_t AvailableMemoryBytes(const MemoryProbeFiles& files) {
  return std::min(MemAvailableBytes(files), CgroupRoomBytes(files));
}

}  // namespace qgrad::base
