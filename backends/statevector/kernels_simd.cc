// SIMD kernels through Highway, compiled for AVX-512, AVX2 and the baseline, selected at
// run time by Highway's dynamic dispatch (ApplyPassSimd for gate passes, plans built once
// per pass; AccumulatePauliGroupSimd for H·ψ; SquaredDotsSimd for diagonal expectations).
// Thread-safety: see kernels.h.
//
// Amplitudes are interleaved (re, im) doubles; a vector holds C = Lanes/2 amplitudes, so
// qubits below log2(C) ("low" qubits) live inside one vector. A dense op on high qubits
// is a matrix–vector product of whole vectors. For low target qubits the kernel follows
// out[ℓ] = Σ_s coef_s[ℓ] · v[ℓ ^ s]: each xor pattern s over the low target bits is a lane
// permutation, and each lane gets its own precomputed coefficient (which also encodes
// controls on low qubits). Complex products use two FMAs: (a, a)·v + (−b, b)·swap(v); a
// real matrix needs one, (a, a)·v, and no swap: half the arithmetic, which is what a
// cache-blocked pass of real rotations (an RY layer) is bound by.
#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "backends/statevector/kernels.h"
#include "backends/statevector/parallel.h"
#include "backends/statevector/pass_runner.h"
#include "hwy/aligned_allocator.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "backends/statevector/kernels_simd.cc"
#ifndef HWY_DISABLED_TARGETS
// Keeps compile time down: AVX-512, AVX2 and the baseline are enough for x86 servers.
#define HWY_DISABLED_TARGETS (HWY_SSSE3 | HWY_SSE4 | HWY_AVX3_DL)
#endif
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace qgrad::sv::internal {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<double>;
using V = hn::Vec<D>;
using Idx = decltype(hn::SetTableIndices(D(), static_cast<const int64_t*>(nullptr)));

constexpr int kMaxHighTargets = 5;

int LowQubits() { return std::countr_zero(hn::Lanes(D()) / 2); }

// Coefficients and permutations of one dense op for this target's vector width.
struct DensePlan {
  int kh = 0;                     // targets at or above the low qubits
  int patterns = 1;               // 2^(low targets)
  std::vector<uint64_t> offsets;  // amplitude offset of each high-target combination
  std::vector<int> fixed;         // bits excluded from the block counter, ascending
  uint64_t cval_high = 0;
  uint64_t contiguous = 1;        // consecutive blocks that are consecutive vectors
  bool real = false;              // a real matrix: `im` is not used
  hwy::AlignedFreeUniquePtr<double[]> re, im;  // [ih][jh][s] vectors
  hwy::AlignedFreeUniquePtr<int64_t[]> perm, perm_swap;  // [s] lane indices
};

// Lane permutation ℓ ↦ ℓ ^ s on complex lanes; `swap` also exchanges re and im.
void FillPermutation(int64_t* idx, uint64_t s, bool swap, size_t n) {
  for (size_t lane = 0; lane < n; ++lane) {
    const uint64_t c = (lane / 2) ^ s;
    const uint64_t part = (lane & 1) ^ (swap ? 1 : 0);
    idx[lane] = static_cast<int64_t>(2 * c + part);
  }
}

DensePlan MakeDensePlan(const Op& op, bool real) {
  const size_t n = hn::Lanes(D());
  const int low = LowQubits();
  const uint64_t lane_mask = (uint64_t{1} << low) - 1;
  const int k = static_cast<int>(op.qubits.size());
  std::vector<int> high_bits, low_bits;  // matrix bit positions b
  uint64_t low_target_lanes = 0;
  for (int b = 0; b < k; ++b) {
    if (op.qubits[b] >= low) {
      high_bits.push_back(b);
    } else {
      low_bits.push_back(b);
      low_target_lanes |= uint64_t{1} << op.qubits[b];
    }
  }
  DensePlan plan;
  plan.real = real;
  plan.kh = static_cast<int>(high_bits.size());
  plan.patterns = 1 << low_bits.size();
  const int nh = 1 << plan.kh;
  uint64_t fixed_mask = lane_mask | (op.cmask & ~lane_mask);
  for (int t = 0; t < plan.kh; ++t) {
    fixed_mask |= uint64_t{1} << op.qubits[high_bits[t]];
  }
  for (uint64_t m = fixed_mask; m != 0; m &= m - 1) plan.fixed.push_back(std::countr_zero(m));
  const uint64_t above_lanes = fixed_mask & ~lane_mask;
  plan.contiguous = above_lanes == 0 ? (uint64_t{1} << 40)
                                     : uint64_t{1} << (std::countr_zero(above_lanes) - low);
  plan.cval_high = op.cval & ~lane_mask;
  plan.offsets.resize(nh);
  for (int jh = 0; jh < nh; ++jh) {
    uint64_t o = 0;
    for (int t = 0; t < plan.kh; ++t) o |= uint64_t((jh >> t) & 1) << op.qubits[high_bits[t]];
    plan.offsets[jh] = o;
  }
  // The xor patterns: all subsets of the low target lanes.
  std::vector<uint64_t> patterns;
  for (uint64_t s = 0;; s = (s - low_target_lanes) & low_target_lanes) {
    patterns.push_back(s);
    if (s == low_target_lanes) break;
  }
  plan.perm = hwy::AllocateAligned<int64_t>(n * plan.patterns);
  plan.perm_swap = hwy::AllocateAligned<int64_t>(n * plan.patterns);
  for (int s = 0; s < plan.patterns; ++s) {
    FillPermutation(&plan.perm[s * n], patterns[s], false, n);
    FillPermutation(&plan.perm_swap[s * n], patterns[s], true, n);
  }
  const size_t dim = size_t{1} << k;
  const size_t total = size_t(nh) * nh * plan.patterns * n;
  plan.re = hwy::AllocateAligned<double>(total);
  plan.im = hwy::AllocateAligned<double>(total);
  const uint64_t cmask_low = op.cmask & lane_mask, cval_low = op.cval & lane_mask;
  auto matrix_index = [&](int h, uint64_t lane) {
    size_t idx = 0;
    for (int t = 0; t < plan.kh; ++t) idx |= size_t((h >> t) & 1) << high_bits[t];
    for (int b : low_bits) idx |= size_t((lane >> op.qubits[b]) & 1) << b;
    return idx;
  };
  for (int ih = 0; ih < nh; ++ih) {
    for (int jh = 0; jh < nh; ++jh) {
      for (int s = 0; s < plan.patterns; ++s) {
        const size_t at = ((size_t(ih) * nh + jh) * plan.patterns + s) * n;
        for (size_t c = 0; c < n / 2; ++c) {
          Amplitude v;
          if ((c & cmask_low) != cval_low) {
            v = (ih == jh && s == 0) ? 1.0 : 0.0;  // control not satisfied: identity
          } else {
            v = op.matrix[matrix_index(ih, c) * dim + matrix_index(jh, c ^ patterns[s])];
          }
          plan.re[at + 2 * c] = plan.re[at + 2 * c + 1] = v.real();
          plan.im[at + 2 * c] = -v.imag();
          plan.im[at + 2 * c + 1] = v.imag();
        }
      }
    }
  }
  return plan;
}

// The real-matrix counterpart of DenseRange: out = Σ coef · v, one FMA per term, one
// chain per output vector (the K outputs of a block and the next block give the
// independent chains the FMA latency needs).
template <int KH, int S>
void DenseRealRange(double* psi, const DensePlan& plan, uint64_t begin, uint64_t end) {
  const D d;
  constexpr int K = 1 << KH;
  constexpr bool kPreload = K * K * S <= 16;
  const size_t n = hn::Lanes(d);
  Idx perm[S];
  for (int s = 0; s < S; ++s) perm[s] = hn::SetTableIndices(d, &plan.perm[s * n]);
  const double* re = plan.re.get();
  V cre[kPreload ? K * K * S : 1];
  if constexpr (kPreload) {
    for (int c = 0; c < K * K * S; ++c) cre[c] = hn::Load(d, re + c * n);
  }
  const int nfixed = static_cast<int>(plan.fixed.size());
  const uint64_t run = plan.contiguous;
  // Offsets in locals: read through the plan they were reloaded after every store.
  uint64_t offset[K];
  for (int jh = 0; jh < K; ++jh) offset[jh] = 2 * plan.offsets[jh];
  for (uint64_t r = begin; r < end;) {
    const uint64_t len = std::min(run - (r & (run - 1)), end - r);
    double* p = psi + 2 * (InsertZeroBits(r, plan.fixed.data(), nfixed) | plan.cval_high);
    for (uint64_t j = 0; j < len; ++j, p += n) {
      V v[K * S];
      for (int jh = 0; jh < K; ++jh) {
        const V x = hn::Load(d, p + offset[jh]);
        for (int s = 0; s < S; ++s) v[jh * S + s] = s == 0 ? x : hn::TableLookupLanes(x, perm[s]);
      }
      for (int ih = 0; ih < K; ++ih) {
        V acc;
        for (int js = 0; js < K * S; ++js) {
          const int c = ih * K * S + js;
          V coef;
          if constexpr (kPreload) {
            coef = cre[c];
          } else {
            coef = hn::Load(d, re + c * n);
          }
          acc = js == 0 ? hn::Mul(coef, v[js]) : hn::MulAdd(coef, v[js], acc);
        }
        hn::Store(acc, d, p + offset[ih]);
      }
    }
    r += len;
  }
}

// Applies the op to the blocks r in [begin, end). Consecutive r below the lowest fixed
// bit above the lanes map to consecutive vectors, so the block index is expanded once per
// such run; small matrices keep their coefficients in registers across the run.
template <int KH, int S>
void DenseRange(double* psi, const DensePlan& plan, uint64_t begin, uint64_t end) {
  const D d;
  constexpr int K = 1 << KH;
  constexpr bool kPreload = 2 * K * K * S <= 16;
  const size_t n = hn::Lanes(d);
  Idx perm[S], perm_swap[S];
  for (int s = 0; s < S; ++s) {
    perm[s] = hn::SetTableIndices(d, &plan.perm[s * n]);
    perm_swap[s] = hn::SetTableIndices(d, &plan.perm_swap[s * n]);
  }
  const double* re = plan.re.get();
  const double* im = plan.im.get();
  V cre[kPreload ? K * K * S : 1], cim[kPreload ? K * K * S : 1];
  if constexpr (kPreload) {
    for (int c = 0; c < K * K * S; ++c) {
      cre[c] = hn::Load(d, re + c * n);
      cim[c] = hn::Load(d, im + c * n);
    }
  }
  const int nfixed = static_cast<int>(plan.fixed.size());
  const uint64_t run = plan.contiguous;
  uint64_t offset[K];  // in locals, as in DenseRealRange
  for (int jh = 0; jh < K; ++jh) offset[jh] = 2 * plan.offsets[jh];
  for (uint64_t r = begin; r < end;) {
    const uint64_t len = std::min(run - (r & (run - 1)), end - r);
    double* p = psi + 2 * (InsertZeroBits(r, plan.fixed.data(), nfixed) | plan.cval_high);
    for (uint64_t j = 0; j < len; ++j, p += n) {
      V v[K * S], w[K * S];
      for (int jh = 0; jh < K; ++jh) {
        const V x = hn::Load(d, p + offset[jh]);
        for (int s = 0; s < S; ++s) {
          v[jh * S + s] = s == 0 ? x : hn::TableLookupLanes(x, perm[s]);
          w[jh * S + s] = hn::TableLookupLanes(x, perm_swap[s]);
        }
      }
      for (int ih = 0; ih < K; ++ih) {
        V acc_re = hn::Zero(d), acc_im = hn::Zero(d);  // two chains: half the latency
        for (int js = 0; js < K * S; ++js) {
          const int c = ih * K * S + js;
          if constexpr (kPreload) {
            acc_re = hn::MulAdd(cre[c], v[js], acc_re);
            acc_im = hn::MulAdd(cim[c], w[js], acc_im);
          } else {
            acc_re = hn::MulAdd(hn::Load(d, re + c * n), v[js], acc_re);
            acc_im = hn::MulAdd(hn::Load(d, im + c * n), w[js], acc_im);
          }
        }
        hn::Store(hn::Add(acc_re, acc_im), d, p + offset[ih]);
      }
    }
    r += len;
  }
}

using RangeFn = void (*)(double*, const DensePlan&, uint64_t, uint64_t);

template <int KH>
RangeFn PickForPatterns(int patterns, bool real) {
  switch (patterns) {
    case 1: return real ? &DenseRealRange<KH, 1> : &DenseRange<KH, 1>;
    case 2: return real ? &DenseRealRange<KH, 2> : &DenseRange<KH, 2>;
    case 4: return real ? &DenseRealRange<KH, 4> : &DenseRange<KH, 4>;
  }
  return nullptr;
}

RangeFn PickDense(int kh, int patterns, bool real) {
  switch (kh) {
    case 0: return PickForPatterns<0>(patterns, real);
    case 1: return PickForPatterns<1>(patterns, real);
    case 2: return PickForPatterns<2>(patterns, real);
    case 3: return PickForPatterns<3>(patterns, real);
    case 4: return PickForPatterns<4>(patterns, real);
    case 5: return PickForPatterns<5>(patterns, real);
  }
  return nullptr;
}

// Diagonal: each table row (values of the diagonal qubits above the lanes) is one
// coefficient vector. The vectors are visited in runs of consecutive vectors, as in
// DenseRange (control bits above the lanes break the runs); within a run the row is the
// run's row | low_rows[j], from a table of row bits built with the plan (building it per
// call, once per slice or L1 sub-slice of a blocked pass, cost a third of the kernel).
// Controls on lane qubits give coefficient 1 on the lanes where they do not hold.
constexpr int kDiagonalRunBits = 8;  // runs of at most 2^8 vectors

struct DiagonalPlan {
  std::vector<int> high_qubits;  // diagonal qubits above the low ones, table-bit order
  hwy::AlignedFreeUniquePtr<double[]> re, im;  // [row] vectors
  std::vector<int> fixed;        // lane bits and control bits above them, ascending
  uint64_t cval_high = 0;
  uint64_t run = 1;              // vectors per run, a power of two
  std::vector<uint32_t> low_rows;  // [j]: the row bits of vector j of a run
};

DiagonalPlan MakeDiagonalPlan(const Op& op) {
  const size_t n = hn::Lanes(D());
  const int low = LowQubits();
  const uint64_t lane_mask = (uint64_t{1} << low) - 1;
  const int k = static_cast<int>(op.qubits.size());
  DiagonalPlan plan;
  std::vector<int> high_bits;
  for (int b = 0; b < k; ++b) {
    if (op.qubits[b] < low) continue;
    plan.high_qubits.push_back(op.qubits[b]);
    high_bits.push_back(b);
  }
  const int kh = static_cast<int>(high_bits.size());
  const uint64_t cmask_low = op.cmask & lane_mask, cval_low = op.cval & lane_mask;
  plan.re = hwy::AllocateAligned<double>(n << kh);
  plan.im = hwy::AllocateAligned<double>(n << kh);
  for (uint64_t h = 0; h < (uint64_t{1} << kh); ++h) {
    for (size_t c = 0; c < n / 2; ++c) {
      size_t idx = 0;
      for (int t = 0; t < kh; ++t) idx |= size_t((h >> t) & 1) << high_bits[t];
      for (int b = 0; b < k; ++b) {
        if (op.qubits[b] < low) idx |= size_t((c >> op.qubits[b]) & 1) << b;
      }
      const Amplitude v = (c & cmask_low) == cval_low ? op.matrix[idx] : Amplitude(1.0);
      plan.re[h * n + 2 * c] = plan.re[h * n + 2 * c + 1] = v.real();
      plan.im[h * n + 2 * c] = -v.imag();
      plan.im[h * n + 2 * c + 1] = v.imag();
    }
  }
  const uint64_t fixed_mask = lane_mask | (op.cmask & ~lane_mask);
  for (uint64_t m = fixed_mask; m != 0; m &= m - 1) plan.fixed.push_back(std::countr_zero(m));
  plan.cval_high = op.cval & ~lane_mask;
  const uint64_t above = fixed_mask & ~lane_mask;
  const int run_bits =
      above == 0 ? kDiagonalRunBits : std::min(kDiagonalRunBits, std::countr_zero(above) - low);
  plan.run = uint64_t{1} << run_bits;
  plan.low_rows.resize(plan.run);
  for (uint64_t j = 0; j < plan.run; ++j) {
    plan.low_rows[j] = static_cast<uint32_t>(ExtractBits(j << low, plan.high_qubits.data(), kh));
  }
  return plan;
}

// Applies the diagonal to the vectors r in [begin, end) (counted over the free bits).
void DiagonalRange(double* psi, const DiagonalPlan& plan, uint64_t begin, uint64_t end) {
  const D d;
  const size_t n = hn::Lanes(d);
  alignas(64) int64_t swap_lanes[hn::MaxLanes(D())];
  FillPermutation(swap_lanes, 0, true, n);
  const Idx swap_idx = hn::SetTableIndices(d, swap_lanes);
  const int nfixed = static_cast<int>(plan.fixed.size());
  const int kh = static_cast<int>(plan.high_qubits.size());
  const double* re = plan.re.get();
  const double* im = plan.im.get();
  const uint32_t* low_rows = plan.low_rows.data();
  const uint64_t run = plan.run;
  for (uint64_t r = begin; r < end;) {
    const uint64_t j0 = r & (run - 1);
    const uint64_t len = std::min(run - j0, end - r);
    const uint64_t start = InsertZeroBits(r - j0, plan.fixed.data(), nfixed) | plan.cval_high;
    const uint64_t row = ExtractBits(start, plan.high_qubits.data(), kh);
    double* p = psi + 2 * start + j0 * n;
    for (uint64_t j = j0; j < j0 + len; ++j, p += n) {
      const uint64_t h = row | low_rows[j];
      const V x = hn::Load(d, p);
      const V cr = hn::Load(d, re + h * n);
      const V ci = hn::Load(d, im + h * n);
      hn::Store(hn::MulAdd(ci, hn::TableLookupLanes(x, swap_idx), hn::Mul(cr, x)), d, p);
    }
    r += len;
  }
}

// kReduce: R[c][r] += Σ φ_c conj(λ_r) with φ and λ interleaved on bit 0 (kernels.h).
// Lane ℓ of the vector of high-target combination jc times conj of lane ℓ^1^s of the
// vector of combination jr (s: an xor pattern over the low target lanes) gives, on the
// φ lanes (bit 0 clear), φ_(jc, t) conj(λ_(jr, t^s)) and, on the λ lanes, the conjugate
// of R's transposed entry. So only pairs jc <= jr are formed: for jc < jr the λ lanes
// supply R[(jr, ·)][(jc, ·)]; for jc = jr they would repeat the φ lanes and are ignored.
// Products a·conj(b) take two FMAs: a·b' (re = sum of the pair) and a·swap(b') (im =
// second − first).
struct ReducePlan {
  int kh = 0;
  int patterns = 1;
  std::vector<uint64_t> offsets;  // amplitude offset of each high-target combination
  std::vector<int> fixed;         // lane bits and high targets, ascending
  std::vector<uint64_t> pattern_lanes;  // the low-target xor pattern s of each index
  std::vector<int> local_of_high;       // combination jh → its bits of the local index
  std::vector<int> local_of_lane;       // complex lane → its bits of the local index
  hwy::AlignedFreeUniquePtr<int64_t[]> perm, perm_swap;  // [s]: lane ℓ ← ℓ^1^s
};

ReducePlan MakeReducePlan(const Op& op) {
  const size_t n = hn::Lanes(D());
  const int low = LowQubits();
  const uint64_t lane_mask = (uint64_t{1} << low) - 1;
  const int k = static_cast<int>(op.qubits.size());
  ReducePlan plan;
  std::vector<int> high_bits;
  uint64_t low_target_lanes = 0;
  uint64_t fixed_mask = lane_mask;
  for (int b = 0; b < k; ++b) {
    if (op.qubits[b] >= low) {
      high_bits.push_back(b);
      fixed_mask |= uint64_t{1} << op.qubits[b];
    } else {
      low_target_lanes |= uint64_t{1} << op.qubits[b];
    }
  }
  plan.kh = static_cast<int>(high_bits.size());
  for (uint64_t m = fixed_mask; m != 0; m &= m - 1) plan.fixed.push_back(std::countr_zero(m));
  const int nh = 1 << plan.kh;
  plan.offsets.resize(nh);
  plan.local_of_high.resize(nh);
  for (int jh = 0; jh < nh; ++jh) {
    uint64_t o = 0;
    int local = 0;
    for (int t = 0; t < plan.kh; ++t) {
      o |= uint64_t((jh >> t) & 1) << op.qubits[high_bits[t]];
      local |= ((jh >> t) & 1) << high_bits[t];
    }
    plan.offsets[jh] = o;
    plan.local_of_high[jh] = local;
  }
  plan.local_of_lane.resize(n / 2);
  for (size_t c = 0; c < n / 2; ++c) {
    int local = 0;
    for (int b = 0; b < k; ++b) {
      if (op.qubits[b] < low) local |= static_cast<int>((c >> op.qubits[b]) & 1) << b;
    }
    plan.local_of_lane[c] = local;
  }
  for (uint64_t s = 0;; s = (s - low_target_lanes) & low_target_lanes) {
    plan.pattern_lanes.push_back(s);
    if (s == low_target_lanes) break;
  }
  plan.patterns = static_cast<int>(plan.pattern_lanes.size());
  plan.perm = hwy::AllocateAligned<int64_t>(n * plan.patterns);
  plan.perm_swap = hwy::AllocateAligned<int64_t>(n * plan.patterns);
  for (int s = 0; s < plan.patterns; ++s) {
    FillPermutation(&plan.perm[s * n], plan.pattern_lanes[s] ^ 1, false, n);
    FillPermutation(&plan.perm_swap[s * n], plan.pattern_lanes[s] ^ 1, true, n);
  }
  return plan;
}

// Adds the blocks r in [begin, end) into `out` (D × D, D = 2^(KH + log2 S)).
template <int KH, int S>
void ReduceRange(const double* psi, const ReducePlan& plan, uint64_t begin, uint64_t end,
                 Amplitude* out) {
  const D d;
  constexpr int K = 1 << KH;
  constexpr int kPairs = K * (K + 1) / 2;
  const size_t n = hn::Lanes(d);
  Idx perm[S], perm_swap[S];
  for (int s = 0; s < S; ++s) {
    perm[s] = hn::SetTableIndices(d, &plan.perm[s * n]);
    perm_swap[s] = hn::SetTableIndices(d, &plan.perm_swap[s * n]);
  }
  V acc_re[kPairs * S], acc_im[kPairs * S];
  for (int i = 0; i < kPairs * S; ++i) acc_re[i] = acc_im[i] = hn::Zero(d);
  // The next index with the fixed bits clear: carry through them.
  uint64_t fixed_mask = 0;
  for (int b : plan.fixed) fixed_mask |= uint64_t{1} << b;
  uint64_t index = InsertZeroBits(begin, plan.fixed.data(), static_cast<int>(plan.fixed.size()));
  for (uint64_t r = begin; r < end; ++r, index = ((index | fixed_mask) + 1) & ~fixed_mask) {
    const double* p = psi + 2 * index;
    {
      V v[K];
#pragma GCC unroll 8
      for (int jh = 0; jh < K; ++jh) v[jh] = hn::Load(d, p + 2 * plan.offsets[jh]);
      // Fully unrolled, so that the accumulators stay in registers.
#pragma GCC unroll 8
      for (int jr = 0; jr < K; ++jr) {
#pragma GCC unroll 4
        for (int s = 0; s < S; ++s) {
          const V b = hn::TableLookupLanes(v[jr], perm[s]);
          const V b_swap = hn::TableLookupLanes(v[jr], perm_swap[s]);
#pragma GCC unroll 8
          for (int jc = 0; jc <= jr; ++jc) {
            const int at = (jr * (jr + 1) / 2 + jc) * S + s;
            acc_re[at] = hn::MulAdd(v[jc], b, acc_re[at]);
            acc_im[at] = hn::MulAdd(v[jc], b_swap, acc_im[at]);
          }
        }
      }
    }
  }
  const int dim = K * S;
  alignas(64) double re[hn::MaxLanes(D())], im[hn::MaxLanes(D())];
#pragma GCC unroll 8
  for (int jr = 0; jr < K; ++jr) {
#pragma GCC unroll 8
    for (int jc = 0; jc <= jr; ++jc) {
#pragma GCC unroll 4
      for (int s = 0; s < S; ++s) {
        hn::Store(acc_re[(jr * (jr + 1) / 2 + jc) * S + s], d, re);
        hn::Store(acc_im[(jr * (jr + 1) / 2 + jc) * S + s], d, im);
        for (size_t lane = 0; lane < n / 2; ++lane) {
          const Amplitude v(re[2 * lane] + re[2 * lane + 1], im[2 * lane + 1] - im[2 * lane]);
          const int t = plan.local_of_lane[lane];
          const int t_other = plan.local_of_lane[lane ^ 1 ^ plan.pattern_lanes[s]];
          const int a = plan.local_of_high[jc] | t, b = plan.local_of_high[jr] | t_other;
          if ((lane & 1) == 0) {
            out[a * dim + b] += v;              // φ_a conj(λ_b)
          } else if (jc < jr) {
            out[b * dim + a] += std::conj(v);   // conj(λ_a conj(φ_b))
          }
        }
      }
    }
  }
}

using ReduceFn = void (*)(const double*, const ReducePlan&, uint64_t, uint64_t, Amplitude*);

template <int KH>
ReduceFn PickReduceForPatterns(int patterns) {
  switch (patterns) {
    case 1: return &ReduceRange<KH, 1>;
    case 2: return &ReduceRange<KH, 2>;
    case 4: return &ReduceRange<KH, 4>;
  }
  return nullptr;
}

ReduceFn PickReduce(int kh, int patterns) {
  switch (kh) {
    case 0: return PickReduceForPatterns<0>(patterns);
    case 1: return PickReduceForPatterns<1>(patterns);
    case 2: return PickReduceForPatterns<2>(patterns);
    case 3: return PickReduceForPatterns<3>(patterns);
  }
  return nullptr;
}

constexpr uint64_t kChunkedReduceCount = uint64_t{1} << 14;

void RunReduce(const ReducePlan& plan, ReduceFn fn, const Op& op, const Amplitude* psi,
               int num_qubits, int threads, uint64_t slot) {
  const size_t dd = size_t{1} << (2 * op.qubits.size());
  const uint64_t count = uint64_t{1} << (num_qubits - static_cast<int>(plan.fixed.size()));
  const double* data = reinterpret_cast<const double*>(psi);
  Amplitude* out = op.reduce_out + slot * dd;
  // Large sums go through fixed chunks, so that their rounding does not depend on the
  // thread count; a slice of a blocked pass is summed directly (its slot fixes the order).
  if (count < kChunkedReduceCount) {
    fn(data, plan, 0, count, out);
    return;
  }
  using Sum = ElementwiseSum<Amplitude>;
  const Sum sum = ParallelSumT<Sum>(count, threads, [&](uint64_t b, uint64_t e) {
    Sum part;
    part.values.assign(dd, 0.0);
    fn(data, plan, b, e, part.values.data());
    return part;
  });
  for (size_t i = 0; i < sum.values.size(); ++i) out[i] += sum.values[i];
}

// An op with its plan for this target; `fn` null for dense shapes left to the scalar
// kernel (more than kMaxHighTargets high targets).
struct Prepared {
  DensePlan dense;
  RangeFn fn = nullptr;
  DiagonalPlan diagonal;
  ReducePlan reduce;
  ReduceFn reduce_fn = nullptr;
  bool simd = false;
};

Prepared Prepare(const Op& op, int num_qubits) {
  Prepared p;
  if (HWY_TARGET == HWY_SCALAR || num_qubits < LowQubits()) return p;
  if (op.kind == Op::Kind::kDense) {
    int kh = 0;
    for (int q : op.qubits) kh += q >= LowQubits();
    if (kh > kMaxHighTargets) return p;
    const bool real = op.HasRealMatrix();
    p.dense = MakeDensePlan(op, real);
    p.fn = PickDense(p.dense.kh, p.dense.patterns, real);
    p.simd = p.fn != nullptr;
  } else if (op.kind == Op::Kind::kDiagonal) {
    p.diagonal = MakeDiagonalPlan(op);
    p.simd = true;
  } else if (op.kind == Op::Kind::kReduce && LowQubits() >= 1) {
    p.reduce = MakeReducePlan(op);
    p.reduce_fn = PickReduce(p.reduce.kh, p.reduce.patterns);
    p.simd = p.reduce_fn != nullptr;
  }
  return p;
}

void RunPrepared(const Prepared& p, const Op& op, Amplitude* psi, int num_qubits, int threads,
                 uint64_t slot) {
  if (!p.simd) {
    ApplyOpScalar(psi, num_qubits, op, threads, slot);
  } else if (op.kind == Op::Kind::kDiagonal) {
    const uint64_t count =
        uint64_t{1} << (num_qubits - static_cast<int>(p.diagonal.fixed.size()));
    double* data = reinterpret_cast<double*>(psi);
    ParallelFor(count, threads,
                [&](uint64_t begin, uint64_t end) { DiagonalRange(data, p.diagonal, begin, end); });
  } else if (op.kind == Op::Kind::kReduce) {
    RunReduce(p.reduce, p.reduce_fn, op, psi, num_qubits, threads, slot);
  } else {
    const uint64_t count = uint64_t{1} << (num_qubits - static_cast<int>(p.dense.fixed.size()));
    double* data = reinterpret_cast<double*>(psi);
    ParallelFor(count, threads,
                [&](uint64_t begin, uint64_t end) { p.fn(data, p.dense, begin, end); });
  }
}

// The product c·s is formed at the source vector w = v ^ (x above the lanes) and moved
// to the output lanes by the xor pattern of x within a vector.
void AccumulatePauliGroupImpl(Amplitude* out, const Amplitude* src, const Amplitude* table,
                              Amplitude constant, uint64_t x, uint64_t len) {
  const D d;
  const size_t n = hn::Lanes(d);
  const uint64_t lanes = n / 2;
  if (HWY_TARGET == HWY_SCALAR || len < lanes || lanes < 2) {
    AccumulatePauliGroupScalar(out, src, table, constant, x, len);
    return;
  }
  const uint64_t x_lanes = x & (lanes - 1), x_vectors = x / lanes;
  alignas(64) int64_t perm_lanes[hn::MaxLanes(D())];
  FillPermutation(perm_lanes, x_lanes, false, n);
  const Idx perm = hn::SetTableIndices(d, perm_lanes);
  alignas(64) double sign_lanes[hn::MaxLanes(D())];
  alignas(64) int64_t even_lanes[hn::MaxLanes(D())], odd_lanes[hn::MaxLanes(D())];
  for (size_t l = 0; l < n; ++l) {
    sign_lanes[l] = (l & 1) ? 1.0 : -1.0;
    even_lanes[l] = static_cast<int64_t>(l & ~size_t{1});
    odd_lanes[l] = static_cast<int64_t>(l | 1);
  }
  const Idx dup_even = hn::SetTableIndices(d, even_lanes);
  const Idx dup_odd = hn::SetTableIndices(d, odd_lanes);
  const V sign = hn::Load(d, sign_lanes);  // (−1, 1): im parts of c·s
  const V c_re = hn::Set(d, constant.real());
  const V c_im = hn::Mul(sign, hn::Set(d, constant.imag()));
  double* o = reinterpret_cast<double*>(out);
  const double* sv = reinterpret_cast<const double*>(src);
  const double* tv = reinterpret_cast<const double*>(table);
  for (uint64_t v = 0; v < len / lanes; ++v) {
    const uint64_t w = v ^ x_vectors;
    const V s = hn::LoadU(d, sv + w * n);
    V re = c_re, im = c_im;
    if (tv != nullptr) {
      const V t = hn::LoadU(d, tv + w * n);
      re = hn::TableLookupLanes(t, dup_even);
      im = hn::Mul(sign, hn::TableLookupLanes(t, dup_odd));
    }
    V prod = hn::MulAdd(im, hn::Reverse2(d, s), hn::Mul(re, s));
    if (x_lanes != 0) prod = hn::TableLookupLanes(prod, perm);
    hn::StoreU(hn::Add(hn::LoadU(d, o + v * n), prod), d, o + v * n);
  }
}

// Two accumulator chains per table (one would be bound by FMA latency, not by memory).
// 256-bit vectors even on AVX-512: this loop streams the state from memory, and measured
// with 512-bit vectors ⟨Σ Z_i Z_{i+1}⟩ at n = 24 took 19.4 ms against 15.6 ms.
void SquaredDotsImpl(const double* x, int len, const double* const* t, double* dots) {
  const hn::CappedTag<double, 4> d;
  using V = hn::Vec<decltype(d)>;
  const int n = static_cast<int>(hn::Lanes(d));
  if (len % (2 * n) != 0) {
    SquaredDotsScalar(x, len, t, dots);
    return;
  }
  const double* const t0 = t[0];
  const double* const t1 = t[1];
  const double* const t2 = t[2];
  const double* const t3 = t[3];
  static_assert(kSquaredDotTables == 4);
  // Eight named accumulators: arrays of vectors indexed in a loop can end up on the stack.
  V a0 = hn::Zero(d), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  for (int k = 0; k < len; k += 2 * n) {
    const V x0 = hn::LoadU(d, x + k), x1 = hn::LoadU(d, x + k + n);
    const V p0 = hn::Mul(x0, x0), p1 = hn::Mul(x1, x1);
    a0 = hn::MulAdd(p0, hn::LoadU(d, t0 + k), a0);
    a1 = hn::MulAdd(p0, hn::LoadU(d, t1 + k), a1);
    a2 = hn::MulAdd(p0, hn::LoadU(d, t2 + k), a2);
    a3 = hn::MulAdd(p0, hn::LoadU(d, t3 + k), a3);
    b0 = hn::MulAdd(p1, hn::LoadU(d, t0 + k + n), b0);
    b1 = hn::MulAdd(p1, hn::LoadU(d, t1 + k + n), b1);
    b2 = hn::MulAdd(p1, hn::LoadU(d, t2 + k + n), b2);
    b3 = hn::MulAdd(p1, hn::LoadU(d, t3 + k + n), b3);
  }
  const V a[kSquaredDotTables] = {a0, a1, a2, a3}, b[kSquaredDotTables] = {b0, b1, b2, b3};
  for (int j = 0; j < kSquaredDotTables; ++j) dots[j] = hn::GetLane(hn::SumOfLanes(d, hn::Add(a[j], b[j])));
}

void ApplyPassSimdImpl(Amplitude* psi, int num_qubits, const Pass& pass, int threads) {
  const int local = pass.blocked ? std::min(pass.LocalQubits(), num_qubits) : num_qubits;
  std::vector<Prepared> prepared;
  prepared.reserve(pass.ops.size());
  for (const Op& op : pass.ops) prepared.push_back(Prepare(op, local));
  RunPass(psi, num_qubits, pass, threads,
          [&](int i, Amplitude* amps, int n, int t, uint64_t slot) {
            RunPrepared(prepared[i], pass.ops[i], amps, n, t, slot);
          });
}

}  // namespace HWY_NAMESPACE
}  // namespace qgrad::sv::internal
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace qgrad::sv::internal {

HWY_EXPORT(ApplyPassSimdImpl);
HWY_EXPORT(AccumulatePauliGroupImpl);
HWY_EXPORT(SquaredDotsImpl);

void SquaredDotsSimd(const double* x, int len, const double* const* t, double* dots) {
  HWY_DYNAMIC_DISPATCH(SquaredDotsImpl)(x, len, t, dots);
}

void AccumulatePauliGroupSimd(Amplitude* out, const Amplitude* src, const Amplitude* table,
                              Amplitude constant, uint64_t x, uint64_t len) {
  HWY_DYNAMIC_DISPATCH(AccumulatePauliGroupImpl)(out, src, table, constant, x, len);
}

void ApplyPassSimd(Amplitude* psi, int num_qubits, const Pass& pass, int threads) {
  HWY_DYNAMIC_DISPATCH(ApplyPassSimdImpl)(psi, num_qubits, pass, threads);
}

}  // namespace qgrad::sv::internal
#endif  // HWY_ONCE
