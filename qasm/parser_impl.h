// The OpenQASM 3 parser's internal state: a recursive-descent parser that pulls tokens from
// the lexer one at a time, evaluates classical values and control flow eagerly, and
// expands gate definitions and modifiers into circuit IR gates as it goes. With a
// QuantumState it runs one shot (RunShot) and asks it for measurement outcomes; without
// one, a step that needs an outcome ends the parse as dynamic (Dynamic()). Its methods are
// split over parser.cc (entry point, statements, budgets, shots), declarations.cc
// (registers, inputs), expression.cc (arithmetic), gate_call.cc (gate calls and
// definitions), operands.cc (qubit and bit operands), classical.cc (variables, assignments,
// casts, measured values), control.cc (blocks, if, for, while, timing, skipping) and
// subroutine.cc (def, calls, return).
//
// Every piece of work that the input can multiply is charged to a budget before it is done
// (ChargeOperations, ChargeWork), so a hostile program fails early instead of running long.
//
// Thread-safety: one Parser per Parse() or RunShot() call; not shared.
#ifndef QGRAD_QASM_PARSER_IMPL_H_
#define QGRAD_QASM_PARSER_IMPL_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/circuit.h"
#include "qasm/builtins.h"
#include "qasm/lexer.h"
#include "qasm/modifiers.h"
#include "qasm/qasm.h"
#include "qasm/value.h"

namespace qgrad::qasm {

// Limits that keep hostile input from exhausting the stack or the parser's memory.
inline constexpr int kMaxExpressionDepth = 128;
inline constexpr int kMaxGateCallDepth = 64;
inline constexpr int kMaxModifiers = 64;  // modifiers on one gate call

// Valid OpenQASM 3 words the simulator cannot execute faithfully, rejected by name
// (parser.cc).
bool IsUnsupportedWord(absl::string_view word);

enum class SymbolKind { kQubits, kBits, kNumber, kInput, kGate, kDef };

// Classical types; the width (0: unsized) matters to uint, bit and angle values, which
// wrap at 2^width, and to bit indexing of integers and angles.
enum class ClassicalType { kFloat, kAngle, kInt, kUint, kBool, kBit };
struct TypeSpec {
  ClassicalType type = ClassicalType::kFloat;
  int width = 0;
};

struct Symbol {
  SymbolKind kind = SymbolKind::kNumber;
  int offset = 0;      // first qubit / bit / parameter index
  int size = 1;        // register or input-array length
  bool scalar = true;  // declared without a size (qubit a; bit b; input float x;)
  Value value;         // kNumber
  TypeSpec type;       // kNumber
  bool is_const = true;  // kNumber: `const`, an input-free constant, or a loop variable
  bool local = false;  // kBits: a register of a block or subroutine, in Parser::local_bits_
  int gate = -1;       // kGate: index into Parser::gates_; kDef: into Parser::defs_
  int depth = 0;       // scope depth of the declaration (0: global)
  // kQubits from `let` or a subroutine argument: the qubits themselves (any order), which
  // replace offset..offset+size-1.
  std::vector<int> elements;
  int line = 0;        // where it was declared
  int column = 0;
};

// A register declaration's name and size (RegisterNameAndSize).
struct RegisterHead {
  Token name;
  int size = 1;
  bool scalar = true;
};

// A place in the source to read again from: a loop body or condition, a subroutine body.
struct Mark {
  Token cur;
  Lexer lexer;
};

struct DefParam {
  absl::string_view name;
  bool qubit = false;
  bool scalar = true;  // qubit q / bit b, not qubit[n] / bit[n]
  int size = 1;        // qubits or bits
  TypeSpec type;       // classical arguments
};

// A subroutine (`def`): read again from `body` (its '{') at every call.
struct DefInfo {
  std::string name;
  std::vector<DefParam> params;
  std::optional<TypeSpec> result;
  Mark body;
};

// How a statement ended: normally, or by break / continue / return, which end the
// enclosing blocks up to their loop or subroutine.
enum class Flow { kNormal, kBreak, kContinue, kReturn };

// A block scope: the symbols it shadowed (restored when it closes) and the local bit
// storage in use when it opened.
struct Frame {
  std::vector<std::pair<std::string, std::optional<Symbol>>> shadowed;
  size_t local_bits = 0;
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
  int num_params = 0;
  int num_qubits = 0;
  // Argument name → index: parameters 0..num_params-1, then the qubits. Names view the
  // source, which outlives the parser.
  absl::flat_hash_map<absl::string_view, int> args;
  Lexer::State body;      // just after the opening '{'
  size_t body_end = 0;    // source offset of the closing '}'

  int Find(absl::string_view name) const {
    auto it = args.find(name);
    return it == args.end() ? -1 : it->second;
  }
};

// The arguments of the gate whose body is being read.
struct GateScope {
  const GateDef* def = nullptr;
  absl::Span<const Value> params;
  absl::Span<const int> qubits;
};

// Short lists of a gate call, kept inline: a call allocates nothing it does not keep.
using QubitList = absl::InlinedVector<int, 4>;
using ValueList = absl::InlinedVector<Value, 4>;

// One qubit or bit argument: a single index or a whole register / slice (broadcast).
struct Operand {
  QubitList indices;
  bool is_register = false;
  bool local = false;  // bits: indices into Parser::local_bits_
  Token token;
};

using OperandList = absl::InlinedVector<Operand, 4>;

struct Modifier {
  enum Kind { kCtrl, kNegCtrl, kInv, kPow } kind = kInv;
  int count = 1;       // controls taken by ctrl(k) / negctrl(k)
  double power = 1.0;  // pow(k)
  Token token;
};

// What a gate call names: a library/builtin gate or a program-defined one.
struct Callee {
  const BuiltinGate* builtin = nullptr;
  const GateDef* def = nullptr;
  int num_params() const { return def ? def->num_params : builtin->num_params; }
  int num_qubits() const { return def ? def->num_qubits : builtin->num_qubits; }
};

class Parser {
 public:
  // `state`: run one shot, measurements asked of it; null: parse (see qasm.h).
  Parser(std::string_view source, const ParseOptions& options, QuantumState* state = nullptr);
  absl::StatusOr<ParsedProgram> Run();
  // After Run() with a state: the program's bits (clbit_names order).
  std::vector<int> ShotBits() const;

 private:
  // The statement that produced ops_[first..] (for errors found when building the circuit).
  struct OpSource {
    size_t first;
    int line;
    int column;
  };

  // Token access and errors (parser.cc). Cur() returns a copy, so a token held across
  // Advance() stays valid. Every token read counts one step of work; when the lexer fails
  // or the work budget runs out, the current token becomes kError for good and ErrorAt()
  // on it returns that error.
  Token Cur() const { return cur_; }
  Token Take();
  void Advance();
  Token Ahead() const;
  bool IsPunct(absl::string_view text) const {
    return cur_.type == TokenType::kPunct && cur_.text == text;
  }
  bool IsWord(absl::string_view text) const {
    return cur_.type == TokenType::kIdentifier && cur_.text == text;
  }
  absl::Status Expect(absl::string_view punct);
  absl::StatusOr<absl::string_view> ExpectIdentifier(absl::string_view what);
  absl::Status CommaList(absl::string_view close, absl::string_view what,
                         absl::FunctionRef<absl::Status()> item);
  absl::Status ErrorAt(const Token& token, absl::string_view message) const;
  absl::Status Unsupported(const Token& token, absl::string_view what) const;
  absl::Status LimitError(const Token& token, absl::string_view message) const;
  absl::Status ChargeOperations(const Token& at, long long count);
  absl::Status ChargeWork(const Token& at, long long count);

  // Statements (parser.cc).
  absl::Status Statement();
  absl::Status TopLevelStatement();
  absl::Status Directives();
  absl::Status Header();
  absl::Status Include();
  absl::Status MeasureArrow();
  absl::Status MeasureInto(const Operand& bits);
  absl::Status AddMeasures(const Operand& qubits, const Operand& bits, const Token& keyword,
                           const Token& mismatch_at);
  absl::Status Reset();
  absl::Status Barrier();
  absl::Status BuildCircuit(ParsedProgram& program);
  absl::Status MoveOps(Circuit& into);
  absl::Status Flush();
  absl::Status Dynamic(const Token& at);

  // Control flow and scopes (control.cc).
  absl::Status Block();
  absl::Status StatementOrBlock();
  absl::Status IfStatement();
  absl::Status ForStatement();
  absl::Status WhileStatement();
  absl::Status LoopBody(bool* done);
  absl::Status BreakOrContinue();
  absl::Status TimingStatement();
  absl::Status SkipStatementOrBlock();
  absl::Status SkipBalanced();
  absl::Status SkipTo(absl::string_view punct);
  absl::StatusOr<std::vector<long long>> LoopValues();
  Mark Here() const { return Mark{cur_, lexer_}; }
  absl::Status Restore(const Mark& mark);
  void PushFrame();
  void PopFrame();

  // Classical declarations, assignments and values (classical.cc).
  bool IsTypeWord(const Token& t) const;
  absl::StatusOr<TypeSpec> ParseType();
  absl::Status ClassicalDeclaration();
  absl::Status LocalBitDeclaration();
  absl::Status BitInitializer(const Symbol& reg);
  absl::StatusOr<unsigned long long> IntegerBits(const Symbol& variable, const Token& at) const;
  absl::Status LetDeclaration();
  absl::Status ClassicalAssignment();
  absl::StatusOr<Value> Convert(const Token& at, const Value& v, const TypeSpec& type) const;
  absl::StatusOr<Value> ReadBits(const Operand& bits);
  absl::Status WriteBits(const Operand& bits, const Value& v);
  absl::StatusOr<Value> MeasureValue(const Token& keyword, const Operand& qubits);
  absl::StatusOr<Value> ValueOrMeasurement();
  absl::Status SetVariableBit(Symbol& variable, int bit, const Value& v, const Token& at);
  absl::Status SetIntegerBits(Symbol& variable, unsigned long long k, const Token& at);
  absl::StatusOr<Value> Cast(const Token& type_token);
  absl::StatusOr<Value> IndexedNumber(const Token& name, const Symbol& symbol);

  // Subroutines (subroutine.cc).
  absl::Status DefDefinition();
  absl::StatusOr<DefParam> DefParameter();
  absl::StatusOr<std::optional<Value>> CallDef(const Token& name, const DefInfo& def,
                                               bool gate_style);
  absl::Status ReturnStatement();

  // Declarations (declarations.cc).
  absl::Status Declare(const Token& name_token, Symbol symbol);
  absl::Status QubitDeclaration();
  absl::Status BitDeclaration();
  absl::Status InputDeclaration();
  absl::Status ScalarType();
  absl::StatusOr<int> RegisterSize(bool* scalar);
  absl::StatusOr<RegisterHead> RegisterNameAndSize();
  absl::StatusOr<Symbol> RegisterDeclaration(SymbolKind kind, std::vector<std::string>& names);
  absl::Status CheckCount(const Token& at, absl::string_view what, long long count) const;

  // Expressions (expression.cc).
  absl::StatusOr<Value> Expression();
  absl::StatusOr<Value> Binary(int min_power);
  absl::StatusOr<Value> Unary();
  absl::StatusOr<Value> Primary();
  absl::StatusOr<Value> Identifier();
  absl::StatusOr<Value> FunctionCall(const Token& name, int arity);
  absl::StatusOr<ValueList> ExpressionList(absl::string_view what, int keep, int* count);
  absl::StatusOr<Value> Arithmetic(const Token& op, const Value& a, const Value& b);
  absl::StatusOr<long long> ConstantInteger(absl::string_view what, long long min,
                                            long long max);
  absl::StatusOr<double> ConstantNumber(absl::string_view what);

  // Gate calls and definitions (gate_call.cc).
  absl::Status GateDefinition();
  absl::Status DefinitionArguments(GateDef& def);
  absl::Status CheckDefinitionBody(GateDef& def);
  absl::Status BodyStatement(GateList* out);
  absl::Status GateCall(GateList* out);
  absl::StatusOr<std::vector<Modifier>> Modifiers();
  absl::StatusOr<Callee> ResolveGate(const Token& name) const;
  absl::StatusOr<ValueList> GateParams(const Token& name, int expected);
  absl::StatusOr<OperandList> GateOperands(const Token& name, long long controls, int own);
  absl::Status Broadcast(absl::Span<const Modifier> modifiers, const Callee& callee,
                         const Token& name, absl::Span<const Value> params,
                         absl::Span<const Operand> operands, GateList* out);
  absl::Status Instantiate(absl::Span<const Modifier> modifiers, const Callee& callee,
                           const Token& name, absl::Span<const Value> params,
                           absl::Span<const int> qubits, GateList* out);
  absl::Status ApplyModifier(const Modifier& m, absl::Span<const int> controls, GateList& out,
                             size_t begin);
  absl::Status ExpandDefinition(const GateDef& def, const Token& call,
                                absl::Span<const Value> params, absl::Span<const int> qubits,
                                GateList* out);

  // Operands (operands.cc).
  absl::StatusOr<Operand> QubitOperand();
  absl::StatusOr<Operand> BitOperand();
  absl::Status NamedRegister(SymbolKind kind, absl::string_view role, Operand& op);
  absl::Status RegisterElements(const Symbol& reg, Operand& op);
  Symbol* FindSymbol(absl::string_view name);
  absl::StatusOr<QubitList> Index(const Token& reg, int size, bool* single);
  absl::StatusOr<QubitList> Range(const Token& reg, int size, long long start);
  absl::StatusOr<long long> IndexValue(int size);
  absl::StatusOr<int> PhysicalQubit(const Token& token);
  void NewCall();
  bool FirstUseInCall(int qubit);
  std::string QubitName(int qubit) const;

  const ParseOptions& options_;
  QuantumState* state_ = nullptr;  // running a shot
  bool dynamic_ = false;           // parsing stopped at a measurement-dependent step
  absl::string_view source_;
  Lexer lexer_;  // positioned after cur_
  Token cur_;
  absl::Status token_error_;  // why cur_ is kError
  int statements_ = 0;
  bool included_stdgates_ = false;

  // Node-based: a Symbol* stays valid while other names are declared.
  absl::node_hash_map<std::string, Symbol> symbols_;
  std::deque<GateDef> gates_;  // a deque: calls hold pointers to definitions
  std::vector<std::string> qubit_names_;
  std::vector<std::string> clbit_names_;
  std::deque<std::string> param_names_;  // a deque: Values point at its strings
  int physical_qubits_ = 0;  // 1 + highest $n used
  GateList ops_;
  std::vector<OpSource> op_sources_;  // `first` counts every op ever made
  size_t flushed_ = 0;                // ops handed to state_ so far
  size_t source_cursor_ = 0;          // op_sources_ entry of the next op moved
  // Program bits: 0, 1, or -1 for a measurement outcome not known while parsing.
  std::vector<int8_t> bit_values_;
  std::vector<int8_t> local_bits_;  // bits of blocks and subroutines
  std::vector<Frame> frames_;       // open block scopes, innermost last
  std::deque<DefInfo> defs_;
  Flow flow_ = Flow::kNormal;
  std::optional<Value> return_value_;
  int loop_depth_ = 0;
  int def_depth_ = 0;
  long long budget_ = 0;       // operations left under max_operations
  long long work_budget_ = 0;  // steps left (see ChargeWork)

  // Qubits already used by the gate call being checked: qubit q is used when
  // call_stamp_[q] == stamp_, so each call starts afresh in O(1).
  std::vector<unsigned> call_stamp_;
  unsigned stamp_ = 0;

  GateScope* scope_ = nullptr;  // non-null inside a gate body
  bool checking_ = false;       // checking a definition: evaluate, but do not expand
  absl::string_view defining_;   // name of the gate being defined (recursion check)
  int expression_depth_ = 0;
  int call_depth_ = 0;
};

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_PARSER_IMPL_H_
