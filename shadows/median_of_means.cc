// Median of means with a calibrated normal interval. Thread-safe (see the header).
#include "shadows/median_of_means.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numbers>
#include <vector>

namespace qgrad::shadows::internal {
namespace {

// log Φ(x) and log(1 − Φ(x)) through erfc, accurate in both tails.
double LogNormalCdf(double x) { return std::log(0.5 * std::erfc(-x / std::numbers::sqrt2)); }
double LogNormalSf(double x) { return std::log(0.5 * std::erfc(x / std::numbers::sqrt2)); }

double ComputeConstant(int groups) {
  if (groups == 1) return 1.0;
  // The median of K = 2m+1 standard normals has density
  // K!/(m!)² Φ(x)^m (1−Φ(x))^m φ(x), mean 0. Its standard deviation is below the
  // asymptotic sqrt(π/(2K)), so ±14 of those covers the support to far below 1e-40;
  // composite Simpson with 4,000 intervals is exact to ~1e-12 for this smooth integrand.
  const int m = (groups - 1) / 2;
  const double log_coeff =
      std::lgamma(groups + 1.0) - 2.0 * std::lgamma(m + 1.0) - 0.5 * std::log(2.0 * std::numbers::pi);
  const double half_width = 14.0 * std::sqrt(std::numbers::pi / (2.0 * groups));
  const int intervals = 4000;
  const double h = 2.0 * half_width / intervals;
  double sum = 0.0;
  for (int i = 0; i <= intervals; ++i) {
    const double x = -half_width + i * h;
    const double log_density = log_coeff + m * (LogNormalCdf(x) + LogNormalSf(x)) - 0.5 * x * x;
    const double weight = (i == 0 || i == intervals) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
    sum += weight * x * x * std::exp(log_density);
  }
  return groups * sum * h / 3.0;
}

}  // namespace

double MedianOfMeansConstant(int groups) {
  static std::mutex mu;
  static std::map<int, double>* cache = new std::map<int, double>;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(groups);
  if (it != cache->end()) return it->second;
  const double c = ComputeConstant(groups);
  cache->emplace(groups, c);
  return c;
}

double NormalQuantile(double p) {
  if (!(p > 0.0 && p < 1.0)) {
    if (p == 0.0) return -std::numeric_limits<double>::infinity();
    if (p == 1.0) return std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
  }
  // P. J. Acklam's rational approximations (relative error 1.15e-9): a central one for
  // p in [p_low, 1 − p_low] and a tail one in sqrt(−2 log p).
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x;
  if (p < p_low || p > 1.0 - p_low) {
    const double tail = p < p_low ? p : 1.0 - p;
    const double q = std::sqrt(-2.0 * std::log(tail));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    if (p > 1.0 - p_low) x = -x;
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  // One Halley step on f(x) = Φ(x) − p: u = f/φ, x ← x − u/(1 + x·u/2). The residual is
  // taken on the smaller tail so that it keeps its relative accuracy.
  const double e = p < 0.5 ? 0.5 * std::erfc(-x / std::numbers::sqrt2) - p
                           : (1.0 - p) - 0.5 * std::erfc(x / std::numbers::sqrt2);
  const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
  return x - u / (1.0 + 0.5 * x * u);
}

Estimate MedianOfMeans(absl::Span<const double> values, absl::Span<const int64_t> shots,
                       const EstimatorOptions& options) {
  const int groups = options.groups;
  const size_t count = values.size();
  std::vector<double> weighted(groups, 0.0);
  std::vector<double> weight(groups, 0.0);
  for (size_t k = 0; k < count; ++k) {
    weighted[k % groups] += static_cast<double>(shots[k]) * values[k];
    weight[k % groups] += static_cast<double>(shots[k]);
  }
  std::vector<double> means(groups);
  for (int g = 0; g < groups; ++g) means[g] = weighted[g] / weight[g];
  std::nth_element(means.begin(), means.begin() + groups / 2, means.end());

  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(count);
  double sq = 0.0;
  for (double v : values) sq += (v - mean) * (v - mean);

  Estimate e;
  e.value = means[groups / 2];
  e.std_error = count > 1 ? std::sqrt(MedianOfMeansConstant(groups) * sq /
                                      (static_cast<double>(count - 1) * static_cast<double>(count)))
                          : std::numeric_limits<double>::infinity();
  const double z = NormalQuantile(0.5 * (1.0 + options.confidence));
  e.low = e.value - z * e.std_error;
  e.high = e.value + z * e.std_error;
  e.confidence = options.confidence;
  for (int64_t s : shots) e.snapshots += s;
  return e;
}

}  // namespace qgrad::shadows::internal
