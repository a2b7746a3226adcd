// Internal to shadows/: the median-of-means estimate over per-setting means, its
// calibration constant c_K and the normal quantile function for the interval.
// Thread-safety: pure functions (MedianOfMeansConstant caches behind a mutex).
#ifndef QGRAD_SHADOWS_MEDIAN_OF_MEANS_H_
#define QGRAD_SHADOWS_MEDIAN_OF_MEANS_H_

#include <cstdint>

#include "absl/types/span.h"
#include "shadows/shadow.h"

namespace qgrad::shadows::internal {

// c_K = K · Var(median of K iid standard normals) for odd K ≥ 1, by numerical integration
// of the order-statistic density (deterministic; cached per K). c_1 = 1, c_K → π/2.
double MedianOfMeansConstant(int groups);

// Φ^{-1}(p) for p in (0, 1): Acklam's rational approximation refined by one Halley step
// on std::erfc (relative error ~1e-15).
double NormalQuantile(double p);

// The estimate from S per-setting means `values` with weights `shots` (S ≥ options.groups,
// options valid): setting k in group k mod K, median of the shot-weighted group means,
// std_error sqrt(c_K s²/S) (infinite for S = 1). `snapshots` is copied into the result.
Estimate MedianOfMeans(absl::Span<const double> values, absl::Span<const int64_t> shots,
                       const EstimatorOptions& options);

}  // namespace qgrad::shadows::internal

#endif  // QGRAD_SHADOWS_MEDIAN_OF_MEANS_H_
