// Facts about the in-process simulator as a backend: its names, the gates it executes
// natively and how many qubits the machine's memory lets it accept. The server lists these
// (converted to its API messages there); the local backend describes itself with them.
//
// Thread-safety: constants and pure functions.
#ifndef QGRAD_BACKENDS_LOCAL_DESCRIPTION_H_
#define QGRAD_BACKENDS_LOCAL_DESCRIPTION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace qgrad::backends::local {

// The shot backend: OpenQASM 3 text in, shots out, as a device.
inline constexpr char kLocalName[] = "local";
inline constexpr char kLocalDescription[] =
    "in-process OpenQASM 3 simulator: parses each program, runs it on the exact "
    "state-vector simulator and samples seeded shots (mid-circuit measurement and reset by "
    "per-shot trajectories)";
// The same simulator used for exact expectation values (the server's jobs run there).
inline constexpr char kStatevectorName[] = "statevector";
inline constexpr char kStatevectorDescription[] =
    "in-process exact state-vector simulator (complex double, SIMD kernels, gate fusion)";

// Each running job may hold this many state vectors of 16·2^n bytes at once (state,
// guided state, synthesis and adjoint work vectors).
inline constexpr int kStateVectorsPerJob = 8;

// The largest n whose working set (kStateVectorsPerJob vectors of 2^n amplitudes) fits
// `memory_bytes` with `max_running_jobs` jobs at once.
int MemoryQubitLimit(uint64_t memory_bytes, int max_running_jobs);

// OpenQASM 3 names of every gate the simulator applies directly: stdgates.inc, U, gphase.
std::vector<std::string> NativeGates();

}  // namespace qgrad::backends::local

#endif  // QGRAD_BACKENDS_LOCAL_DESCRIPTION_H_
