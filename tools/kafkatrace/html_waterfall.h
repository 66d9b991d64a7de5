// The waterfall (waterfall.h) as one self-contained HTML page: inline CSS, no scripts, no
// external assets, so it opens from disk, from a CI artefact or an e-mail attachment alike.
// Each span is a row with its tree position, kind, duration and a bar to scale; clicking a row
// unfolds every attribute, link and event of the span (HTML <details>, no JavaScript).
//
//   std::string page = render_html(build_waterfall(store->spans()),
//                                  {.title = "kafkatrace demo", .summary = "5 orders, 7 traces"});
//   write_file("demo.html", page);
//
// Pure functions: no I/O, no clock, no environment.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "waterfall.h"

namespace kafkatrace::cli {

// Escapes &, <, >, " and ' for use in HTML text and attribute values.
std::string html_escape(std::string_view text);

struct HtmlOptions {
  std::string title = "kafkatrace waterfall";
  std::string summary{};  // a line under the title; omitted when empty
};

std::string render_html(const std::vector<WaterfallTrace>& traces, const HtmlOptions& options);

}  // namespace kafkatrace::cli
