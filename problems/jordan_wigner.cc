// Jordan–Wigner products (see jordan_wigner.h).
//
// Thread-safety: free functions only.
#include "problems/jordan_wigner.h"

#include <cassert>

namespace qgrad {
namespace {

// The two Pauli terms of one ladder operator: (Z-string · X_j)/2 and (Z-string · Y_j)·(∓i/2).
void LadderTerms(const LadderOp& op, PauliTerm out[2]) {
  const uint64_t bit = uint64_t{1} << op.mode;
  const uint64_t below = bit - 1;
  out[0] = {Complex(0.5, 0.0), PauliString{bit, below}};
  out[1] = {Complex(0.0, op.creation ? -0.5 : 0.5), PauliString{bit, below | bit}};
}

}  // namespace

void AppendJordanWigner(absl::Span<const LadderOp> ops, Complex coeff,
                        std::vector<PauliTerm>& out) {
  std::vector<PauliTerm> product = {{coeff, PauliString{}}};
  std::vector<PauliTerm> next;
  for (const LadderOp& op : ops) {
    assert(op.mode >= 0 && op.mode < kMaxPauliQubits);
    PauliTerm letters[2];
    LadderTerms(op, letters);
    next.clear();
    for (const PauliTerm& t : product) {
      for (const PauliTerm& l : letters) {
        const PauliProduct p = Multiply(t.string, l.string);
        next.push_back({t.coeff * l.coeff * p.phase, p.string});
      }
    }
    product.swap(next);
  }
  out.insert(out.end(), product.begin(), product.end());
}

}  // namespace qgrad
