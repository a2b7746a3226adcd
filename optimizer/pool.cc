// Gate pools and templates (see pool.h), and the batched pool scoring.
//
// Thread-safety: free functions only; PauliMatrixElements' threads write disjoint results.
#include "optimizer/pool.h"

#include <omp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstring>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"

namespace qgrad::optimizer {
namespace {

constexpr PauliLetter kLetters[] = {PauliLetter::kX, PauliLetter::kY, PauliLetter::kZ};

void AddPairStrings(int a, int b, std::vector<PauliString>& pool) {
  for (PauliLetter la : kLetters) {
    for (PauliLetter lb : kLetters) {
      PauliString p;
      p.set(a, la);
      p.set(b, lb);
      pool.push_back(p);
    }
  }
}

// Vector extensions (GCC and Clang) of W doubles (W/2 interleaved amplitudes).
template <int W>
struct Lanes;
template <>
struct Lanes<2> {
  typedef double V __attribute__((vector_size(16)));
};
template <>
struct Lanes<4> {
  typedef double V __attribute__((vector_size(32)));
};

// Σ_rest conj(w[rest, x])·chi[rest, y] for the qubit pair lo < hi (x, y: bit 0 = lo,
// bit 1 = hi) over the interleaved (re, im) doubles of the states, W doubles at a time,
// for the indices rest in [begin, begin + size). REQUIRES: W/2 <= 2^lo; begin and size
// multiples of 2^(hi+1), or size = 2^n and begin = 0.
//
// The products are accumulated lane by lane without pulling the complex numbers apart:
// p += w·c gives (wr·cr, wi·ci) and q += w·swap(c) gives (wr·ci, wi·cr), so that
// Re conj(w)c = Σ p and Im conj(w)c = Σ q_even − Σ q_odd: plain vector FMAs, and the lane
// sums at the end are in a fixed order. Two rows x at a time (two sweeps): 16 accumulators
// stay in registers, where all 32 spilled (measured on AVX-512: 4 lanes and two sweeps
// ≈ 0.07 ms per pair at 16 qubits, 8 lanes and one sweep ≈ 0.1, autovectorized arrays 0.2).
// Always inlined, so that each target clone of PairMatrix gets its own vector code.
template <int W>
[[gnu::always_inline]] inline void PairMatrixKernel(const double* w, const double* c,
                                                    uint64_t begin, uint64_t size, int lo,
                                                    int hi,
                                                    sv::Amplitude m[4][4]) {
  using V = typename Lanes<W>::V;
  constexpr int kRows = 2;
  const uint64_t lo_bit = uint64_t{1} << lo, hi_bit = uint64_t{1} << hi;
  const uint64_t offset[4] = {0, 2 * lo_bit, 2 * hi_bit, 2 * (lo_bit | hi_bit)};  // doubles
  for (int x0 = 0; x0 < 4; x0 += kRows) {
    V p[kRows][4] = {}, q[kRows][4] = {};
    for (uint64_t i0 = begin; i0 < begin + size; i0 += 2 * hi_bit) {
      for (uint64_t i1 = i0; i1 < i0 + hi_bit; i1 += 2 * lo_bit) {
        for (uint64_t j = 2 * i1; j < 2 * (i1 + lo_bit); j += W) {
          V cv[4], cs[4];
          for (int y = 0; y < 4; ++y) {
            std::memcpy(&cv[y], c + j + offset[y], sizeof(V));
            // The real and imaginary parts of each amplitude exchanged.
            if constexpr (W == 4) {
              cs[y] = __builtin_shufflevector(cv[y], cv[y], 1, 0, 3, 2);
            } else {
              cs[y] = __builtin_shufflevector(cv[y], cv[y], 1, 0);
            }
          }
          for (int x = 0; x < kRows; ++x) {
            V wv;
            std::memcpy(&wv, w + j + offset[x0 + x], sizeof(V));
            for (int y = 0; y < 4; ++y) {
              p[x][y] += wv * cv[y];
              q[x][y] += wv * cs[y];
            }
          }
        }
      }
    }
    for (int x = 0; x < kRows; ++x) {
      for (int y = 0; y < 4; ++y) {
        double re = 0.0, im = 0.0;
        for (int l = 0; l < W; ++l) {
          re += p[x][y][l];
          im += (l & 1) ? -q[x][y][l] : q[x][y][l];
        }
        m[x0 + x][y] = {re, im};
      }
    }
  }
}

// One dispatch point, compiled for AVX-512, AVX2 and baseline x86-64 (the build itself
// targets baseline x86-64). The clone is chosen per machine, never per thread count, so it
// does not affect reproducibility across threads.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    !defined(QGRAD_NO_TARGET_CLONES)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void PairMatrix(const sv::Amplitude* w, const sv::Amplitude* chi, uint64_t begin,
                uint64_t size, int lo, int hi, sv::Amplitude m[4][4]) {
  const double* wd = reinterpret_cast<const double*>(w);
  const double* cd = reinterpret_cast<const double*>(chi);
  // A run of 2^lo consecutive amplitudes must hold a whole chunk.
  if (lo >= 1) {
    PairMatrixKernel<4>(wd, cd, begin, size, lo, hi, m);
  } else {
    PairMatrixKernel<2>(wd, cd, begin, size, lo, hi, m);
  }
}

// The 2×2 matrix of a Pauli letter: kLetterMatrix[letter][row][column].
constexpr sv::Amplitude kLetterMatrix[4][2][2] = {
    {{1.0, 0.0}, {0.0, 1.0}},                                          // I
    {{0.0, 1.0}, {1.0, 0.0}},                                          // X
    {{0.0, sv::Amplitude(0, -1)}, {sv::Amplitude(0, 1), 0.0}},         // Y
    {{1.0, 0.0}, {0.0, -1.0}},                                         // Z
};

int LetterIndex(PauliLetter l) {
  switch (l) {
    case PauliLetter::kX: return 1;
    case PauliLetter::kY: return 2;
    case PauliLetter::kZ: return 3;
    default: return 0;
  }
}

// Σ_xy (L_lo ⊗ L_hi)_xy M_xy for letters on the pair's low and high qubit (x bit 0 = lo).
// Only the four nonzero entries are added, in row order.
sv::Amplitude Contract(const sv::Amplitude m[4][4], PauliLetter on_lo, PauliLetter on_hi) {
  const auto& a = kLetterMatrix[LetterIndex(on_lo)];
  const auto& b = kLetterMatrix[LetterIndex(on_hi)];
  sv::Amplitude sum = 0.0;
  for (int x = 0; x < 4; ++x) {
    for (int y = 0; y < 4; ++y) {
      const sv::Amplitude e = a[x & 1][y & 1] * b[x >> 1][y >> 1];
      if (e != 0.0) sum += e * m[x][y];
    }
  }
  return sum;
}

// One pair's share of a pool: its two-qubit strings, and the one-qubit strings on either
// qubit that no earlier pair took.
struct PairGroup {
  int lo = 0, hi = 0;
  std::vector<size_t> strings;  // pool indices
};

// Cache blocking: pairs with both qubits below kBlockQubits are summed block by block
// (2^13 amplitudes, 128 KiB of each state), kPairsPerChunk pairs per block while it is in
// cache, instead of streaming both whole states once per pair (measured at 16 qubits, one
// thread: 6.5 ms per all-pairs scoring instead of 11–14). A pair's sum is its blocks'
// partial sums added in block order, whichever thread runs it.
constexpr int kBlockQubits = 13;
constexpr size_t kPairsPerChunk = 8;

// One unit of work: pairs (blocked or whole-state) or one string of weight 0 or >= 3.
struct WorkItem {
  std::vector<const PairGroup*> pairs;
  bool blocked = false;
  size_t other = 0;  // pool index when `pairs` is empty
};

}  // namespace

absl::StatusOr<PoolKind> ParsePoolKind(std::string_view name) {
  if (name == "all_pairs") return PoolKind::kAllPairs;
  if (name == "coupling_graph") return PoolKind::kCouplingGraph;
  return absl::InvalidArgumentError(absl::StrCat(
      "pool: unknown gate pool \"", std::string(name), "\" (all_pairs | coupling_graph)"));
}

absl::Status ValidateCoupling(const Coupling& coupling, int num_qubits, bool required) {
  if (required && coupling.empty()) {
    return absl::InvalidArgumentError("coupling_graph: empty, but the pool needs its edges");
  }
  std::set<std::pair<int, int>> seen;
  for (size_t i = 0; i < coupling.size(); ++i) {
    auto [a, b] = coupling[i];
    if (a < 0 || b < 0 || a >= num_qubits || b >= num_qubits || a == b) {
      return absl::InvalidArgumentError(
          absl::StrCat("coupling_graph: edge ", i, " (", a, ", ", b,
                       ") is not a pair of distinct qubits in [0, ", num_qubits, ")"));
    }
    if (!seen.insert({std::min(a, b), std::max(a, b)}).second) {
      return absl::InvalidArgumentError(absl::StrCat("coupling_graph: edge ", i, " repeated"));
    }
  }
  return absl::OkStatus();
}

std::vector<PauliString> MakePool(PoolKind kind, int num_qubits, const Coupling& coupling) {
  std::vector<PauliString> pool;
  for (int q = 0; q < num_qubits; ++q) {
    for (PauliLetter l : kLetters) {
      PauliString p;
      p.set(q, l);
      pool.push_back(p);
    }
  }
  if (kind == PoolKind::kCouplingGraph) {
    for (auto [a, b] : coupling) AddPairStrings(a, b, pool);
  } else {
    for (int a = 0; a < num_qubits; ++a) {
      for (int b = a + 1; b < num_qubits; ++b) AddPairStrings(a, b, pool);
    }
  }
  return pool;
}

int AppendTemplateBlock(Circuit& layer, int first_param, const Coupling& coupling) {
  int next = first_param;
  const int n = layer.num_qubits();
  for (int q = 0; q < n; ++q) {
    // Builders cannot fail here: qubits are in range by construction.
    (void)layer.Add(GateKind::kRY, {q}, {Angle::Param(next++)});
    (void)layer.Add(GateKind::kRZ, {q}, {Angle::Param(next++)});
  }
  Coupling edges = coupling;
  if (edges.empty()) {
    for (int q = 0; q + 1 < n; ++q) edges.push_back({q, q + 1});
  }
  // ZZ alone has zero derivative at θ = 0 towards real-amplitude targets from real states
  // (the usual case for real Hamiltonians): exp(−iθZZ/2) only adds imaginary parts. YZ and
  // ZY are real rotations, so the block is never stuck at its own starting point there.
  constexpr std::pair<PauliLetter, PauliLetter> kEdgeStrings[] = {
      {PauliLetter::kZ, PauliLetter::kZ},
      {PauliLetter::kY, PauliLetter::kZ},
      {PauliLetter::kZ, PauliLetter::kY}};
  for (auto [a, b] : edges) {
    for (auto [la, lb] : kEdgeStrings) {
      PauliString p;
      p.set(a, la);
      p.set(b, lb);
      (void)layer.AddPauliRotation(p, Angle::Param(next++));
    }
  }
  return next - first_param;
}

sv::Amplitude PauliMatrixElement(const sv::StateVector& w, const PauliString& p,
                                 const sv::StateVector& chi) {
  // P|b⟩ = i^{|x∧z|} (−1)^{|z∧b|} |b ⊕ x⟩.
  static constexpr sv::Amplitude kIPowers[] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
  const sv::Amplitude phase = kIPowers[std::popcount(p.x & p.z) & 3];
  const sv::Amplitude* wa = w.data();
  const sv::Amplitude* ca = chi.data();
  sv::Amplitude sum = 0.0;
  for (uint64_t b = 0; b < chi.size(); ++b) {
    const sv::Amplitude term = std::conj(wa[b ^ p.x]) * ca[b];
    sum += (std::popcount(p.z & b) & 1) ? -term : term;
  }
  return phase * sum;
}

absl::StatusOr<std::vector<sv::Amplitude>> PauliMatrixElements(
    const sv::StateVector& w, const sv::StateVector& chi, absl::Span<const PauliString> pool,
    int threads, const StopCheck& should_stop) {
  const int n = chi.num_qubits();
  // Group the pool by support: weight-2 strings by their pair, then each one-qubit string
  // on the first pair that holds its qubit (a pair of its own, with a neighbour, if none
  // does); everything else (weight 0 or >= 3, or n < 2) is a single-string item.
  std::map<std::pair<int, int>, PairGroup> pairs;
  std::vector<size_t> singles, others;
  for (size_t i = 0; i < pool.size(); ++i) {
    const uint64_t support = pool[i].x | pool[i].z;
    const int weight = std::popcount(support);
    if (weight == 2) {
      const int lo = std::countr_zero(support), hi = 63 - std::countl_zero(support);
      PairGroup& g = pairs[{lo, hi}];
      g.lo = lo;
      g.hi = hi;
      g.strings.push_back(i);
    } else if (weight == 1 && n >= 2) {
      singles.push_back(i);
    } else {
      others.push_back(i);
    }
  }
  for (size_t i : singles) {
    const int q = std::countr_zero(pool[i].x | pool[i].z);
    auto it = std::find_if(pairs.begin(), pairs.end(), [q](const auto& entry) {
      return entry.first.first == q || entry.first.second == q;
    });
    if (it == pairs.end()) {
      const int other = q == 0 ? 1 : 0;
      const std::pair<int, int> key{std::min(q, other), std::max(q, other)};
      it = pairs.emplace(key, PairGroup{key.first, key.second, {}}).first;
    }
    it->second.strings.push_back(i);
  }
  const int block_qubits = std::min(n, kBlockQubits);
  std::vector<WorkItem> work;
  for (const auto& [key, group] : pairs) {
    if (group.hi < block_qubits) {
      if (work.empty() || !work.back().blocked || work.back().pairs.size() == kPairsPerChunk) {
        work.push_back({{}, true, 0});
      }
      work.back().pairs.push_back(&group);
    }
  }
  for (const auto& [key, group] : pairs) {
    if (group.hi >= block_qubits) work.push_back({{&group}, false, 0});
  }
  for (size_t i : others) work.push_back({{}, false, i});

  std::vector<sv::Amplitude> out(pool.size());
  const int64_t items = int64_t(work.size());
  std::atomic<bool> stopped{false};
  auto run_item = [&](int64_t item) {
    if (stopped.load(std::memory_order_relaxed)) return;
    // The stop predicate belongs to the calling thread (stop.h): only it polls.
    if (omp_get_thread_num() == 0 && StopRequested(should_stop)) {
      stopped.store(true, std::memory_order_relaxed);
      return;
    }
    const WorkItem& unit = work[item];
    if (unit.pairs.empty()) {
      out[unit.other] = PauliMatrixElement(w, pool[unit.other], chi);
      return;
    }
    const uint64_t block = unit.blocked ? uint64_t{1} << block_qubits : chi.size();
    std::vector<std::array<sv::Amplitude, 16>> total(unit.pairs.size());
    for (uint64_t begin = 0; begin < chi.size(); begin += block) {
      for (size_t k = 0; k < unit.pairs.size(); ++k) {
        sv::Amplitude m[4][4];
        PairMatrix(w.data(), chi.data(), begin, block, unit.pairs[k]->lo, unit.pairs[k]->hi, m);
        for (int e = 0; e < 16; ++e) total[k][e] += m[e / 4][e % 4];
      }
    }
    for (size_t k = 0; k < unit.pairs.size(); ++k) {
      const PairGroup& g = *unit.pairs[k];
      sv::Amplitude m[4][4];
      for (int e = 0; e < 16; ++e) m[e / 4][e % 4] = total[k][e];
      for (size_t i : g.strings) {
        out[i] = Contract(m, pool[i].letter(g.lo), pool[i].letter(g.hi));
      }
    }
  };
  if (threads == 0) threads = omp_get_max_threads();
  if (threads <= 1 || items < 2) {
    for (int64_t item = 0; item < items; ++item) run_item(item);
  } else {
    // Dynamic: pair passes cost alike, but single strings and a loaded machine do not.
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int64_t item = 0; item < items; ++item) run_item(item);
  }
  if (stopped.load()) return StoppedError();
  return out;
}

std::vector<PauliString> QubitExcitationStrings(int num_qubits) {
  std::vector<PauliString> strings;
  for (int i = 0; i < num_qubits; ++i) {
    for (int j = i + 1; j < num_qubits; ++j) {
      for (int k = j + 1; k < num_qubits; ++k) {
        for (int l = k + 1; l < num_qubits; ++l) {
          const int qubits[] = {i, j, k, l};
          for (int ys = 0; ys < 16; ++ys) {  // bit b set: Y on qubits[b], else X
            if (std::popcount(unsigned(ys)) % 2 == 0) continue;
            PauliString p;
            for (int b = 0; b < 4; ++b) {
              p.set(qubits[b], (ys >> b) & 1 ? PauliLetter::kY : PauliLetter::kX);
            }
            strings.push_back(p);
          }
        }
      }
    }
  }
  return strings;
}

}  // namespace qgrad::optimizer
