// Seeds of the local backend's generators, derived from the batch's seed and never from
// the clock, so that a batch gives the same shots on every run and with any number of
// worker threads.
//
// Program k of a batch with seed s draws from ProgramSeed(s, k); its shots are taken in
// chunks (see program.h) and chunk c uses ChunkSeed(ProgramSeed(s, k), c). Both mix with
// splitmix64 (Steele, Lea, Flood, OOPSLA 2014), whose output differs in about half of its
// bits when one input bit changes, so neighbouring k or c give unrelated generator states.
//
// Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_LOCAL_SEEDS_H_
#define QGRAD_BACKENDS_LOCAL_SEEDS_H_

#include <cstdint>

namespace qgrad::backends::local {

// One step of the splitmix64 generator applied to `x`: a bijective 64-bit mix.
inline uint64_t SplitMix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline uint64_t ProgramSeed(uint64_t batch_seed, uint64_t program_index) {
  return SplitMix64(SplitMix64(batch_seed) + program_index);
}

inline uint64_t ChunkSeed(uint64_t program_seed, uint64_t chunk_index) {
  return SplitMix64(program_seed ^ SplitMix64(chunk_index));
}

}  // namespace qgrad::backends::local

#endif  // QGRAD_BACKENDS_LOCAL_SEEDS_H_
