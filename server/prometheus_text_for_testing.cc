// The test reader of the Prometheus text format; see prometheus_text_for_testing.h.
//
// Thread-safety: no shared state.
#include "server/prometheus_text_for_testing.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace qgrad::server {
namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':')) return false;
  }
  return true;
}

bool ParseValue(const std::string& text, double& value) {
  if (text == "+Inf") value = HUGE_VAL;
  else if (text == "-Inf") value = -HUGE_VAL;
  else if (text == "NaN") value = NAN;
  else return absl::SimpleAtod(text, &value) && !text.empty() && text[0] != ' ';
  return true;
}

// The family a sample name belongs to under `types`, or "".
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  if (types.count(name) > 0 && types.at(name) != "histogram") return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (!absl::EndsWith(name, suffix)) continue;
    const std::string base = name.substr(0, name.size() - std::string(suffix).size());
    auto it = types.find(base);
    if (it != types.end() && it->second == "histogram") return base;
  }
  return "";
}

struct Sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

absl::StatusOr<Sample> ParseSample(const std::string& line) {
  Sample sample;
  size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  sample.name = line.substr(0, i);
  if (!ValidName(sample.name)) return absl::InvalidArgumentError("bad metric name");
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t eq = line.find('=', i);
      if (eq == std::string::npos) return absl::InvalidArgumentError("label without '='");
      const std::string key = line.substr(i, eq - i);
      if (!ValidName(key) || key.find(':') != std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat("bad label name '", key, "'"));
      }
      i = eq + 1;
      if (i >= line.size() || line[i] != '"') return absl::InvalidArgumentError("unquoted value");
      std::string value;
      for (++i; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] != '\\') {
          value += line[i];
          continue;
        }
        if (++i >= line.size()) return absl::InvalidArgumentError("dangling backslash");
        if (line[i] == 'n') value += '\n';
        else if (line[i] == '\\' || line[i] == '"') value += line[i];
        else return absl::InvalidArgumentError("bad escape");
      }
      if (i >= line.size()) return absl::InvalidArgumentError("unterminated label value");
      ++i;  // the closing quote
      sample.labels.emplace_back(key, value);
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return absl::InvalidArgumentError("unterminated labels");
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') return absl::InvalidArgumentError("no value");
  if (!ParseValue(line.substr(i + 1), sample.value)) {
    return absl::InvalidArgumentError("bad value");
  }
  return sample;
}

std::string SeriesKey(const std::string& name,
                      const std::vector<std::pair<std::string, std::string>>& labels) {
  if (labels.empty()) return name;
  std::string key = name + "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StrAppend(&key, i ? "," : "", labels[i].first, "=\"", labels[i].second, "\"");
  }
  return key + "}";
}

}  // namespace

absl::StatusOr<ParsedMetrics> ParsePrometheusTextForTesting(const std::string& text) {
  ParsedMetrics parsed;
  if (!text.empty() && text.back() != '\n') {
    return absl::InvalidArgumentError("the text does not end with a line feed");
  }
  // Per histogram series (labels without le): the last cumulative bucket count.
  std::map<std::string, double> last_bucket;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  lines.pop_back();
  for (size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("line ", n + 1, " '", line, "': ", what));
    };
    if (absl::StartsWith(line, "# HELP ") || absl::StartsWith(line, "# TYPE ")) {
      std::vector<std::string> parts = absl::StrSplit(line.substr(7), absl::MaxSplits(' ', 1));
      if (parts.size() != 2 || !ValidName(parts[0])) return error("bad comment");
      if (line[2] == 'H') {
        parsed.helps[parts[0]] = parts[1];
        continue;
      }
      if (parts[1] != "counter" && parts[1] != "gauge" && parts[1] != "histogram") {
        return error("unknown type");
      }
      if (parsed.types.count(parts[0]) > 0) return error("family declared twice");
      if (parsed.helps.count(parts[0]) == 0) return error("TYPE without HELP before it");
      parsed.types[parts[0]] = parts[1];
      continue;
    }
    absl::StatusOr<Sample> sample = ParseSample(line);
    if (!sample.ok()) return error(sample.status().message());
    const std::string family = FamilyOf(sample->name, parsed.types);
    if (family.empty()) return error("sample of no declared family");
    const std::string key = SeriesKey(sample->name, sample->labels);
    if (parsed.samples.count(key) > 0) return error("series written twice");
    parsed.samples[key] = sample->value;
    if (parsed.types[family] == "counter" &&
        (!absl::EndsWith(sample->name, "_total") || sample->value < 0)) {
      return error("a counter must be named _total and be >= 0");
    }
    if (parsed.types[family] != "histogram") continue;
    auto labels = sample->labels;
    if (sample->name == family + "_bucket") {
      if (labels.empty() || labels.back().first != "le") return error("bucket without le");
      labels.pop_back();
      const std::string series = SeriesKey(family, labels);
      if (sample->value < last_bucket[series]) return error("buckets not cumulative");
      last_bucket[series] = sample->value;
    } else if (sample->name == family + "_count") {
      const std::string inf = SeriesKey(family + "_bucket", [&] {
        auto with_le = labels;
        with_le.emplace_back("le", "+Inf");
        return with_le;
      }());
      auto it = parsed.samples.find(inf);
      if (it == parsed.samples.end() || it->second != sample->value) {
        return error("_count differs from the le=\"+Inf\" bucket");
      }
    }
  }
  return parsed;
}

}  // namespace qgrad::server
