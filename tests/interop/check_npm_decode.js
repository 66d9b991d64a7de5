#!/usr/bin/env node
// Decodes kafkatrace's OTLP trace output with peers we did not write and compares it with an
// otlp_trace_emitter manifest, field by field.
//
//   node check_npm_decode.js MANIFEST [--protobuf FILE]... [--json FILE]...
//
// --protobuf FILE: one binary ExportTraceServiceRequest, decoded by the official generated
//   decoder of @opentelemetry/otlp-transformer 0.52.x (build/src/generated/root.js). That proto
//   predates Span.flags (16) and Link.flags (6), so the decoder skips them as unknown fields:
//   they are read here with a minimal wire walker instead (and the Collector test checks them
//   too). The decoded message is also re-encoded by the official encoder and must equal our
//   bytes with those two fields removed (our encoding claims to be canonical), and no field may
//   be present with its proto3 default value.
// --json FILE: OTLP/JSON lines (our file exporter, or the encoding API), read with JSON.parse
//   and mapped per https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding: hex ids,
//   lowerCamelCase keys, enums as integers, 64-bit integers as decimal strings. Unknown keys,
//   default values written out, and wrongly typed values are differences.
// Every input must hold each manifest span exactly once. Exit 0 when all match, 1 on any
// difference, 2 on unusable input.
'use strict';

const fs = require('fs');
const path = require('path');
const { toSpans, fromManifest } = require('./otlp_normalize');
const { compareSpan, compareResource, compareScope } = require('./otlp_compare');
const { decodeProtobuf } = require('./otlp_protobuf_source');
const { readJsonLines } = require('./otlp_json_source');

function main(argv) {
  if (argv.length < 1) {
    process.stderr.write('usage: check_npm_decode.js MANIFEST [--protobuf FILE]... [--json FILE]...\n');
    return 2;
  }
  let manifest;
  const inputs = [];
  try {
    manifest = fromManifest(fs.readFileSync(argv[0], 'utf8'));
    for (let i = 1; i < argv.length; i += 2) {
      if ((argv[i] !== '--protobuf' && argv[i] !== '--json') || i + 1 >= argv.length) {
        throw new Error(`bad argument ${argv[i]}`);
      }
      inputs.push({ kind: argv[i].slice(2), file: argv[i + 1] });
    }
  } catch (error) {
    process.stderr.write(`check_npm_decode: ${error.message}\n`);
    return 2;
  }
  if (inputs.length === 0) {
    process.stderr.write('check_npm_decode: nothing to check (no --protobuf or --json)\n');
    return 2;
  }

  let failures = 0;
  for (const input of inputs) {
    const diffs = [];
    const add = (where, message) => diffs.push(`${where}: ${message}`);
    let requests;
    try {
      requests = input.kind === 'protobuf'
        ? [decodeProtobuf(fs.readFileSync(input.file), add)]
        : readJsonLines(fs.readFileSync(input.file, 'utf8'), add);
    } catch (error) {
      add(input.file, `cannot decode: ${error.stack || error}`);
      requests = [];
    }
    const found = new Map();
    for (const { where, resource, scope, span } of toSpans(requests, add)) {
      const key = `${span.traceId}/${span.spanId}`;
      const index = manifest.index.get(key);
      if (index === undefined) {
        add(where, `span '${span.name}' ${key} is in no manifest`);
        continue;
      }
      if (found.has(key)) {
        add(where, `span '${span.name}' also at ${found.get(key)}`);
        continue;
      }
      found.set(key, where);
      const want = manifest.spans[index];
      const at = `${where} ('${want.name}')`;
      compareSpan(at, want, span, add);
      compareResource(`${at}.resource`, manifest.resource, resource, add);
      compareScope(`${at}.scope`, manifest.scopes[want.scope], scope, add);
    }
    for (const [key, index] of manifest.index) {
      if (!found.has(key)) add(input.file, `span '${manifest.spans[index].name}' ${key} is missing`);
    }
    const label = `${input.kind} ${path.basename(input.file)}`;
    if (diffs.length === 0) {
      process.stdout.write(`check_npm_decode: OK: ${label}: ${found.size} spans in ` +
                           `${requests.length} request(s) match the manifest field by field\n`);
    } else {
      failures += 1;
      process.stderr.write(`check_npm_decode: ${label}: ${diffs.length} difference(s):\n`);
      for (const diff of diffs) process.stderr.write(`  ${diff}\n`);
    }
  }
  return failures === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
