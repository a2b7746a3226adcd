// Dashed flag spellings; see flag_spelling.h.
//
// Thread-safety: pure functions.
#include "cli/flag_spelling.h"

#include <algorithm>

namespace qgrad::cli {

std::string UnderscoreFlagName(absl::string_view arg) {
  std::string out(arg);
  if (arg.size() <= 2 || arg.substr(0, 2) != "--") return out;
  const size_t end = std::min(out.find('='), out.size());
  std::replace(out.begin() + 2, out.begin() + static_cast<std::ptrdiff_t>(end), '-', '_');
  return out;
}

}  // namespace qgrad::cli
