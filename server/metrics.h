// qgradd's metrics in the Prometheus text exposition format (version 0.0.4), rendered here
// because Debian 12 packages no Prometheus client library.
//
// PrometheusText writes one exposition: a family's `# HELP` and `# TYPE` lines, then its
// samples with escaped label values. ServerMetrics holds what qgradd counts as it works —
// submissions, iteration durations, shots and circuits per backend, store call latencies —
// and renders them with the values read at scrape time (jobs by state, queue length).
// Counters and histograms are this process's (they start at 0 with the process, as
// Prometheus expects of counters); the scrape-time gauges are described where they are read
// (JobManager::MetricsText).
//
// Thread-safety: ServerMetrics is safe for concurrent use (one mutex; its callers record
// once per iteration, store call or submission, never per amplitude). PrometheusText is
// thread-compatible.
#ifndef QGRAD_SERVER_METRICS_H_
#define QGRAD_SERVER_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace qgrad::server {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// "a\"b" for a"b: backslash, double quote and line feed escaped, as label values need.
std::string EscapeLabelValue(absl::string_view value);

class PrometheusText {
 public:
  // `type`: "counter", "gauge" or "histogram".
  void Family(absl::string_view name, absl::string_view type, absl::string_view help);
  void Sample(absl::string_view name, const MetricLabels& labels, double value);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Cumulative buckets with fixed upper bounds; +Inf is implicit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  // `name`_bucket{..., le=...}, `name`_sum and `name`_count.
  void Render(absl::string_view name, const MetricLabels& labels, PrometheusText& out) const;

 private:
  std::vector<double> bounds_;
  std::vector<int64_t> counts_;  // per bucket, not cumulative; the last is +Inf
  double sum_ = 0;
  int64_t count_ = 0;
};

// Values read when the metrics are scraped.
struct ScrapeValues {
  // Jobs per state name ("queued", ...); empty when they could not be read (the family is
  // then left out of this scrape).
  std::map<std::string, int64_t> jobs_by_state;
  int64_t queue_length = 0;
};

class ServerMetrics {
 public:
  // Backends whose shot and circuit counters are shown (at 0) before any job used them.
  void DeclareBackend(const std::string& backend) ABSL_LOCKS_EXCLUDED(mu_);
  // `result`: "created", "existing" (an idempotency key matched) or "rejected".
  void CountSubmission(const std::string& result) ABSL_LOCKS_EXCLUDED(mu_);
  void ObserveIteration(const std::string& method, double seconds) ABSL_LOCKS_EXCLUDED(mu_);
  void AddMeasurements(const std::string& backend, int64_t shots, int64_t circuits)
      ABSL_LOCKS_EXCLUDED(mu_);
  void ObserveStoreCall(const std::string& operation, double seconds) ABSL_LOCKS_EXCLUDED(mu_);

  std::string Render(const ScrapeValues& scrape) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Measurements {
    int64_t shots = 0;
    int64_t circuits = 0;
  };

  mutable absl::Mutex mu_;
  std::map<std::string, int64_t> submissions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> iterations_ ABSL_GUARDED_BY(mu_);  // by method
  std::map<std::string, Measurements> measurements_ ABSL_GUARDED_BY(mu_);  // by backend
  std::map<std::string, Histogram> store_calls_ ABSL_GUARDED_BY(mu_);  // by operation
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_METRICS_H_
