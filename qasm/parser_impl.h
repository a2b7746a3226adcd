// The OpenQASM 3 parser's internal state: a recursive-descent parser over the token list
// that expands gate definitions and modifiers into circuit IR gates as it goes. Its methods
// are split over parser.cc (statements and declarations), expression.cc (arithmetic),
// gate_call.cc (gate calls, definitions, qubit operands).
//
// Thread-safety: one Parser per Parse() call; not shared.
#ifndef QGRAD_QASM_PARSER_IMPL_H_
#define QGRAD_QASM_PARSER_IMPL_H_

#include <map>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/circuit.h"
#include "qasm/builtins.h"
#include "qasm/lexer.h"
#include "qasm/qasm.h"
#include "qasm/value.h"

namespace qgrad::qasm {

// Limits that keep hostile input from exhausting the stack.
inline constexpr int kMaxExpressionDepth = 128;
inline constexpr int kMaxGateCallDepth = 64;

enum class SymbolKind { kQubits, kBits, kNumber, kInput, kGate };

struct Symbol {
  SymbolKind kind = SymbolKind::kNumber;
  int offset = 0;      // first qubit / bit / parameter index
  int size = 1;        // register or input-array length
  bool scalar = true;  // declared without a size (qubit a; bit b; input float x;)
  Value value;         // kNumber
  int gate = -1;       // kGate: index into Parser::gates_
};

inline Symbol MakeRegister(SymbolKind kind, int offset, int size, bool scalar) {
  Symbol s;
  s.kind = kind;
  s.offset = offset;
  s.size = size;
  s.scalar = scalar;
  return s;
}

struct GateDef {
  std::string name;
  std::vector<std::string> params;
  std::vector<std::string> qubits;
  size_t body_begin = 0;  // first token of the body
  size_t body_end = 0;    // the closing '}'
};

// Names visible inside a gate body while it is checked or expanded.
struct GateScope {
  const GateDef* def = nullptr;
  std::map<std::string, Value> params;
  std::map<std::string, int> qubits;
};

// One qubit or bit argument: a single index or a whole register / slice (broadcast).
struct Operand {
  std::vector<int> indices;
  bool is_register = false;
  const Token* token = nullptr;
};

struct Modifier {
  enum Kind { kCtrl, kNegCtrl, kInv, kPow } kind = kInv;
  int count = 1;       // controls taken by ctrl(k) / negctrl(k)
  double power = 1.0;  // pow(k)
  const Token* token = nullptr;
};

// What a gate call names: a library/builtin gate or a program-defined one.
struct Callee {
  const BuiltinGate* builtin = nullptr;
  const GateDef* def = nullptr;
  int num_params() const { return def ? static_cast<int>(def->params.size()) : builtin->num_params; }
  int num_qubits() const { return def ? static_cast<int>(def->qubits.size()) : builtin->num_qubits; }
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ParseOptions& options);
  absl::StatusOr<ParsedProgram> Run();

 private:
  struct Pending {
    Gate gate;
    const Token* at;
  };

  // Token access (parser.cc).
  const Token& Cur() const { return tokens_[pos_]; }
  const Token& Ahead(size_t n) const;
  bool IsPunct(absl::string_view text) const;
  bool IsWord(absl::string_view text) const;
  absl::Status Expect(absl::string_view punct);
  absl::StatusOr<std::string> ExpectIdentifier(absl::string_view what);
  absl::Status ErrorAt(const Token& token, absl::string_view message) const;
  absl::Status Unsupported(const Token& token, absl::string_view what) const;

  // Statements and declarations (parser.cc).
  absl::Status Statement();
  absl::Status Header();
  absl::Status Include();
  absl::Status SkipLine();
  absl::Status Declare(const Token& name_token, Symbol symbol);
  absl::Status QubitDeclaration();
  absl::Status BitDeclaration();
  absl::Status InputDeclaration();
  absl::Status ConstDeclaration(bool is_const);
  absl::Status ScalarType();
  absl::StatusOr<int> RegisterSize(bool* scalar);
  absl::Status MeasureArrow();
  absl::Status Assignment();
  absl::Status MeasureInto(const Operand& bits);
  absl::Status AddMeasures(const Operand& qubits, const Operand& bits, const Token& keyword,
                           const Token& mismatch_at);
  absl::StatusOr<Symbol> RegisterDeclaration(SymbolKind kind, std::vector<std::string>& names);
  absl::Status Reset();
  absl::Status Barrier();
  absl::Status AddPending(Gate gate, const Token& at);

  // Expressions (expression.cc).
  absl::StatusOr<Value> Expression();
  absl::StatusOr<Value> Additive();
  absl::StatusOr<Value> Multiplicative();
  absl::StatusOr<Value> Unary();
  absl::StatusOr<Value> PowerExpr();
  absl::StatusOr<Value> Primary();
  absl::StatusOr<Value> Identifier();
  absl::StatusOr<Value> Arithmetic(const Token& op, const Value& a, const Value& b);
  absl::StatusOr<long long> ConstantInteger(absl::string_view what, long long min,
                                            long long max);
  absl::StatusOr<double> ConstantNumber(absl::string_view what);

  // Gate calls, definitions and operands (gate_call.cc).
  absl::Status GateDefinition();
  absl::Status GateCall(std::vector<Gate>* out);
  absl::StatusOr<std::vector<Modifier>> Modifiers();
  absl::StatusOr<Callee> ResolveGate(const Token& name) const;
  absl::StatusOr<std::vector<Value>> GateParams();
  absl::StatusOr<std::vector<Gate>> Instantiate(const std::vector<Modifier>& modifiers,
                                                const Callee& callee, const Token& name,
                                                const std::vector<Value>& params,
                                                const std::vector<int>& qubits);
  absl::StatusOr<std::vector<Gate>> ExpandDefinition(const GateDef& def, const Token& call,
                                                     const std::vector<Value>& params,
                                                     const std::vector<int>& qubits);
  absl::Status BodyStatement(std::vector<Gate>* out);
  absl::StatusOr<Operand> QubitOperand();
  absl::StatusOr<Operand> BitOperand();
  absl::Status RegisterElements(const Symbol& reg, Operand& op);
  absl::StatusOr<std::vector<int>> Index(int size, bool* single);
  absl::StatusOr<long long> IndexValue(int size);
  absl::StatusOr<int> PhysicalQubit(const Token& token);
  std::string QubitName(int qubit) const;
  absl::Status ChargeOperations(const Token& at, long long count);
  absl::Status ChargeWork(const Token& at, long long count);

  const ParseOptions& options_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int statements_ = 0;
  bool included_stdgates_ = false;

  std::map<std::string, Symbol> symbols_;
  std::vector<GateDef> gates_;
  std::vector<std::string> qubit_names_;
  std::vector<std::string> clbit_names_;
  std::vector<std::string> param_names_;
  int physical_qubits_ = 0;  // 1 + highest $n used
  std::vector<Pending> ops_;
  long long budget_ = 0;       // operations left under max_operations
  // Work left for expansion steps that emit nothing themselves (re-reading gate bodies,
  // applying modifiers), so that empty-but-deep expansions cannot run unbounded either.
  long long work_budget_ = 0;

  GateScope* scope_ = nullptr;  // non-null inside a gate body
  bool checking_ = false;       // checking a definition: evaluate, but do not expand
  std::string defining_;        // name of the gate being defined (recursion check)
  int expression_depth_ = 0;
  int call_depth_ = 0;
};

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_PARSER_IMPL_H_
