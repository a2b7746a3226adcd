// Test helpers of the store; see store_testing.h.
#include "store/store_testing.h"

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace qgrad::store {
namespace {

constexpr absl::string_view kKeywords[] = {
    "SELECT", "INSERT", "UPDATE", "DELETE", "FROM",    "WHERE",  "BEGIN",    "COMMIT",
    "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA", "CREATE", "TABLE", "VALUES", "INTO"};

// Texts of sqlite3_errstr and the marks of an error's detail, in lower case.
constexpr absl::string_view kPhrases[] = {
    "sqlite", "`", "(code", "database is locked", "table is locked", "database or disk is full",
    "disk i/o error", "disk image is malformed", "not a database", "readonly database",
    "unable to open database", "constraint failed", "string or blob too big",
    "no such table", "syntax error"};

}  // namespace

std::string SqlIn(absl::string_view message) {
  const std::string lower = absl::AsciiStrToLower(message);
  for (absl::string_view phrase : kPhrases) {
    if (absl::StrContains(lower, phrase)) return std::string(phrase);
  }
  for (absl::string_view word :
       absl::StrSplit(message, absl::ByAnyChar(" \t\n:;,.()'\"[]"), absl::SkipEmpty())) {
    for (absl::string_view keyword : kKeywords) {
      if (word == keyword) return std::string(keyword);
    }
  }
  return "";
}

std::string DamageMiddlePage(const std::string& path, uint32_t seed) {
  constexpr size_t kPage = 4096;
  std::stringstream read;
  read << std::ifstream(path, std::ios::binary).rdbuf();
  std::string bytes = read.str();
  if (bytes.size() < 2 * kPage) return "";
  std::mt19937 rng(seed);
  const size_t middle = bytes.size() / 2 / kPage * kPage;
  for (size_t i = middle; i < middle + kPage; ++i) bytes[i] = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return bytes;
}

}  // namespace qgrad::store
