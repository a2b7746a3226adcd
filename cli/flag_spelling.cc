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

std::vector<std::string> UnderscoreFlagNames(int argc, const char* const* argv) {
  std::vector<std::string> out;
  bool flags_ended = false;
  for (int i = 0; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") flags_ended = true;
    out.push_back(i == 0 || flags_ended ? std::string(arg) : UnderscoreFlagName(arg));
  }
  return out;
}

}  // namespace qgrad::cli
