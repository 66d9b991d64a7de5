// FUZZ_CHECK: the assertion of the fuzz targets. A broken invariant prints what failed and
// aborts, which libFuzzer reports as a crash (saving the input) and the replay driver as a
// failed test. Active in every build type (unlike assert), so Release replays still check.
//
//   FUZZ_CHECK(reparsed == baggage);
//   FUZZ_CHECK_MESSAGE(size <= kLimit, "formatted " + std::to_string(size) + " bytes");
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace kafkatrace::fuzz {

[[noreturn]] inline void check_failed(const char* condition, const char* file, int line,
                                      const std::string& detail = {}) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s%s%s\n", file, line, condition,
               detail.empty() ? "" : " — ", detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace kafkatrace::fuzz

#define FUZZ_CHECK(condition) \
  ((condition) ? void() : ::kafkatrace::fuzz::check_failed(#condition, __FILE__, __LINE__))
#define FUZZ_CHECK_MESSAGE(condition, detail) \
  ((condition) ? void()                       \
               : ::kafkatrace::fuzz::check_failed(#condition, __FILE__, __LINE__, (detail)))
