// Jordan–Wigner mapping of products of fermionic ladder operators to Pauli sums.
//
// Mode j maps to qubit j:  a_j  = Z_0 … Z_{j−1} (X_j + iY_j)/2,
//                          a†_j = Z_0 … Z_{j−1} (X_j − iY_j)/2,
// so a†_j a_j = (1 − Z_j)/2 and the occupation of mode j is bit j of the basis index
// (qubit 0 = least significant bit, as everywhere in qgrad).
//
// Thread-safety: free functions only.
#ifndef QGRAD_PROBLEMS_JORDAN_WIGNER_H_
#define QGRAD_PROBLEMS_JORDAN_WIGNER_H_

#include <vector>

#include "absl/types/span.h"
#include "core/pauli.h"

namespace qgrad {

struct LadderOp {
  int mode;       // 0 ≤ mode < 64
  bool creation;  // true: a†_mode, false: a_mode
};

// Appends coeff · ops[0] ops[1] … ops[k−1] (leftmost acts last) as 2^k Pauli terms, not
// combined; callers Simplify() once after accumulating many products.
// REQUIRES: every mode in [0, 64).
void AppendJordanWigner(absl::Span<const LadderOp> ops, Complex coeff,
                        std::vector<PauliTerm>& out);

}  // namespace qgrad

#endif  // QGRAD_PROBLEMS_JORDAN_WIGNER_H_
