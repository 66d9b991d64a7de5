// Medians and 95% confidence intervals for `kafkatrace bench`.
#include "bench_stats.h"

#include <algorithm>
#include <cmath>

namespace kafkatrace::cli::bench {
namespace {

// Two-sided 95% quantile of Student's t with `df` degrees of freedom (df >= 1): tabulated up to
// 30, then 1.96 + 2.4 / df, within 0.003 of the exact value.
double t95(std::size_t df) {
  static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                      2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                      2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                      2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (df >= 1 && df <= std::size(kTable)) return kTable[df - 1];
  return 1.96 + 2.4 / static_cast<double>(df);
}

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

Interval mean_interval(const std::vector<double>& values) {
  Interval interval{.count = values.size()};
  if (values.empty()) return interval;
  double sum = 0;
  for (double value : values) sum += value;
  const double mean = sum / static_cast<double>(values.size());
  interval.estimate = interval.low = interval.high = mean;
  if (values.size() < 2) return interval;
  double squares = 0;
  for (double value : values) squares += (value - mean) * (value - mean);
  const double n = static_cast<double>(values.size());
  const double half = t95(values.size() - 1) * std::sqrt(squares / (n - 1) / n);
  interval.low = mean - half;
  interval.high = mean + half;
  return interval;
}

Interval geometric_mean_interval(const std::vector<double>& ratios) {
  std::vector<double> logs;
  for (double ratio : ratios)
    if (ratio > 0) logs.push_back(std::log(ratio));
  const Interval on_logs = mean_interval(logs);
  if (on_logs.count == 0) return on_logs;
  return {.estimate = std::exp(on_logs.estimate),
          .low = std::exp(on_logs.low),
          .high = std::exp(on_logs.high),
          .count = on_logs.count};
}

}  // namespace kafkatrace::cli::bench
