// Allocation counting for benchmarks: the bench binary replaces the global operator new/delete
// (counting_allocator.cpp) and a benchmark reports allocations per iteration.
//
//   AllocationCounter counter;
//   for (auto _ : state) { ... }
//   counter.report(state);   // state.counters["allocs/op"]
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace kafkatrace::bench {

// Heap allocations made by all threads since the process started.
std::uint64_t allocation_count() noexcept;

class AllocationCounter {
 public:
  AllocationCounter() noexcept : start_(allocation_count()) {}
  void report(benchmark::State& state) const {
    const auto allocations = static_cast<double>(allocation_count() - start_);
    state.counters["allocs/op"] =
        benchmark::Counter(allocations, benchmark::Counter::kAvgIterations);
  }

 private:
  std::uint64_t start_;
};

}  // namespace kafkatrace::bench
