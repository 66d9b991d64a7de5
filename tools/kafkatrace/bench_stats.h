// The statistics of `kafkatrace bench`'s report: medians, and means with a 95% confidence
// interval, so that a report says how much of a difference its rounds can resolve.
#pragma once

#include <cstddef>
#include <vector>

namespace kafkatrace::cli::bench {

// An estimate with its 95% confidence interval (Student's t over the rounds). With fewer than two
// values, low and high equal the estimate.
struct Interval {
  double estimate = 0;
  double low = 0;
  double high = 0;
  std::size_t count = 0;
};

double median(std::vector<double> values);

// Arithmetic mean, e.g. of per-round differences in CPU a message.
Interval mean_interval(const std::vector<double>& values);

// Geometric mean of positive ratios (non-positive ones are left out), its interval taken on their
// logarithms: the ratio of throughputs that the rounds support.
Interval geometric_mean_interval(const std::vector<double>& ratios);

}  // namespace kafkatrace::cli::bench
