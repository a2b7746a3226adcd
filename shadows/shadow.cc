// Settings, measurement suffixes and shadow bookkeeping (shadow.h). Thread-safe: pure
// functions.
#include "shadows/shadow.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace qgrad::shadows {
namespace {

// Uniform in {0, 1, 2} by rejection, so the draws are the same with every standard
// library (std::uniform_int_distribution is implementation-defined).
int DrawThree(std::mt19937_64& rng) {
  constexpr uint64_t kLimit = std::numeric_limits<uint64_t>::max() -
                              std::numeric_limits<uint64_t>::max() % 3;  // a multiple of 3
  for (;;) {
    const uint64_t r = rng();
    if (r < kLimit) return static_cast<int>(r % 3);
  }
}

}  // namespace

const char* EnsembleName(Ensemble ensemble) {
  switch (ensemble) {
    case Ensemble::kPauli:
      return "pauli";
    case Ensemble::kClifford:
      return "clifford";
  }
  return "unknown";
}

std::vector<Setting> RandomSettings(Ensemble ensemble, int num_qubits, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Setting> settings(count > 0 ? count : 0);
  static constexpr PauliLetter kLetters[] = {PauliLetter::kX, PauliLetter::kY, PauliLetter::kZ};
  for (Setting& s : settings) {
    if (ensemble == Ensemble::kPauli) {
      for (int q = 0; q < num_qubits; ++q) s.basis.set(q, kLetters[DrawThree(rng)]);
    } else {
      s.clifford = std::make_shared<const Clifford>(Clifford::Random(num_qubits, rng));
    }
  }
  return settings;
}

std::string QasmSuffix(Ensemble ensemble, const Setting& setting,
                       absl::Span<const std::string> qubits, absl::Span<const std::string> bits) {
  std::string out;
  if (ensemble == Ensemble::kPauli) {
    for (size_t q = 0; q < qubits.size() && q < kMaxPauliQubits; ++q) {
      switch (setting.basis.letter(static_cast<int>(q))) {
        case PauliLetter::kX:
          absl::StrAppend(&out, "h ", qubits[q], ";\n");
          break;
        case PauliLetter::kY:
          absl::StrAppend(&out, "sdg ", qubits[q], ";\nh ", qubits[q], ";\n");
          break;
        default:
          break;
      }
    }
  } else if (setting.clifford != nullptr) {
    absl::StrAppend(&out, setting.clifford->Qasm(qubits));
  }
  for (size_t q = 0; q < qubits.size() && q < bits.size(); ++q) {
    absl::StrAppend(&out, bits[q], " = measure ", qubits[q], ";\n");
  }
  return out;
}

int64_t Shadow::TotalShots() const {
  int64_t total = 0;
  for (const SettingData& s : settings) total += s.shots;
  return total;
}

}  // namespace qgrad::shadows
