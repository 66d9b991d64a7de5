// Helpers shared by the reliability programs (fault_soak, exporter_outage): command-line and
// environment knobs, process memory figures, a tally of kafkatrace's log, and the two output
// forms every program prints — a table for people and one JSON line for scripts.
//
//   const long count = int_option(argc, argv, "--messages", "KAFKATRACE_SOAK_MESSAGES", 100000);
//   Report report("fault soak");  report.add("lost", 0);  report.print();  // table + JSON line
//   std::printf("peak RSS %llu KiB\n", static_cast<unsigned long long>(peak_rss_kib()));
//
// Everything runs on the calling thread except LogTally's handler, which kafkatrace calls from
// any thread (it takes a mutex). Nothing here throws except std::bad_alloc.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kafkatrace::reliability {

// `--name value` or `--name=value` on the command line, else the environment variable `env`
// (may be empty), else `fallback`. Exits with status 2 on a malformed number.
long int_option(int argc, char** argv, std::string_view name, const char* env, long fallback);
// True when `--name` appears on the command line.
bool has_flag(int argc, char** argv, std::string_view name);

// From /proc/self/status: the resident set now (VmRSS) and its peak (VmHWM), in KiB; 0 if
// unreadable. reset_peak_rss() starts a new peak from the current RSS (writes 5 to
// /proc/self/clear_refs, Linux >= 4.0); false when the kernel refused.
std::uint64_t current_rss_kib();
std::uint64_t peak_rss_kib();
bool reset_peak_rss();

// Installs a kafkatrace log handler that counts warnings and errors per component and echoes the
// first `echo_limit` of them to stderr (a fault soak makes librdkafka chatty). With `verbose`,
// every message of every level is echoed (for librdkafka's `debug` output).
// Restores the default handler when destroyed (a call still running on another thread keeps the
// counters alive: they are shared with the handler).
class LogTally {
 public:
  explicit LogTally(int echo_limit = 20, bool verbose = false);
  ~LogTally();
  LogTally(const LogTally&) = delete;
  LogTally& operator=(const LogTally&) = delete;

  std::uint64_t warnings() const;
  std::uint64_t errors() const;
  // "component: count" for warnings and errors, most frequent first.
  std::string summary() const;

 private:
  struct Counts {
    std::mutex mutex;
    int echo_left = 0;
    bool verbose = false;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::uint64_t warnings = 0;
    std::uint64_t errors = 0;
    std::map<std::string, std::uint64_t, std::less<>> by_component;
  };
  std::shared_ptr<Counts> counts_ = std::make_shared<Counts>();
};

// Named figures in insertion order, printed as an aligned table and as one JSON object on a
// line of its own, prefixed "RESULT " so that scripts can grep it.
class Report {
 public:
  explicit Report(std::string name) : name_(std::move(name)) {}

  void add(std::string_view key, std::int64_t value);
  void add(std::string_view key, std::uint64_t value);
  void add(std::string_view key, int value) { add(key, static_cast<std::int64_t>(value)); }
  void add(std::string_view key, double value, int decimals = 3);
  void add(std::string_view key, bool value);
  void add_text(std::string_view key, std::string_view value);

  void print() const;  // to stdout
  std::string json() const;

 private:
  struct Entry {
    std::string key;
    std::string text;  // as shown in the table
    std::string json;  // JSON value
  };
  std::string name_;
  std::vector<Entry> entries_;
};

double median(std::vector<double> values);

}  // namespace kafkatrace::reliability
