// Decodes a binary ExportMetricsServiceRequest with the official generated OTLP decoders
// (@opentelemetry/otlp-transformer 0.52's root.js) and prints it as one line of OTLP/JSON-shaped
// JSON (64-bit integers as strings, enums as numbers) for check_metrics.py.
//   node decode_metrics.js FILE
'use strict';
const fs = require('fs');
const path = require('path');

const root = require(path.join(__dirname, '..', 'node_modules', '@opentelemetry', 'otlp-transformer',
                               'build', 'src', 'generated', 'root.js'));
const Request = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
const bytes = fs.readFileSync(process.argv[2]);
const message = Request.decode(bytes);  // throws on malformed input
const verified = Request.verify(message);
if (verified) {
  console.error('decode_metrics: verify failed: ' + verified);
  process.exit(1);
}
const object = Request.toObject(message, {longs: String, enums: Number, bytes: String});
process.stdout.write(JSON.stringify(object) + '\n');
