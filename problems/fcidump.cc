// FCIDUMP reader (see fcidump.h for the accepted format).
//
// Thread-safety: free functions and values only; no shared mutable state.
#include "problems/fcidump.h"

#include <cctype>
#include <cmath>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/file.h"

namespace qgrad {
namespace {

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status LineError(int line, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("FCIDUMP line ", line, ": ", AbslView(message)));
}

// Fortran writes 1.0D-02; C++ parsers want 1.0E-02.
absl::StatusOr<double> ParseReal(std::string_view token, int line) {
  std::string text(token);
  for (char& c : text) {
    if (c == 'D' || c == 'd') c = 'E';
  }
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return LineError(line, absl::StrCat("value '", AbslView(token), "' is not a finite number"));
  }
  return value;
}

absl::StatusOr<int> ParseInt(std::string_view token, int line, std::string_view what) {
  int value = 0;
  if (!absl::SimpleAtoi(AbslView(token), &value)) {
    return LineError(line, absl::StrCat(AbslView(what), " '", AbslView(token), "' is not an integer"));
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Header namelist.

struct Token {
  std::string text;  // upper-cased
  int line;
};

struct HeaderField {
  int line = 0;
  std::vector<Token> values;
};

struct Header {
  std::map<std::string, HeaderField> fields;
  int first_line = 0;
  int body_start = 0;  // index of the first body line
};

// Splits a header line into tokens; '=' is a token of its own so that "NORB = 2" and
// "NORB=2" read alike, and commas only separate.
void Tokenize(std::string_view text, int line, std::vector<Token>& out) {
  std::string current;
  auto flush = [&] {
    if (!current.empty()) out.push_back({absl::AsciiStrToUpper(current), line});
    current.clear();
  };
  for (char c : text) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else if (c == '=') {
      flush();
      out.push_back({"=", line});
    } else {
      current += c;
    }
  }
  flush();
}

// Position of the namelist terminator ("/", "&END", "$END") in an upper-cased line.
size_t FindTerminator(const std::string& upper) {
  size_t pos = upper.find('/');
  for (const char* end : {"&END", "$END"}) {
    pos = std::min(pos, upper.find(end));
  }
  return pos;
}

absl::StatusOr<Header> ReadHeader(const std::vector<std::string_view>& lines) {
  size_t i = 0;
  while (i < lines.size() && absl::StripAsciiWhitespace(AbslView(lines[i])).empty()) ++i;
  if (i == lines.size()) return absl::InvalidArgumentError("FCIDUMP: empty file");
  Header header;
  header.first_line = static_cast<int>(i) + 1;
  std::string first = absl::AsciiStrToUpper(absl::StripLeadingAsciiWhitespace(AbslView(lines[i])));
  if (first.rfind("&FCI", 0) != 0) {
    return LineError(header.first_line, "header must start with '&FCI'");
  }
  std::vector<Token> tokens;
  bool terminated = false;
  for (; i < lines.size() && !terminated; ++i) {
    std::string upper = absl::AsciiStrToUpper(AbslView(lines[i]));
    if (static_cast<int>(i) + 1 == header.first_line) upper = upper.substr(upper.find("&FCI") + 4);
    const size_t end = FindTerminator(upper);
    terminated = end != std::string::npos;
    Tokenize(std::string_view(upper).substr(0, end), static_cast<int>(i) + 1, tokens);
  }
  if (!terminated) {
    return LineError(static_cast<int>(lines.size()),
                     "header not closed by '/' or '&END' (file truncated?)");
  }
  header.body_start = static_cast<int>(i);
  std::string key;
  for (size_t t = 0; t < tokens.size(); ++t) {
    if (tokens[t].text == "=") return LineError(tokens[t].line, "'=' without a field name");
    if (t + 1 < tokens.size() && tokens[t + 1].text == "=") {
      key = tokens[t].text;
      if (header.fields.count(key)) {
        return LineError(tokens[t].line, absl::StrCat("field ", key, " given twice"));
      }
      header.fields[key].line = tokens[t].line;
      ++t;
      continue;
    }
    if (key.empty()) {
      return LineError(tokens[t].line, absl::StrCat("unexpected '", tokens[t].text, "' before any field"));
    }
    header.fields[key].values.push_back(tokens[t]);
  }
  return header;
}

absl::StatusOr<int> SingleInt(const Header& header, const std::string& key, bool required,
                              int fallback) {
  auto it = header.fields.find(key);
  if (it == header.fields.end()) {
    if (!required) return fallback;
    return absl::InvalidArgumentError(absl::StrCat("FCIDUMP header (line ", header.first_line,
                                                   "): missing field ", key));
  }
  if (it->second.values.size() != 1) {
    return LineError(it->second.line, absl::StrCat("field ", key, " needs exactly one value"));
  }
  return ParseInt(it->second.values[0].text, it->second.line, key);
}

bool IsTrue(const std::string& value) { return value == ".TRUE." || value == "T" || value == ".T."; }

absl::Status CheckSpinRestricted(const Header& header) {
  for (const char* key : {"UHF", "IUHF"}) {
    auto it = header.fields.find(key);
    if (it == header.fields.end() || it->second.values.empty()) continue;
    const std::string& v = it->second.values[0].text;
    if (IsTrue(v) || v == "1") {
      return LineError(it->second.line, absl::StrCat(key, "=", v,
                                                     ": spin-unrestricted integrals are not supported"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<MolecularIntegrals> IntegralsFromHeader(const Header& header) {
  absl::StatusOr<int> norb = SingleInt(header, "NORB", true, 0);
  if (!norb.ok()) return norb.status();
  const int norb_line = header.fields.at("NORB").line;
  if (*norb < 1 || *norb > kMaxFcidumpOrbitals) {
    return LineError(norb_line, absl::StrCat("NORB=", *norb, " out of range [1, ",
                                             kMaxFcidumpOrbitals, "]"));
  }
  absl::StatusOr<int> nelec = SingleInt(header, "NELEC", true, 0);
  if (!nelec.ok()) return nelec.status();
  const int nelec_line = header.fields.at("NELEC").line;
  if (*nelec < 0 || *nelec > 2 * *norb) {
    return LineError(nelec_line, absl::StrCat("NELEC=", *nelec, " out of range [0, ", 2 * *norb, "]"));
  }
  absl::StatusOr<int> ms2 = SingleInt(header, "MS2", false, 0);
  if (!ms2.ok()) return ms2.status();
  if (std::abs(*ms2) > *nelec || (*nelec - *ms2) % 2 != 0) {
    return LineError(header.fields.count("MS2") ? header.fields.at("MS2").line : header.first_line,
                     absl::StrCat("MS2=", *ms2, " impossible with NELEC=", *nelec));
  }
  if (auto it = header.fields.find("ORBSYM"); it != header.fields.end()) {
    if (static_cast<int>(it->second.values.size()) != *norb) {
      return LineError(it->second.line, absl::StrCat("ORBSYM has ", it->second.values.size(),
                                                     " entries, NORB=", *norb));
    }
    for (const Token& t : it->second.values) {
      absl::StatusOr<int> sym = ParseInt(t.text, t.line, "ORBSYM entry");
      if (!sym.ok()) return sym.status();
    }
  }
  if (absl::StatusOr<int> isym = SingleInt(header, "ISYM", false, 1); !isym.ok()) {
    return isym.status();
  }
  if (absl::Status s = CheckSpinRestricted(header); !s.ok()) return s;
  return MolecularIntegrals::Zero(*norb, *nelec, *ms2);
}

// ---------------------------------------------------------------------------------------
// Body.

absl::Status ReadBodyLine(std::string_view text, int line, MolecularIntegrals& ints,
                          bool& saw_core) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(AbslView(text), absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
  if (fields.size() != 5) {
    return LineError(line, absl::StrCat("expected 'value i j k l' (5 fields), got ", fields.size()));
  }
  absl::StatusOr<double> value = ParseReal(std::string_view(fields[0].data(), fields[0].size()), line);
  if (!value.ok()) return value.status();
  int idx[4];
  for (int k = 0; k < 4; ++k) {
    absl::StatusOr<int> v =
        ParseInt(std::string_view(fields[k + 1].data(), fields[k + 1].size()), line, "orbital index");
    if (!v.ok()) return v.status();
    if (*v < 0 || *v > ints.num_orbitals) {
      return LineError(line, absl::StrCat("orbital index ", *v, " out of range [1, ",
                                          ints.num_orbitals, "]"));
    }
    idx[k] = *v - 1;
  }
  const int zeros = (idx[0] < 0) + (idx[1] < 0) + (idx[2] < 0) + (idx[3] < 0);
  if (zeros == 0) {
    ints.SetEri(idx[0], idx[1], idx[2], idx[3], *value);
  } else if (zeros == 4) {
    ints.core_energy = *value;
    saw_core = true;
  } else if (zeros == 2 && idx[0] >= 0 && idx[1] >= 0) {
    ints.SetH(idx[0], idx[1], *value);
  } else if (!(zeros == 3 && idx[0] >= 0)) {
    return LineError(line, "index pattern must be 'i j k l', 'i j 0 0', 'i 0 0 0' or '0 0 0 0'");
  }
  return absl::OkStatus();
}

}  // namespace

MolecularIntegrals MolecularIntegrals::Zero(int num_orbitals, int num_electrons, int ms2) {
  MolecularIntegrals ints;
  ints.num_orbitals = num_orbitals;
  ints.num_electrons = num_electrons;
  ints.ms2 = ms2;
  const size_t n = static_cast<size_t>(num_orbitals);
  ints.one_body.assign(n * n, 0.0);
  ints.two_body.assign(n * n * n * n, 0.0);
  return ints;
}

void MolecularIntegrals::SetEri(int p, int q, int r, int s, double value) {
  const int n = num_orbitals;
  auto set = [&](int a, int b, int c, int d) { two_body[((a * n + b) * n + c) * n + d] = value; };
  // Real orbitals: (pq|rs) = (qp|rs) = (pq|sr) = (rs|pq) and their combinations.
  for (auto [a, b] : {std::pair{p, q}, std::pair{q, p}}) {
    for (auto [c, d] : {std::pair{r, s}, std::pair{s, r}}) {
      set(a, b, c, d);
      set(c, d, a, b);
    }
  }
}

void MolecularIntegrals::SetH(int p, int q, double value) {
  one_body[p * num_orbitals + q] = value;
  one_body[q * num_orbitals + p] = value;
}

absl::StatusOr<MolecularIntegrals> ParseFcidump(std::string_view text) {
  std::vector<std::string_view> lines;
  for (absl::string_view l : absl::StrSplit(AbslView(text), '\n')) {
    lines.emplace_back(l.data(), l.size());
  }
  absl::StatusOr<Header> header = ReadHeader(lines);
  if (!header.ok()) return header.status();
  absl::StatusOr<MolecularIntegrals> ints = IntegralsFromHeader(*header);
  if (!ints.ok()) return ints.status();
  bool saw_core = false;
  for (size_t i = header->body_start; i < lines.size(); ++i) {
    if (absl::StripAsciiWhitespace(AbslView(lines[i])).empty()) continue;
    if (absl::Status s = ReadBodyLine(lines[i], static_cast<int>(i) + 1, *ints, saw_core); !s.ok()) {
      return s;
    }
  }
  if (!saw_core) {
    return LineError(static_cast<int>(lines.size()),
                     "no core-energy line 'value 0 0 0 0' (file truncated?)");
  }
  return ints;
}

absl::StatusOr<MolecularIntegrals> ReadFcidumpFile(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path, kMaxFcidumpFileBytes);
  if (!text.ok()) {
    return absl::Status(text.status().code(),
                        absl::StrCat("FCIDUMP file ", text.status().message()));
  }
  absl::StatusOr<MolecularIntegrals> ints = ParseFcidump(*text);
  if (!ints.ok()) {
    return absl::Status(ints.status().code(), absl::StrCat(path, ": ", ints.status().message()));
  }
  return ints;
}

}  // namespace qgrad
