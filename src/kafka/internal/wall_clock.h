// AnchoredWallClock: wall-clock times for steady-clock readings the consumer already takes, so
// that a message's span start, span end and end-to-end latency cost no clock read of their own.
// A wall-clock reading is paired with a steady one (the anchor), renewed once a reading comes
// more than kRenewAfter after it; in between, wall time is the anchor's plus the steady time
// elapsed. Derived times trail the wall clock by the pair's gap (under 20 us unless the thread
// was preempted three times running) and do not lead it, but for slew. Renewal bounds what a clock
// slew or step can do to a time: a slew of 500 ppm (the kernel's maximum) shifts it by at most 50
// us, and a step shows within 100 ms. Durations between two such times are exactly the steady
// clock's.
//
// Threading: one thread (the consumer thread). Nothing throws.
#pragma once

#include <chrono>

namespace kafkatrace::kafka::internal {

class AnchoredWallClock {
 public:
  static constexpr std::chrono::milliseconds kRenewAfter{100};

  std::chrono::system_clock::time_point to_wall(std::chrono::steady_clock::time_point steady) {
    if (!anchored_ || steady - steady_anchor_ > kRenewAfter) renew();
    return wall_anchor_ +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(steady - steady_anchor_);
  }

 private:
  // The wall reading first, so that derived times never run ahead of the wall clock. A pair
  // whose thread was preempted between the reads (the wall clock moved more than kPairWithin
  // around the steady read) is taken again, up to three times.
  void renew() noexcept {
    constexpr auto kPairWithin = std::chrono::microseconds(20);
    for (int tries = 0; tries < 3; ++tries) {
      wall_anchor_ = std::chrono::system_clock::now();
      steady_anchor_ = std::chrono::steady_clock::now();
      if (std::chrono::system_clock::now() - wall_anchor_ <= kPairWithin) break;
    }
    anchored_ = true;
  }

  bool anchored_ = false;
  std::chrono::steady_clock::time_point steady_anchor_{};
  std::chrono::system_clock::time_point wall_anchor_{};
};

}  // namespace kafkatrace::kafka::internal
