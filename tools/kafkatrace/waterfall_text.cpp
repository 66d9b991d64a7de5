// render_text: the terminal waterfall (see waterfall.h).
//
//   trace 4bf92f3577b34da6a3ce929d0e0e4736  5 spans, 3.42 s
//   place_order              INTERNAL    3.42 s │████████████████████│ order=1
//   ├─ send orders           PRODUCER   12.1 ms │█                   │ partition=1 offset=0
//   └─ process orders        CONSUMER   4.20 ms │                  █ │ group=order-processing
#include <algorithm>
#include <string>

#include "waterfall.h"

namespace kafkatrace::cli {
namespace {

constexpr std::size_t kMaxNameWidth = 44;
constexpr std::size_t kKindWidth = 8;
constexpr std::size_t kDurationWidth = 9;
constexpr std::size_t kMinBarWidth = 16;
constexpr std::size_t kMaxBarWidth = 60;
// Columns left for the key attributes before the bar is made narrower.
constexpr std::size_t kAttributeReserve = 34;

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kRed = "\x1b[31m";

std::string_view kind_color(otel::SpanKind kind) noexcept {
  switch (kind) {
    case otel::SpanKind::kProducer: return "\x1b[36m";  // cyan
    case otel::SpanKind::kConsumer: return "\x1b[32m";  // green
    case otel::SpanKind::kClient: return "\x1b[33m";    // yellow
    case otel::SpanKind::kServer: return "\x1b[34m";    // blue
    case otel::SpanKind::kInternal: break;
  }
  return "\x1b[35m";  // magenta
}

// Terminal columns of UTF-8 text (one per code point: enough for names and box drawing).
std::size_t columns(std::string_view text) noexcept {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// `text` cut to `width` columns (with "…" when cut), then padded with spaces.
std::string fit(std::string_view text, std::size_t width) {
  std::string out;
  if (columns(text) > width) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const bool starts = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
      if (starts && ++kept > width - 1) break;
      out += text[i];
    }
    return out + "…";
  }
  out = text;
  out.append(width - columns(text), ' ');
  return out;
}

class Painter {
 public:
  explicit Painter(bool color) : color_(color) {}
  // `text` in the given SGR colour (nothing added without colour).
  std::string operator()(std::string_view sgr, std::string_view text) const {
    if (!color_ || text.empty()) return std::string(text);
    return std::string(sgr) + std::string(text) + std::string(kReset);
  }

 private:
  bool color_;
};

std::string bar(const WaterfallRow& row, const WaterfallTrace& trace, std::size_t width,
                const Painter& paint) {
  const BarCells cells = bar_cells(row.span.start_time_unix_nano, row.span.end_time_unix_nano,
                                   trace.start_unix_nano, trace.end_unix_nano, width);
  std::string filled;
  for (std::size_t i = 0; i < cells.length; ++i) filled += "█";
  const bool error = row.span.status_code == otel::StatusCode::kError;
  return paint(kDim, "│") + std::string(cells.offset, ' ') +
         paint(error ? kRed : kind_color(row.span.kind), filled) +
         std::string(width - cells.offset - cells.length, ' ') + paint(kDim, "│");
}

std::string attributes(const WaterfallRow& row, const Painter& paint) {
  std::string text;
  if (row.span.status_code == otel::StatusCode::kError) {
    text += paint(
        kRed, row.span.status_message.empty() ? "ERROR" : "ERROR(" + row.span.status_message + ")");
  }
  for (const auto& [label, value] : key_attributes(row.span)) {
    text += (text.empty() ? "" : " ") + paint(kDim, label + "=") + value;
  }
  if (row.parent_missing) {
    text += (text.empty() ? "" : " ") + paint(kDim, "parent=" + row.span.parent_span_id.to_hex()) +
            " (not recorded here)";
  }
  return text;
}

}  // namespace

std::string render_text(const std::vector<WaterfallTrace>& traces, const TextStyle& style) {
  std::size_t name_width = 10;
  for (const auto& trace : traces) {
    for (const auto& row : trace.rows) {
      name_width = std::max(name_width, columns(row.prefix) + columns(row.span.name));
    }
  }
  name_width = std::min(name_width, kMaxNameWidth);
  const std::size_t fixed = name_width + 1 + kKindWidth + 1 + kDurationWidth + 1 + 2 + 1;
  const std::size_t room = style.width > fixed + kAttributeReserve
                               ? style.width - fixed - kAttributeReserve
                               : kMinBarWidth;
  const std::size_t bar_width = std::clamp(room, kMinBarWidth, kMaxBarWidth);
  const Painter paint(style.color);

  std::string out;
  for (std::size_t t = 0; t < traces.size(); ++t) {
    const WaterfallTrace& trace = traces[t];
    if (t > 0) out += '\n';
    out += paint(kBold, "trace " + trace.trace_id.to_hex()) + "  " +
           std::to_string(trace.rows.size()) + (trace.rows.size() == 1 ? " span, " : " spans, ") +
           format_duration(trace.duration_nano()) + '\n';
    for (const WaterfallRow& row : trace.rows) {
      const std::string name = fit(row.prefix + row.span.name, name_width);
      // The tree drawing is dimmed, the span name is not.
      const std::size_t prefix_bytes = std::min(row.prefix.size(), name.size());
      std::string duration =
          format_duration(row.span.end_time_unix_nano >= row.span.start_time_unix_nano
                              ? row.span.end_time_unix_nano - row.span.start_time_unix_nano
                              : 0);
      if (columns(duration) < kDurationWidth) {
        duration.insert(0, kDurationWidth - columns(duration), ' ');
      }
      std::string line =
          paint(kDim, name.substr(0, prefix_bytes)) + name.substr(prefix_bytes) + ' ' +
          paint(kind_color(row.span.kind), fit(otel::span_kind_name(row.span.kind), kKindWidth)) +
          ' ' + duration + ' ' + bar(row, trace, bar_width, paint);
      const std::string extra = attributes(row, paint);
      if (!extra.empty()) line += ' ' + extra;
      out += line + '\n';
    }
  }
  return out;
}

}  // namespace kafkatrace::cli
