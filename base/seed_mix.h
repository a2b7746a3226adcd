// Deriving generator seeds from a seed and a label (program index, chunk, iteration, ...)
// with splitmix64 (Steele, Lea & Flood, OOPSLA 2014), never from the clock: one input bit
// changes about half of the output bits, so neighbouring labels give unrelated generators,
// and a run draws the same numbers in every process and at any thread count.
//
// Thread-safety: pure functions.
#ifndef QGRAD_BASE_SEED_MIX_H_
#define QGRAD_BASE_SEED_MIX_H_

#include <cstdint>

namespace qgrad::base {

// One step of the splitmix64 generator applied to `x`: a bijective 64-bit mix.
inline uint64_t SplitMix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The seed for part `label` of the work seeded by `seed`.
inline uint64_t DeriveSeed(uint64_t seed, uint64_t label) {
  return SplitMix64(seed ^ SplitMix64(label));
}

}  // namespace qgrad::base

#endif  // QGRAD_BASE_SEED_MIX_H_
