// PrometheusText, Histogram and ServerMetrics; see metrics.h.
//
// Thread-safety: ServerMetrics under its mutex; the others thread-compatible.
#include "server/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/version.h"

namespace qgrad::server {
namespace {

// Iterations take milliseconds (small exact runs) to minutes (large registers, devices).
const std::vector<double>& IterationBuckets() {
  static const auto* const kBuckets = new std::vector<double>{
      0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300};
  return *kBuckets;
}

// Store calls: memory tens of microseconds, SQLite group commits milliseconds, PostgreSQL
// round trips more; seconds mean an outage's retries or a stalled disk.
const std::vector<double>& StoreBuckets() {
  static const auto* const kBuckets = new std::vector<double>{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
  return *kBuckets;
}

// Shortest text that reads back as the same double; Prometheus spells infinities +Inf/-Inf.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

}  // namespace

std::string EscapeLabelValue(absl::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void PrometheusText::Family(absl::string_view name, absl::string_view type,
                            absl::string_view help) {
  absl::StrAppend(&text_, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

void PrometheusText::Sample(absl::string_view name, const MetricLabels& labels, double value) {
  absl::StrAppend(&text_, name);
  if (!labels.empty()) {
    text_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      absl::StrAppend(&text_, i == 0 ? "" : ",", labels[i].first, "=\"",
                      EscapeLabelValue(labels[i].second), "\"");
    }
    text_ += '}';
  }
  absl::StrAppend(&text_, " ", FormatValue(value), "\n");
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double value) {
  const size_t bucket =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++counts_[bucket];
  sum_ += value;
  ++count_;
}

void Histogram::Render(absl::string_view name, const MetricLabels& labels,
                       PrometheusText& out) const {
  const std::string bucket = absl::StrCat(name, "_bucket");
  int64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i];
    MetricLabels with_le = labels;
    with_le.emplace_back("le", i < bounds_.size() ? FormatValue(bounds_[i]) : "+Inf");
    out.Sample(bucket, with_le, static_cast<double>(cumulative));
  }
  out.Sample(absl::StrCat(name, "_sum"), labels, sum_);
  out.Sample(absl::StrCat(name, "_count"), labels, static_cast<double>(count_));
}

void ServerMetrics::DeclareBackend(const std::string& backend) {
  absl::MutexLock lock(&mu_);
  measurements_.try_emplace(backend);
}

void ServerMetrics::CountSubmission(const std::string& result) {
  absl::MutexLock lock(&mu_);
  ++submissions_[result];
}

void ServerMetrics::ObserveIteration(const std::string& method, double seconds) {
  absl::MutexLock lock(&mu_);
  iterations_.try_emplace(method, IterationBuckets()).first->second.Observe(seconds);
}

void ServerMetrics::AddMeasurements(const std::string& backend, int64_t shots,
                                    int64_t circuits) {
  absl::MutexLock lock(&mu_);
  Measurements& m = measurements_[backend];
  m.shots += shots;
  m.circuits += circuits;
}

void ServerMetrics::ObserveStoreCall(const std::string& operation, double seconds) {
  absl::MutexLock lock(&mu_);
  store_calls_.try_emplace(operation, StoreBuckets()).first->second.Observe(seconds);
}

std::string ServerMetrics::Render(const ScrapeValues& scrape) const {
  PrometheusText out;
  out.Family("qgrad_build_info", "gauge", "Always 1; the labels say which qgrad this is.");
  out.Sample("qgrad_build_info", {{"version", std::string(base::SoftwareVersion())}}, 1);
  if (!scrape.jobs_by_state.empty()) {
    out.Family("qgrad_jobs", "gauge", "Jobs in the job store by state, all tenants.");
    for (const auto& [state, count] : scrape.jobs_by_state) {
      out.Sample("qgrad_jobs", {{"state", state}}, static_cast<double>(count));
    }
  }
  out.Family("qgrad_queue_length", "gauge",
             "Jobs waiting in this process's scheduler queue for a worker.");
  out.Sample("qgrad_queue_length", {}, static_cast<double>(scrape.queue_length));

  absl::MutexLock lock(&mu_);
  out.Family("qgrad_submissions_total", "counter",
             "SubmitJob outcomes: created, existing (idempotency key matched), rejected.");
  for (const char* result : {"created", "existing", "rejected"}) {
    const auto it = submissions_.find(result);
    out.Sample("qgrad_submissions_total", {{"result", result}},
               it == submissions_.end() ? 0 : static_cast<double>(it->second));
  }
  out.Family("qgrad_iteration_duration_seconds", "histogram",
             "Wall-clock seconds of each stored outer iteration, by method.");
  for (const auto& [method, histogram] : iterations_) {
    histogram.Render("qgrad_iteration_duration_seconds", {{"method", method}}, out);
  }
  out.Family("qgrad_shots_total", "counter",
             "Measurement shots spent by shadows-mode jobs, by backend.");
  for (const auto& [backend, m] : measurements_) {
    out.Sample("qgrad_shots_total", {{"backend", backend}}, static_cast<double>(m.shots));
  }
  out.Family("qgrad_circuits_total", "counter",
             "Circuits (programs) submitted by shadows-mode jobs, by backend.");
  for (const auto& [backend, m] : measurements_) {
    out.Sample("qgrad_circuits_total", {{"backend", backend}}, static_cast<double>(m.circuits));
  }
  out.Family("qgrad_store_operation_duration_seconds", "histogram",
             "Seconds each job store call took, by operation.");
  for (const auto& [operation, histogram] : store_calls_) {
    histogram.Render("qgrad_store_operation_duration_seconds", {{"operation", operation}}, out);
  }
  return out.text();
}

}  // namespace qgrad::server
