// Test fixtures: the paper's Max-Cut start ansätze (arXiv:2409.20044, Max-Cut section of
// reference/paper_results.md). Every circuit starts with H on all qubits (|+⟩^⊗n) and
// uses the paper's gate convention exp(−iθP), i.e. the IR's exp(−iθ'P/2) with θ' = 2θ.
//
// Thread-safety: free functions only.
#ifndef QGRAD_OPTIMIZER_PAPER_ANSATZ_H_
#define QGRAD_OPTIMIZER_PAPER_ANSATZ_H_

#include "core/circuit.h"
#include "problems/maxcut.h"

namespace qgrad::optimizer::test {

// exp(−iβ Σ X) exp(−iγ Σ w Z_u Z_v), parameters (γ, β).
Circuit QaoaP1(const Graph& graph);
// exp(−iβ Σ X) RX(α)^⊗n exp(−iγ H_c) with RX(α) = exp(−iαX), parameters (γ, α, β).
Circuit RotationalQaoa(const Graph& graph);
// ZZ on (0,1), (2,3), then XX on (1,2), (1,3): 4 parameters.
Circuit HardwareEfficient();
// ZZ on (0,1), (2,3); RY^⊗4 twice (one shared angle each); ZZ on (1,2), (1,3): 6 parameters.
Circuit Qcbm();

}  // namespace qgrad::optimizer::test

#endif  // QGRAD_OPTIMIZER_PAPER_ANSATZ_H_
