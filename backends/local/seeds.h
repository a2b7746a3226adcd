// Seeds of the local backend's generators, derived from the batch's seed and never from
// the clock, so that a batch gives the same shots on every run and with any number of
// worker threads.
//
// Program k of a batch with seed s draws from ProgramSeed(s, k); its shots are taken in
// chunks (see program.h) and chunk c uses ChunkSeed(ProgramSeed(s, k), c). Both mix with
// splitmix64 (base/seed_mix.h), so neighbouring k or c give unrelated generator states.
//
// Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_LOCAL_SEEDS_H_
#define QGRAD_BACKENDS_LOCAL_SEEDS_H_

#include <cstdint>

#include "base/seed_mix.h"

namespace qgrad::backends::local {

inline uint64_t ProgramSeed(uint64_t batch_seed, uint64_t program_index) {
  return base::SplitMix64(base::SplitMix64(batch_seed) + program_index);
}

inline uint64_t ChunkSeed(uint64_t program_seed, uint64_t chunk_index) {
  return base::DeriveSeed(program_seed, chunk_index);
}

}  // namespace qgrad::backends::local

#endif  // QGRAD_BACKENDS_LOCAL_SEEDS_H_
