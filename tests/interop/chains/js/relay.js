#!/usr/bin/env node
// The JavaScript hop of the cross-language chain: kafkajs instrumented by the official
// @opentelemetry/instrumentation-kafkajs, traced by the OpenTelemetry JS SDK.
//
//   node relay.js --bootstrap HOST:PORT --in-topic T1 --out-topic T2 --group G --spans FILE
//
// An eachMessage consumer (group G) takes the first message of T1 and, inside the handler (so
// within the instrumentation's process span), sends `relayed-by-kafkajs:<value>` with the same
// key to T2. A second consumer (group G-batch) reads the same message through eachBatch and
// sends nothing: it shows how the instrumentation treats batches. Every span ends up in FILE as
// one JSON object per line (the shape of chains/common/spans.py). On stdout: one JSON object
// with the headers each consumer saw and the headers the instrumentation wrote when sending.
// Exit 0 when both consumers saw the message and the send succeeded; 1 (message on stderr)
// otherwise, including after --timeout-ms (default 25000).
'use strict';

const fs = require('fs');
const path = require('path');

const interop = path.resolve(__dirname, '..', '..');
const requireInterop = (name) => require(path.join(interop, 'node_modules', name));

function parseArgs(argv) {
  const args = { timeoutMs: 25000 };
  const names = {
    '--bootstrap': 'bootstrap',
    '--in-topic': 'inTopic',
    '--out-topic': 'outTopic',
    '--group': 'group',
    '--spans': 'spans',
    '--timeout-ms': 'timeoutMs',
  };
  for (let i = 2; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) throw new Error(`bad argument: ${argv[i]}`);
    args[key] = key === 'timeoutMs' ? Number(argv[i + 1]) : argv[i + 1];
  }
  for (const key of Object.values(names)) {
    if (args[key] === undefined) throw new Error(`missing argument for ${key}`);
  }
  return args;
}

const kKindNames = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

// A span exporter writing each finished span as one JSON line (read by chains/common/spans.py).
class JsonLinesSpanExporter {
  constructor(file) {
    this.file = file;
  }
  export(spans, done) {
    const lines = spans.map((span) => {
      const context = span.spanContext();
      const scope = span.instrumentationScope || {};
      return JSON.stringify({
        trace_id: context.traceId,
        span_id: context.spanId,
        parent_span_id: span.parentSpanContext ? span.parentSpanContext.spanId : '',
        name: span.name,
        kind: kKindNames[span.kind],
        attributes: span.attributes,
        links: span.links.map((link) => ({
          trace_id: link.context.traceId,
          span_id: link.context.spanId,
        })),
        scope: `${scope.name}@${scope.version}`,
      });
    });
    try {
      fs.appendFileSync(this.file, lines.map((line) => `${line}\n`).join(''));
      done({ code: 0 });
    } catch (error) {
      done({ code: 1, error });
    }
  }
  shutdown() {
    return Promise.resolve();
  }
  forceFlush() {
    return Promise.resolve();
  }
}

function headersAsStrings(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers || {})) {
    out[name] = value === undefined || value === null ? null : value.toString();
  }
  return out;
}

// Resolves once `check()` is true, polling every 20 ms; rejects at the deadline.
function waitFor(check, deadline, what) {
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

async function main() {
  const args = parseArgs(process.argv);
  const deadline = Date.now() + args.timeoutMs;
  fs.writeFileSync(args.spans, '');  // present even when no span is exported

  // The SDK and the instrumentation must be in place before kafkajs is loaded.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const { NodeTracerProvider, SimpleSpanProcessor } =
      requireInterop('@opentelemetry/sdk-trace-node');
  const { KafkaJsInstrumentation } = requireInterop('@opentelemetry/instrumentation-kafkajs');
  const provider = new NodeTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new JsonLinesSpanExporter(args.spans))],
  });
  provider.register();  // AsyncLocalStorage context manager, W3C tracecontext + baggage
  const instrumentation = new KafkaJsInstrumentation();  // enabled on construction
  instrumentation.setTracerProvider(provider);
  const { Kafka, logLevel } = requireInterop('kafkajs');

  const kafka = new Kafka({
    clientId: 'kafkatrace-chain-js',
    brokers: [args.bootstrap],
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log }) =>
      process.stderr.write(`kafkajs[${level}] ${log.message} ${log.error || ''}\n`),
  });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  const consumer = kafka.consumer({ groupId: args.group, maxWaitTimeInMs: 100 });
  const batchConsumer = kafka.consumer({ groupId: `${args.group}-batch`, maxWaitTimeInMs: 100 });
  const result = { received: null, sent: null, batch_received: null };
  let failure = null;

  await Promise.all([producer.connect(), consumer.connect(), batchConsumer.connect()]);
  await consumer.subscribe({ topic: args.inTopic, fromBeginning: true });
  await batchConsumer.subscribe({ topic: args.inTopic, fromBeginning: true });

  await consumer.run({
    eachMessage: async ({ message }) => {
      if (result.received) return;
      result.received = {
        key: message.key ? message.key.toString() : null,
        value: message.value ? message.value.toString() : null,
        headers: headersAsStrings(message.headers),
      };
      const outgoing = {
        key: message.key,
        value: `relayed-by-kafkajs:${result.received.value}`,
      };
      try {
        await producer.send({ topic: args.outTopic, messages: [outgoing] });
        // The instrumentation injected into the message object it was given.
        result.sent = { topic: args.outTopic, headers: headersAsStrings(outgoing.headers) };
      } catch (error) {
        failure = error;
      }
    },
  });
  await batchConsumer.run({
    eachBatch: async ({ batch }) => {
      if (result.batch_received || batch.messages.length === 0) return;
      const [message] = batch.messages;
      result.batch_received = {
        count: batch.messages.length,
        headers: headersAsStrings(message.headers),
      };
    },
  });

  try {
    await waitFor(() => failure || (result.sent && result.batch_received), deadline,
                  `a message on ${args.inTopic} in both consumers`);
  } finally {
    await Promise.allSettled([consumer.disconnect(), batchConsumer.disconnect(),
                              producer.disconnect()]);
    await provider.shutdown();
  }
  if (failure) throw failure;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`chain_js relay: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
