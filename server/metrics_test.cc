// Tests of the Prometheus text rendering (server/metrics.h): the exact text of small
// families, label escaping, histogram buckets, and a whole ServerMetrics exposition read
// back by the independent test reader.
//
// Thread-safety: single-threaded, except the concurrency test.
#include "server/metrics.h"

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "base/version.h"
#include "server/prometheus_text_for_testing.h"
#include "server/server.h"

namespace qgrad::server {
namespace {

TEST(MetricsTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue(R"(a"b\c)" "\n" "d"), R"(a\"b\\c\nd)");
  PrometheusText out;
  out.Family("x_total", "counter", "Things.");
  out.Sample("x_total", {{"k", "q\"\n\\"}, {"j", "é"}}, 3);
  EXPECT_EQ(out.text(),
            "# HELP x_total Things.\n# TYPE x_total counter\nx_total{k=\"q\\\"\\n\\\\\",j=\"é\"} 3\n");
  absl::StatusOr<ParsedMetrics> parsed = ParsePrometheusTextForTesting(out.text());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->samples.at("x_total{k=\"q\"\n\\\",j=\"é\"}"), 3);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Histogram histogram({0.1, 1, 10});
  for (double v : {0.0625, 0.5, 1.0, 2.0, 20.0, 30.0}) histogram.Observe(v);
  PrometheusText out;
  out.Family("t_seconds", "histogram", "Times.");
  histogram.Render("t_seconds", {{"m", "a"}}, out);
  EXPECT_EQ(out.text(),
            "# HELP t_seconds Times.\n# TYPE t_seconds histogram\n"
            "t_seconds_bucket{m=\"a\",le=\"0.1\"} 1\n"
            "t_seconds_bucket{m=\"a\",le=\"1\"} 3\n"  // le is inclusive
            "t_seconds_bucket{m=\"a\",le=\"10\"} 4\n"
            "t_seconds_bucket{m=\"a\",le=\"+Inf\"} 6\n"
            "t_seconds_sum{m=\"a\"} 53.5625\n"
            "t_seconds_count{m=\"a\"} 6\n");
  EXPECT_TRUE(ParsePrometheusTextForTesting(out.text()).ok());
}

TEST(MetricsTest, TheReaderRefusesMalformedText) {
  for (const char* bad : {
           "x 1\n",                                              // no family
           "# HELP x h\n# TYPE x gauge\nx{a=\"1} 1\n",           // unterminated value
           "# HELP x h\n# TYPE x gauge\nx{a=\"\\q\"} 1\n",       // bad escape
           "# HELP x h\n# TYPE x gauge\nx one\n",                // not a number
           "# HELP x h\n# TYPE x counter\nx 1\n",                // counter without _total
           "# HELP x h\n# TYPE x histogram\nx_bucket{le=\"1\"} 2\n"
           "x_bucket{le=\"+Inf\"} 1\nx_count 1\n",               // not cumulative
           "# HELP x h\n# TYPE x gauge\nx 1",                    // no final line feed
       }) {
    EXPECT_FALSE(ParsePrometheusTextForTesting(bad).ok()) << bad;
  }
}

TEST(MetricsTest, ServerMetricsRenderEveryFamily) {
  ServerMetrics metrics;
  metrics.DeclareBackend("ionq");
  metrics.CountSubmission("created");
  metrics.CountSubmission("created");
  metrics.CountSubmission("rejected");
  metrics.ObserveIteration("nested", 0.02);
  metrics.AddMeasurements("local", 1000, 40);
  metrics.AddMeasurements("local", 500, 20);
  metrics.ObserveStoreCall("UpdateJob", 0.0003);
  ScrapeValues scrape;
  scrape.jobs_by_state = {{"queued", 2}, {"running", 1}};
  scrape.queue_length = 2;
  absl::StatusOr<ParsedMetrics> parsed = ParsePrometheusTextForTesting(metrics.Render(scrape));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const std::map<std::string, double>& s = parsed->samples;
  EXPECT_EQ(s.at("qgrad_jobs{state=\"queued\"}"), 2);
  EXPECT_EQ(s.at("qgrad_jobs{state=\"running\"}"), 1);
  EXPECT_EQ(s.at("qgrad_queue_length"), 2);
  EXPECT_EQ(s.at("qgrad_submissions_total{result=\"created\"}"), 2);
  EXPECT_EQ(s.at("qgrad_submissions_total{result=\"existing\"}"), 0);
  EXPECT_EQ(s.at("qgrad_submissions_total{result=\"rejected\"}"), 1);
  EXPECT_EQ(s.at("qgrad_iteration_duration_seconds_count{method=\"nested\"}"), 1);
  EXPECT_EQ(s.at("qgrad_iteration_duration_seconds_bucket{method=\"nested\",le=\"0.01\"}"), 0);
  EXPECT_EQ(s.at("qgrad_iteration_duration_seconds_bucket{method=\"nested\",le=\"0.05\"}"), 1);
  EXPECT_EQ(s.at("qgrad_shots_total{backend=\"local\"}"), 1500);
  EXPECT_EQ(s.at("qgrad_circuits_total{backend=\"local\"}"), 60);
  EXPECT_EQ(s.at("qgrad_shots_total{backend=\"ionq\"}"), 0);
  EXPECT_EQ(s.at("qgrad_store_operation_duration_seconds_count{operation=\"UpdateJob\"}"), 1);
  EXPECT_EQ(s.count("qgrad_build_info{version=\"" + std::string(base::SoftwareVersion()) + "\"}"),
            1u);
  EXPECT_EQ(parsed->types.at("qgrad_store_operation_duration_seconds"), "histogram");

  // A scrape without job counts leaves the family out.
  parsed = ParsePrometheusTextForTesting(metrics.Render({}));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->types.count("qgrad_jobs"), 0u);
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  ServerMetrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        metrics.AddMeasurements("local", 2, 1);
        metrics.ObserveStoreCall("GetJob", 0.001);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  absl::StatusOr<ParsedMetrics> parsed = ParsePrometheusTextForTesting(metrics.Render({}));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->samples.at("qgrad_shots_total{backend=\"local\"}"), 8000);
  EXPECT_EQ(parsed->samples.at("qgrad_store_operation_duration_seconds_count{operation=\"GetJob\"}"),
            4000);
}

// qgradd's own exposition: the store it opened is timed, the job counts are the store's.
TEST(MetricsTest, QgraddServerRendersItsMetrics) {
  ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.store = "memory";
  config.log_level = "warning";
  QgraddServer server(config);
  ASSERT_TRUE(ParsePrometheusTextForTesting(server.MetricsText()).ok());  // before Start
  ASSERT_TRUE(server.Start().ok());
  absl::StatusOr<ParsedMetrics> parsed = ParsePrometheusTextForTesting(server.MetricsText());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  for (const char* state : {"queued", "running", "succeeded", "failed", "cancelled"}) {
    EXPECT_EQ(parsed->samples.at(absl::StrCat("qgrad_jobs{state=\"", state, "\"}")), 0) << state;
  }
  // Every backend it holds has its counters, at 0 before any job measured.
  EXPECT_EQ(parsed->samples.at("qgrad_shots_total{backend=\"local\"}"), 0);
  EXPECT_EQ(parsed->samples.at("qgrad_circuits_total{backend=\"statevector\"}"), 0);
  // Recovery listed the RUNNING and then the QUEUED jobs; the scrape counted five states.
  EXPECT_EQ(parsed->samples.at("qgrad_store_operation_duration_seconds_count{operation=\"ListJobs\"}"),
            2);
  EXPECT_EQ(parsed->samples.at(
                "qgrad_store_operation_duration_seconds_count{operation=\"CountJobs\"}"),
            5);
  server.Shutdown();
}

}  // namespace
}  // namespace qgrad::server
