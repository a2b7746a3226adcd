// Test helper: a strict reader of the Prometheus text exposition format 0.0.4 as qgradd
// writes it, independent of the writer (server/metrics.h). It checks that every sample
// belongs to the family its `# TYPE` line announced (a histogram's _bucket, _sum and _count),
// that names and label names are valid, label values correctly escaped, values numbers, and
// that each histogram's buckets are cumulative and end with le="+Inf" equal to _count.
//
// Thread-safety: free functions only.
#ifndef QGRAD_SERVER_PROMETHEUS_TEXT_FOR_TESTING_H_
#define QGRAD_SERVER_PROMETHEUS_TEXT_FOR_TESTING_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace qgrad::server {

struct ParsedMetrics {
  std::map<std::string, std::string> types;  // family name -> "counter", "gauge", ...
  std::map<std::string, std::string> helps;  // family name -> help text
  // Series, spelled `name{k="v",...}` with labels in their written order and values
  // unescaped, or `name` without labels -> value.
  std::map<std::string, double> samples;
};

// INVALID_ARGUMENT naming the line and what is wrong with it.
absl::StatusOr<ParsedMetrics> ParsePrometheusTextForTesting(const std::string& text);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_PROMETHEUS_TEXT_FOR_TESTING_H_
