// The exact state-vector simulator: complex<double> amplitudes, gate kernels (scalar
// reference + SIMD behind one dispatch point), gate fusion, OpenMP threading, sampling,
// probabilities, overlaps and Pauli-sum expectation values.
//
// Amplitude index convention: bit q of the index is the value of qubit q (qubit 0 is the
// least significant bit), the same as OpenQASM's bit order in measurement results.
//
// Thread-safety: a StateVector is not synchronized; a Simulator is immutable after
// construction and may be shared by threads that work on different StateVectors.
#ifndef QGRAD_BACKENDS_STATEVECTOR_STATEVECTOR_H_
#define QGRAD_BACKENDS_STATEVECTOR_STATEVECTOR_H_

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/circuit.h"
#include "core/pauli.h"

namespace qgrad::sv {

using Amplitude = std::complex<double>;

// Largest qubit count the simulator accepts at all (the memory check usually bites first).
inline constexpr int kMaxQubits = 40;

// A 64-byte-aligned array of 2^n amplitudes.
class StateVector {
 public:
  // |0…0⟩ on n qubits. RESOURCE_EXHAUSTED, before allocating, when 2^n amplitudes do not
  // fit in the memory available to this process (MemAvailable and cgroup limit);
  // INVALID_ARGUMENT for n < 0 or n > kMaxQubits.
  static absl::StatusOr<StateVector> Create(int num_qubits);
  // As Create, but the amplitudes are left unspecified: for callers that write them all.
  static absl::StatusOr<StateVector> CreateForOverwrite(int num_qubits);
  // Bytes a state of n qubits needs.
  static size_t BytesFor(int num_qubits);

  StateVector() = default;
  StateVector(StateVector&&) noexcept = default;
  StateVector& operator=(StateVector&&) noexcept = default;
  StateVector(const StateVector&) = delete;  // copies are explicit: Copy() / CopyFrom()
  StateVector& operator=(const StateVector&) = delete;

  StateVector Copy() const;
  // REQUIRES: same qubit count.
  void CopyFrom(const StateVector& other);

  int num_qubits() const { return num_qubits_; }
  size_t size() const { return size_t{1} << num_qubits_; }
  Amplitude* data() { return data_.get(); }
  const Amplitude* data() const { return data_.get(); }
  absl::Span<Amplitude> amplitudes() { return {data(), size()}; }
  absl::Span<const Amplitude> amplitudes() const { return {data(), size()}; }

  void SetBasisState(uint64_t index);  // REQUIRES: index < size()
  // INVALID_ARGUMENT if the size is not 2^n or the vector is zero; normalizes if `normalize`.
  absl::Status SetAmplitudes(absl::Span<const Amplitude> amplitudes, bool normalize = false);
  double NormSquared() const;
  void Scale(Amplitude factor);

 private:
  struct FreeDeleter {
    void operator()(Amplitude* p) const;
  };
  int num_qubits_ = 0;
  std::unique_ptr<Amplitude[], FreeDeleter> data_;
};

enum class KernelChoice { kAuto, kScalar, kSimd };

struct SimulatorOptions {
  // Gates are fused into blocks acting on at most this many qubits (1 disables fusion of
  // gates on different qubits; 0 disables fusion entirely). Diagonal runs are merged.
  // 2 by default: with cache blocking the arithmetic dominates, and a k-qubit block costs
  // 2^(k-1) FMAs per amplitude (measured: 2 ≈ 3 < 4 on layers of rotations; 5 is slow).
  int max_fused_qubits = 2;
  // OpenMP threads; 0 = the OpenMP default. States below `parallel_min_qubits` run on
  // one thread (threading overhead dominates there).
  int threads = 0;
  int parallel_min_qubits = 14;
  KernelChoice kernel = KernelChoice::kAuto;
  // Run() applies groups of fused blocks together on slices of 2^cache_block_qubits
  // amplitudes (1 MiB at 16, within L2) gathered into a per-thread buffer, so a group
  // costs one sweep over memory. States of at most this many qubits are not blocked;
  // values <= 6 disable blocking.
  int cache_block_qubits = 16;
};

class Simulator {
 public:
  explicit Simulator(SimulatorOptions options = {});
  const SimulatorOptions& options() const { return options_; }

  // Applies every unitary gate of `circuit`, angles evaluated at `params`, to `state`;
  // barriers are ignored. INVALID_ARGUMENT if the qubit counts differ or params are short;
  // FAILED_PRECONDITION if the circuit measures or resets.
  absl::Status Run(const Circuit& circuit, absl::Span<const double> params,
                   StateVector& state) const;

  // A new state U(params)|initial⟩ (|0…0⟩ when `initial` is null): Create + Run, with their
  // errors; INVALID_ARGUMENT if `initial` has another qubit count.
  absl::StatusOr<StateVector> Prepare(const Circuit& circuit, absl::Span<const double> params,
                                      const StateVector* initial = nullptr) const;

  // One gate, no fusion, no checks. REQUIRES: a unitary gate valid for the state.
  void ApplyGate(const Gate& gate, absl::Span<const double> params, StateVector& state) const;
  // A dense 2^k × 2^k matrix (row-major, qubits[0] = least significant bit) on `qubits`,
  // acting only where every control qubit equals its control value. No checks.
  void ApplyMatrix(absl::Span<const int> qubits, absl::Span<const Amplitude> matrix,
                   StateVector& state, absl::Span<const int> controls = {},
                   absl::Span<const bool> control_values = {}) const;

 private:
  SimulatorOptions options_;
};

// ⟨a|b⟩. REQUIRES: same qubit count.
Amplitude InnerProduct(const StateVector& a, const StateVector& b);
// |amplitude|² per basis index.
std::vector<double> Probabilities(const StateVector& state);
// `shots` basis indices drawn from |ψ|² with a seeded generator: the same seed and state
// give the same shots. INVALID_ARGUMENT for shots < 0.
absl::StatusOr<std::vector<uint64_t>> Sample(const StateVector& state, int64_t shots,
                                              uint64_t seed);

// ⟨ψ|H|ψ⟩ (complex in general; real for Hermitian H). All diagonal (I/Z) terms are
// evaluated in one read sweep; each group of terms sharing an X mask in one more sweep.
// Does not copy the state. REQUIRES: H.NumQubits() <= state.num_qubits().
Amplitude ExpectationComplex(const StateVector& state, const PauliSum& observable);
double Expectation(const StateVector& state, const PauliSum& observable);
// out = H·in. REQUIRES: same qubit count, &in != &out.
void ApplyPauliSum(const PauliSum& observable, const StateVector& in, StateVector& out);

}  // namespace qgrad::sv

#endif  // QGRAD_BACKENDS_STATEVECTOR_STATEVECTOR_H_
