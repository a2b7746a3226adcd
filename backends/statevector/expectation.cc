// Pauli-sum expectation values and H·ψ without copying the state.
// Thread-safety: read-only on the input states; ApplyPauliSum writes only `out`.
//
// Diagonal terms (only I/Z) are evaluated in one read sweep. The index is split into a low
// part (kLowBits bits) and a high part. Terms living on low bits only are summed into one
// table G(low) once. A term with high bits factors as σ(high & z_hi)·σ(low & z_lo); terms
// sharing z_lo are combined per high block into one coefficient b_m, so a block costs
// Σ_low p·G + Σ_m b_m Σ_low p·S_m with S_m(low) = (−1)^{|low & m|}: a handful of dot
// products per amplitude however many terms there are (a ZZ ring needs three).
//
// Off-diagonal terms are grouped by X mask; for a group x,
//   ⟨ψ|Σ_j c_j P_j|ψ⟩ = Σ_k conj(ψ[k^x]) ψ[k] F(k),  F(k) = Σ_j c_j i^{|x&z_j|} (−1)^{|k&z_j|},
// one sweep per group over the pairs (k, k^x).
#include <algorithm>
#include <bit>
#include <map>

#include "backends/statevector/kernels.h"
#include "backends/statevector/parallel.h"
#include "backends/statevector/statevector.h"

namespace qgrad::sv {
namespace {

constexpr int kLowBits = 10;

inline double Sign(uint64_t v) { return (std::popcount(v) & 1) ? -1.0 : 1.0; }

struct PhasedTerm {
  Amplitude coeff;  // c_j · i^{|x & z_j|}
  uint64_t z;
};

// Terms grouped by X mask, phases of Y letters folded into the coefficients.
std::map<uint64_t, std::vector<PhasedTerm>> GroupByX(const PauliSum& h) {
  std::map<uint64_t, std::vector<PhasedTerm>> groups;
  for (const PauliTerm& t : h.terms()) {
    const Amplitude phase = std::pow(Amplitude(0, 1), std::popcount(t.string.x & t.string.z) & 3);
    groups[t.string.x].push_back({t.coeff * phase, t.string.z});
  }
  return groups;
}

// The hot loop of the diagonal sweep (kernels.h, SquaredDots: four tables at a time) works
// on the interleaved (re, im) doubles directly: every table holds each entry twice, so
// Σ_k x[k]²·T[k] = Σ_i |ψ_i|²·T(i).
constexpr int kMasksPerLoop = internal::kSquaredDotTables;

inline Amplitude EvalF(const std::vector<PhasedTerm>& terms, uint64_t k) {
  Amplitude f = 0.0;
  for (const PhasedTerm& t : terms) f += t.coeff * Sign(k & t.z);
  return f;
}

// The one-sweep diagonal evaluation described above.
class DiagonalEvaluator {
 public:
  DiagonalEvaluator(const std::vector<PhasedTerm>& terms, int n)
      : low_bits_(std::min(n, kLowBits)), block_(uint64_t{1} << low_bits_) {
    const uint64_t low_mask = block_ - 1;
    g_re_.assign(2 * block_, 0.0);
    g_im_.assign(2 * block_, 0.0);
    zeros_.assign(2 * block_, 0.0);
    std::map<uint64_t, int> slot;
    for (const PhasedTerm& t : terms) {
      const uint64_t lo = t.z & low_mask;
      if ((t.z & ~low_mask) == 0) {
        for (uint64_t k = 0; k < 2 * block_; ++k) {
          g_re_[k] += t.coeff.real() * Sign((k / 2) & lo);
          g_im_[k] += t.coeff.imag() * Sign((k / 2) & lo);
        }
        continue;
      }
      auto [it, inserted] = slot.try_emplace(lo, static_cast<int>(masks_.size()));
      if (inserted) {
        masks_.push_back(lo);
        high_terms_.emplace_back();
        signs_.emplace_back(2 * block_);
        for (uint64_t k = 0; k < 2 * block_; ++k) signs_.back()[k] = Sign((k / 2) & lo);
      }
      high_terms_[it->second].push_back({t.coeff, t.z & ~low_mask});
    }
    for (double v : g_im_) has_imaginary_ |= v != 0.0;
  }

  Amplitude Evaluate(const StateVector& state) const {
    const uint64_t blocks = state.size() / block_;
    const double* psi = reinterpret_cast<const double*>(state.data());
    return ParallelSumT<Amplitude>(blocks, ThreadsFor(state.num_qubits()),
                                   [&](uint64_t begin, uint64_t end) {
                                     Amplitude acc = 0.0;
                                     for (uint64_t b = begin; b < end; ++b) {
                                       acc += Block(psi + 2 * b * block_, b * block_);
                                     }
                                     return acc;
                                   });
  }

 private:
  // Tables missing from a group of four point at zeros_.
  Amplitude Block(const double* psi, uint64_t high) const {
    const int len = static_cast<int>(2 * block_);
    const int masks = static_cast<int>(masks_.size());
    const double* t[kMasksPerLoop];
    double dots[kMasksPerLoop];
    // G (real, imaginary) and the first two sign tables share the first pass.
    const int first = std::min(masks, kMasksPerLoop - 2);
    t[0] = g_re_.data();
    t[1] = has_imaginary_ ? g_im_.data() : zeros_.data();
    for (int j = 0; j < 2; ++j) t[2 + j] = j < first ? signs_[j].data() : zeros_.data();
    internal::SquaredDotsSimd(psi, len, t, dots);
    Amplitude acc(dots[0], dots[1]);
    for (int m = 0; m < first; ++m) acc += HighCoefficient(m, high) * dots[2 + m];
    for (int m0 = first; m0 < masks; m0 += kMasksPerLoop) {
      const int count = std::min(masks - m0, kMasksPerLoop);
      for (int j = 0; j < kMasksPerLoop; ++j) t[j] = j < count ? signs_[m0 + j].data() : zeros_.data();
      internal::SquaredDotsSimd(psi, len, t, dots);
      for (int j = 0; j < count; ++j) acc += HighCoefficient(m0 + j, high) * dots[j];
    }
    return acc;
  }

  Amplitude HighCoefficient(int m, uint64_t high) const {
    Amplitude b = 0.0;
    for (const PhasedTerm& t : high_terms_[m]) b += t.coeff * Sign(high & t.z);
    return b;
  }

  int low_bits_;
  uint64_t block_;
  std::vector<double> g_re_, g_im_;             // terms on low bits only (doubled)
  bool has_imaginary_ = false;
  std::vector<double> zeros_;
  std::vector<uint64_t> masks_;                 // distinct z_lo of terms with high bits
  std::vector<std::vector<PhasedTerm>> high_terms_;  // per mask: (c_j, z_hi)
  std::vector<std::vector<double>> signs_;      // per mask: S_m(low) (doubled)
};

Amplitude OffDiagonalGroup(const StateVector& state, uint64_t x,
                           const std::vector<PhasedTerm>& terms) {
  const int n = state.num_qubits();
  const uint64_t low = uint64_t{1} << std::countr_zero(x);
  const Amplitude* psi = state.data();
  // Pairs (k, k^x) with the lowest bit of x clear in k.
  return ParallelSumT<Amplitude>(state.size() / 2, ThreadsFor(n), [&](uint64_t begin,
                                                                       uint64_t end) {
    Amplitude acc = 0.0;
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t k = ((r & ~(low - 1)) << 1) | (r & (low - 1));
      const uint64_t kx = k ^ x;
      acc += std::conj(psi[kx]) * psi[k] * EvalF(terms, k) +
             std::conj(psi[k]) * psi[kx] * EvalF(terms, kx);
    }
    return acc;
  });
}

}  // namespace

Amplitude ExpectationComplex(const StateVector& state, const PauliSum& observable) {
  Amplitude total = 0.0;
  for (const auto& [x, terms] : GroupByX(observable)) {
    if (x == 0) {
      total += DiagonalEvaluator(terms, state.num_qubits()).Evaluate(state);
    } else {
      total += OffDiagonalGroup(state, x, terms);
    }
  }
  return total;
}

double Expectation(const StateVector& state, const PauliSum& observable) {
  return ExpectationComplex(state, observable).real();
}

namespace {

// The coefficient function F_x of one X-mask group on a source block of 2^low_bits
// amplitudes with given high bits: F(j) = C(high) + G(j_lo) + Σ_m b_m(high)·S_m(j_lo), where
// C collects the terms without low Z bits, G the terms on low bits only, and each mask m
// the terms with Z bits on both sides (as in DiagonalEvaluator).
class GroupCoefficients {
 public:
  GroupCoefficients(const std::vector<PhasedTerm>& terms, int low_bits)
      : block_(uint64_t{1} << low_bits) {
    const uint64_t low_mask = block_ - 1;
    std::map<uint64_t, int> slot;
    for (const PhasedTerm& t : terms) {
      const uint64_t lo = t.z & low_mask, hi = t.z & ~low_mask;
      if (lo == 0) {
        constant_terms_.push_back({t.coeff, hi});
      } else if (hi == 0) {
        if (low_.empty()) low_.assign(block_, 0.0);
        for (uint64_t k = 0; k < block_; ++k) low_[k] += t.coeff * Sign(k & lo);
      } else {
        auto [it, inserted] = slot.try_emplace(lo, static_cast<int>(masks_.size()));
        if (inserted) {
          masks_.push_back(lo);
          mask_terms_.emplace_back();
        }
        mask_terms_[it->second].push_back({t.coeff, hi});
      }
    }
  }

  // Writes F into `table` and returns it, or returns null with `constant` = F when F does
  // not depend on the low bits.
  const Amplitude* Fill(uint64_t high, Amplitude* table, Amplitude* constant) const {
    *constant = HighSum(constant_terms_, high);
    if (low_.empty() && masks_.empty()) return nullptr;
    for (uint64_t k = 0; k < block_; ++k) table[k] = *constant + (low_.empty() ? 0.0 : low_[k]);
    for (size_t m = 0; m < masks_.size(); ++m) {
      const Amplitude b = HighSum(mask_terms_[m], high);
      for (uint64_t k = 0; k < block_; ++k) table[k] += b * Sign(k & masks_[m]);
    }
    return table;
  }

 private:
  static Amplitude HighSum(const std::vector<PhasedTerm>& terms, uint64_t high) {
    Amplitude sum = 0.0;
    for (const PhasedTerm& t : terms) sum += t.coeff * Sign(high & t.z);
    return sum;
  }

  uint64_t block_;
  std::vector<PhasedTerm> constant_terms_;  // (c_j, z_hi)
  std::vector<Amplitude> low_;              // G; empty when no term is low-only
  std::vector<uint64_t> masks_;
  std::vector<std::vector<PhasedTerm>> mask_terms_;  // per mask: (c_j, z_hi)
};

}  // namespace

// Calls sink(b, block) with block = (Hψ) on the b-th block of 2^kLowBits amplitudes:
// out[k] = Σ_x F_x(k^x) ψ[k^x], one block at a time (it stays in L1 while every group
// adds into it). `sink` runs concurrently for different blocks.
template <typename Sink>
void ForEachHamiltonianBlock(const PauliSum& observable, const StateVector& in,
                             const Sink& sink) {
  const int n = in.num_qubits();
  const int low_bits = std::min(n, kLowBits);
  const uint64_t block = uint64_t{1} << low_bits;
  std::vector<std::pair<uint64_t, GroupCoefficients>> groups;
  for (const auto& [x, terms] : GroupByX(observable)) {
    groups.emplace_back(x, GroupCoefficients(terms, low_bits));
  }
  const Amplitude* src = in.data();
  ParallelFor(in.size() / block, ThreadsFor(n), [&](uint64_t begin, uint64_t end) {
    std::vector<Amplitude> table(block), out(block);
    for (uint64_t b = begin; b < end; ++b) {
      std::fill(out.begin(), out.end(), Amplitude(0.0));
      for (const auto& [x, coefficients] : groups) {
        const uint64_t source = b ^ (x >> low_bits);
        Amplitude constant;
        const Amplitude* t = coefficients.Fill(source << low_bits, table.data(), &constant);
        internal::AccumulatePauliGroupSimd(out.data(), src + source * block, t, constant,
                                           x & (block - 1), block);
      }
      sink(b, out.data(), block);
    }
  }, /*min_count=*/4);  // a block is 2^kLowBits amplitudes of work
}

void ApplyPauliSum(const PauliSum& observable, const StateVector& in, StateVector& out) {
  Amplitude* dst = out.data();
  ForEachHamiltonianBlock(observable, in, [&](uint64_t b, const Amplitude* values,
                                              uint64_t len) {
    std::copy(values, values + len, dst + b * len);
  });
}

namespace internal {

double FillPairWithHamiltonian(const PauliSum& observable, const StateVector& psi,
                               StateVector& pair) {
  const Amplitude* src = psi.data();
  Amplitude* dst = pair.data();
  const uint64_t block = uint64_t{1} << std::min(psi.num_qubits(), kLowBits);
  std::vector<double> partial(psi.size() / block);  // ⟨ψ|H|ψ⟩ per block, added in order
  ForEachHamiltonianBlock(observable, psi, [&](uint64_t b, const Amplitude* values,
                                               uint64_t len) {
    double sum = 0.0;
    for (uint64_t i = 0; i < len; ++i) {
      const Amplitude v = src[b * len + i];
      dst[2 * (b * len + i)] = v;
      dst[2 * (b * len + i) + 1] = values[i];
      sum += v.real() * values[i].real() + v.imag() * values[i].imag();
    }
    partial[b] = sum;
  });
  double total = 0.0;
  for (double p : partial) total += p;
  return total;
}

}  // namespace internal

}  // namespace qgrad::sv
