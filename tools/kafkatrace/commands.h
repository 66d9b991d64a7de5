// Sub-commands of the kafkatrace CLI. Each takes the arguments after its own name and returns
// the process exit code. Exit codes shared by all commands:
//   0 success, 1 runtime failure (broker, Kafka, I/O), 2 usage error (bad flags; message on
//   stderr).
#pragma once

#include <span>
#include <string_view>

namespace kafkatrace::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int run_broker(std::span<const std::string_view> args);
int run_demo(std::span<const std::string_view> args);
int run_bench(std::span<const std::string_view> args);
int run_produce(std::span<const std::string_view> args);
int run_consume(std::span<const std::string_view> args);

}  // namespace kafkatrace::cli
