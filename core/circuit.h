// Circuit IR: gates of OpenQASM 3's stdgates.inc, U, gphase, Pauli rotations, explicit
// unitaries, and the non-unitary operations measure / reset / barrier.
//
// Angles are affine in at most one entry of a parameter vector θ:
//   value = constant + scale · θ[index]   (index < 0: a fixed number)
// which covers everything an ansatz needs (shared parameters, θ/2, −θ) and keeps the
// derivative ∂value/∂θ[index] = scale available to the gradient code.
//
// Extra controls (from OpenQASM's `ctrl @` / `negctrl @`) may be attached to any unitary
// gate: the gate acts when every control qubit has its required value.
//
// Thread-safety: values; const methods may be called concurrently.
#ifndef QGRAD_CORE_CIRCUIT_H_
#define QGRAD_CORE_CIRCUIT_H_

#include <array>
#include <complex>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/pauli.h"

namespace qgrad {

enum class GateKind : uint8_t {
  // One qubit, no angle.
  kX, kY, kZ, kH, kS, kSdg, kT, kTdg, kSX,
  // One qubit, angles.
  kP, kRX, kRY, kRZ,
  kU,       // U(θ, φ, λ) with the OpenQASM 3 spec's matrix (global phase included)
  // Two qubits (first qubit is the control where there is one).
  kCX, kCY, kCZ, kCH, kSwap,
  kCP, kCRX, kCRY, kCRZ,
  kCU,      // cu(θ, φ, λ, γ)
  // Three qubits.
  kCCX, kCSwap,
  // Zero qubits (global phase e^{iγ}); with extra controls it is a phase on the controls.
  kGPhase,
  // exp(−iθP/2) for the gate's Pauli string P over the gate's qubits (in order).
  kPauliRotation,
  // Explicit 2^k × 2^k unitary on the gate's k qubits (row-major, qubit[0] = least
  // significant bit of the row/column index).
  kUnitary,
  // Non-unitary operations.
  kMeasure,  // qubit → classical bit `clbit`
  kReset,
  kBarrier,  // any number of qubits; no effect on the state
};

// Static facts about a gate kind.
struct GateInfo {
  std::string_view name;  // OpenQASM 3 name ("cx", "U", "gphase"); internal kinds get a tag
  int num_qubits;         // -1: variable (pauli rotation, unitary, barrier)
  int num_angles;
  bool is_unitary;
  bool is_diagonal;       // diagonal in the computational basis for every angle
};
const GateInfo& Info(GateKind kind);
// The OpenQASM 3 names of the gates a program may call (the named kinds, x … gphase; not
// the internal Pauli rotations and explicit unitaries, nor measure/reset/barrier).
std::vector<std::string> OpenQasmGateNames();
// The stdgates.inc / builtin kind named `name` ("U" and "gphase" included); nullopt-like
// failure as NOT_FOUND.
absl::StatusOr<GateKind> KindFromName(std::string_view name);

struct Angle {
  double constant = 0.0;
  int index = -1;       // parameter index, or -1 for a fixed number
  double scale = 1.0;

  static Angle Fixed(double value) { return Angle{value, -1, 1.0}; }
  static Angle Param(int index, double scale = 1.0, double offset = 0.0) {
    return Angle{offset, index, scale};
  }
  bool is_fixed() const { return index < 0; }
  // REQUIRES: is_fixed() or index < params.size().
  double Value(absl::Span<const double> params) const {
    return index < 0 ? constant : constant + scale * params[index];
  }
};

struct Gate {
  GateKind kind = GateKind::kX;
  std::vector<int> qubits;         // the gate's own qubits, in OpenQASM argument order
  std::vector<Angle> angles;       // Info(kind).num_angles entries
  std::vector<int> controls;       // extra control qubits (ctrl @ / negctrl @)
  std::vector<bool> control_values;  // same length as controls; false for negctrl
  PauliString pauli;               // kPauliRotation: letter of qubits[i] is pauli.letter(i)
  std::vector<std::complex<double>> matrix;  // kUnitary only
  int clbit = -1;                  // kMeasure only

  // All qubits the operation touches: controls first, then qubits.
  std::vector<int> AllQubits() const;
  bool IsParameterized() const;
};

struct GateCounts {
  int total = 0;        // unitary gates (barriers, measures, resets excluded)
  int one_qubit = 0;    // unitary gates touching exactly one qubit
  int two_qubit = 0;    // exactly two (controls included)
  int multi_qubit = 0;  // three or more
  int measurements = 0;
  std::map<std::string, int> by_name;
};

class Circuit {
 public:
  explicit Circuit(int num_qubits = 0, int num_clbits = 0)
      : num_qubits_(num_qubits), num_clbits_(num_clbits) {}

  int num_qubits() const { return num_qubits_; }
  int num_clbits() const { return num_clbits_; }
  // 1 + the highest parameter index referenced, or the declared count if larger.
  int num_params() const { return num_params_; }
  void DeclareParams(int count);
  const std::vector<Gate>& gates() const { return gates_; }

  // Validates and appends: qubits in range and distinct, angle count, matrix size and
  // unitarity, Pauli string fits, clbit in range. INVALID_ARGUMENT on failure.
  absl::Status Append(Gate gate);
  // Convenience builders (validated; return the same errors as Append).
  absl::Status Add(GateKind kind, std::vector<int> qubits, std::vector<Angle> angles = {});
  absl::Status AddPauliRotation(const PauliString& pauli_on_qubits, Angle angle);
  absl::Status AddMeasure(int qubit, int clbit);
  // Appends every operation of `other` (same qubit count required).
  absl::Status Extend(const Circuit& other);

  // The inverse circuit (reversed order, each gate inverted). FAILED_PRECONDITION if the
  // circuit contains measure or reset.
  absl::StatusOr<Circuit> Inverse() const;
  // All angles replaced by their values under `params`. INVALID_ARGUMENT if the size is
  // smaller than num_params().
  absl::StatusOr<Circuit> Bind(absl::Span<const double> params) const;

  // Number of layers when each operation starts after the last one on any of its qubits
  // (barriers synchronize their qubits but add no layer; gphase adds none).
  int Depth() const;
  GateCounts Counts() const;
  bool IsUnitary() const;  // no measure / reset
  // True if no unitary gate or reset acts on a qubit after it was measured.
  bool MeasurementsAreTerminal() const;

 private:
  int num_qubits_ = 0;
  int num_clbits_ = 0;
  int num_params_ = 0;
  std::vector<Gate> gates_;
};

// The inverse of one unitary gate (S → Sdg, RX(a) → RX(−a), U(θ,φ,λ) → U(−θ,−λ,−φ), ...).
// REQUIRES: Info(gate.kind).is_unitary.
Gate InverseGate(const Gate& gate);

// The 2^k × 2^k matrix of the gate's own qubits (extra controls NOT included), row-major,
// with qubits[0] the least significant bit of the index. Angles evaluated at `params`.
// REQUIRES: unitary gate, params large enough.
std::vector<std::complex<double>> GateMatrix(const Gate& gate, absl::Span<const double> params);

}  // namespace qgrad

#endif  // QGRAD_CORE_CIRCUIT_H_
