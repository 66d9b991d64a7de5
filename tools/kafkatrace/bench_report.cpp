// The output of `kafkatrace bench`: per-run lines for stderr, then the tables and the JSON line.
//
// Ratios and added CPU are computed per round — each traced run against the tracing-off run of
// the same round, measured next to it — and the median over the rounds is reported, so that a
// change in machine load between rounds does not skew them (the medians of msgs/s alone would).
// For the traced modes the report adds the geometric mean of the per-round ratios and the mean
// difference in the loop thread's CPU, each with its 95% confidence interval (bench_stats.h).
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bench_internal.h"
#include "bench_stats.h"

namespace kafkatrace::cli::bench {
namespace {

double rate(const RunResult& run, std::size_t count) {
  return run.seconds > 0 ? static_cast<double>(count) / run.seconds : 0;
}

double cpu_per_message(const RunResult& run, std::size_t count) {
  return run.cpu_seconds * 1e6 / static_cast<double>(count);
}

double thread_cpu_per_message(const RunResult& run, std::size_t count) {
  return run.thread_cpu_seconds * 1e6 / static_cast<double>(count);
}

struct Summary {
  bool present = false;
  double msgs_per_second = 0;
  double cpu_us_per_message = 0;
  double thread_cpu_us_per_message = 0;
  double ratio_vs_off = 0;         // median of per-round ratios
  double added_cpu_us = 0;         // median of per-round differences
  double added_thread_cpu_us = 0;  // the same for the loop's thread alone
  Interval ratio_geo_mean{};       // of the per-round ratios, with its 95% interval
  Interval added_thread_mean{};    // of the per-round differences in thread CPU
  unsigned long long spans_exported = 0, spans_dropped = 0, failed = 0;
};

// `mode`'s figures, its ratio and added CPU taken against `baseline`'s run of the same round.
Summary summarize(const std::map<Mode, std::vector<RunResult>>& all, Mode mode, std::size_t count,
                  Mode baseline_mode = Mode::kTracingOff) {
  Summary summary;
  const auto found = all.find(mode);
  const auto off = all.find(baseline_mode);
  if (found == all.end() || found->second.empty()) return summary;
  summary.present = true;
  std::vector<double> rates, cpu, thread_cpu, ratios, added, added_thread;
  for (std::size_t i = 0; i < found->second.size(); ++i) {
    const RunResult& run = found->second[i];
    rates.push_back(rate(run, count));
    cpu.push_back(cpu_per_message(run, count));
    thread_cpu.push_back(thread_cpu_per_message(run, count));
    if (off != all.end() && i < off->second.size()) {
      const RunResult& baseline = off->second[i];
      if (rate(baseline, count) > 0) ratios.push_back(rate(run, count) / rate(baseline, count));
      added.push_back(cpu_per_message(run, count) - cpu_per_message(baseline, count));
      added_thread.push_back(thread_cpu_per_message(run, count) -
                             thread_cpu_per_message(baseline, count));
    }
    summary.spans_exported += run.spans_exported;
    summary.spans_dropped += run.spans_dropped;
    summary.failed += run.failed;
  }
  summary.msgs_per_second = median(rates);
  summary.cpu_us_per_message = median(cpu);
  summary.ratio_vs_off = median(ratios);
  summary.added_cpu_us = median(added);
  summary.thread_cpu_us_per_message = median(thread_cpu);
  summary.added_thread_cpu_us = median(added_thread);
  summary.ratio_geo_mean = geometric_mean_interval(ratios);
  summary.added_thread_mean = mean_interval(added_thread);
  return summary;
}

void print_table(const char* title, const std::map<Mode, std::vector<RunResult>>& all,
                 const Measurements& m) {
  if (all.empty()) return;
  std::printf("%s: %zu records of %zu bytes, medians of %zu rounds\n", title, m.count, m.size,
              m.rounds);
  int width = 11;  // the run column fits the longest name present
  for (Mode mode : kAllModes)
    if (all.contains(mode))
      width = std::max(width, static_cast<int>(std::string_view(mode_name(mode)).size()));
  std::printf("  %-*s %11s %8s %11s %10s %14s %12s %15s %14s\n", width, "run", "msgs/s", "vs off",
              "cpu us/msg", "added cpu", "thread us/msg", "added thread", "spans exported",
              "spans dropped");
  for (Mode mode : kAllModes) {
    const Summary s = summarize(all, mode, m.count);
    if (!s.present) continue;
    std::printf("  %-*s %11.0f %7.3fx %11.3f %10.3f %14.3f %12.3f %15llu %14llu\n", width,
                mode_name(mode), s.msgs_per_second, s.ratio_vs_off, s.cpu_us_per_message,
                s.added_cpu_us, s.thread_cpu_us_per_message, s.added_thread_cpu_us,
                s.spans_exported, s.spans_dropped);
  }
  for (Mode mode : {Mode::kTraced100, Mode::kTraced1}) {
    const Summary s = summarize(all, mode, m.count);
    if (!s.present || s.ratio_geo_mean.count < 2) continue;
    const Interval& ratio = s.ratio_geo_mean;
    const Interval& added = s.added_thread_mean;
    std::printf(
        "  over %zu rounds, %s against traced_off: geometric mean %.3fx (95%% CI %.3f-%.3fx), "
        "thread CPU %+.3f us/msg (95%% CI %+.3f to %+.3f)\n",
        ratio.count, mode_name(mode), ratio.estimate, ratio.low, ratio.high, added.estimate,
        added.low, added.high);
  }
  const Summary floor = summarize(all, Mode::kPlainTraceparent, m.count, Mode::kPlainLibrdkafka);
  if (floor.present && all.contains(Mode::kPlainLibrdkafka)) {
    std::printf(
        "  propagation alone (librdkafka_traceparent vs librdkafka): %.3fx, %+.3f us cpu/msg\n",
        floor.ratio_vs_off, floor.added_cpu_us);
  }
}

void print_json_modes(const char* name, const std::map<Mode, std::vector<RunResult>>& all,
                      std::size_t count) {
  std::printf(",\"%s\":{", name);
  bool first = true;
  for (Mode mode : kAllModes) {
    const Summary s = summarize(all, mode, count);
    if (!s.present) continue;
    std::printf(
        "%s\"%s\":{\"msgs_per_s\":%.0f,\"ratio_vs_off\":%.4f,\"cpu_us_per_msg\":%.4f,"
        "\"added_cpu_us_per_msg\":%.4f,\"thread_cpu_us_per_msg\":%.4f,"
        "\"added_thread_cpu_us_per_msg\":%.4f,\"ratio_geo_mean\":%.4f,\"ratio_ci95\":[%.4f,%.4f],"
        "\"added_thread_cpu_us_mean\":%.4f,\"added_thread_cpu_us_ci95\":[%.4f,%.4f],"
        "\"spans_exported\":%llu,\"spans_dropped\":%llu,\"failed\":%llu}",
        first ? "" : ",", mode_name(mode), s.msgs_per_second, s.ratio_vs_off, s.cpu_us_per_message,
        s.added_cpu_us, s.thread_cpu_us_per_message, s.added_thread_cpu_us,
        s.ratio_geo_mean.estimate, s.ratio_geo_mean.low, s.ratio_geo_mean.high,
        s.added_thread_mean.estimate, s.added_thread_mean.low, s.added_thread_mean.high,
        s.spans_exported, s.spans_dropped, s.failed);
    first = false;
  }
  std::printf("}");
}

// "ratios" or "added_cpu_us_per_msg": produce_100, produce_1, consume_100, consume_1.
void print_json_headline(const char* name, const Measurements& m, bool ratio) {
  std::printf(",\"%s\":{", name);
  bool first = true;
  for (const auto& [side, all] : {std::pair{"produce", &m.produce}, {"consume", &m.consume}}) {
    for (const auto& [mode, suffix] : {std::pair{Mode::kTraced100, "100"}, {Mode::kTraced1, "1"}}) {
      const Summary s = summarize(*all, mode, m.count);
      if (!s.present) continue;
      std::printf("%s\"%s_%s\":%.4f", first ? "" : ",", side, suffix,
                  ratio ? s.ratio_vs_off : s.added_cpu_us);
      first = false;
    }
  }
  std::printf("}");
}

// "propagation": what the traceparent header alone costs the plain librdkafka loop, per side.
void print_json_propagation(const Measurements& m) {
  bool first = true;
  for (const auto& [side, all] : {std::pair{"produce", &m.produce}, {"consume", &m.consume}}) {
    const Summary s = summarize(*all, Mode::kPlainTraceparent, m.count, Mode::kPlainLibrdkafka);
    if (!s.present || !all->contains(Mode::kPlainLibrdkafka)) continue;
    std::printf("%s\"%s\":{\"ratio\":%.4f,\"added_cpu_us_per_msg\":%.4f}",
                first ? ",\"propagation\":{" : ",", side, s.ratio_vs_off, s.added_cpu_us);
    first = false;
  }
  if (!first) std::printf("}");
}

}  // namespace

std::string describe_run(const char* what, Mode mode, std::size_t round, std::size_t rounds,
                         std::size_t count, const RunResult& result) {
  char line[200];
  std::snprintf(line, sizeof line,
                "%-7s %-10s round %zu/%zu %9.0f msgs/s %7.3f us cpu/msg %7.3f us thread cpu/msg",
                what, mode_name(mode), round, rounds, rate(result, count),
                cpu_per_message(result, count), thread_cpu_per_message(result, count));
  return line;
}

void print_report(const Measurements& m) {
  print_table("produce", m.produce, m);
  print_table("consume", m.consume, m);
  double serial_rate = 0, batch_rate = 0;
  if (m.serial && m.batch) {
    serial_rate = rate(*m.serial, m.serial_count);
    batch_rate = rate(*m.batch, m.serial_count);
    std::printf("serial send (send, wait, send...) %zu records: %.0f msgs/s\n", m.serial_count,
                serial_rate);
    std::printf("send_batch                        %zu records: %.0f msgs/s (%.1fx)\n",
                m.serial_count, batch_rate, serial_rate > 0 ? batch_rate / serial_rate : 0);
  }
  std::printf("{\"bench\":\"kafkatrace\",\"count\":%zu,\"size\":%zu,\"rounds\":%zu", m.count,
              m.size, m.rounds);
  print_json_headline("ratios", m, true);
  print_json_headline("added_cpu_us_per_msg", m, false);
  if (!m.produce.empty()) print_json_modes("produce", m.produce, m.count);
  if (!m.consume.empty()) print_json_modes("consume", m.consume, m.count);
  print_json_propagation(m);
  if (m.serial && m.batch) {
    std::printf(",\"serial_msgs_per_s\":%.0f,\"batch_msgs_per_s\":%.0f", serial_rate, batch_rate);
  }
  std::printf(",\"otlp_requests\":%llu,\"otlp_bytes\":%llu}\n",
              static_cast<unsigned long long>(m.otlp_requests),
              static_cast<unsigned long long>(m.otlp_bytes));
  std::fflush(stdout);
}

}  // namespace kafkatrace::cli::bench
