// Decodes one binary ExportTraceServiceRequest with the official generated code of
// @opentelemetry/otlp-transformer 0.52.x into the normalized shape (otlp_normalize.js).
// That proto predates Span.flags (field 16) and Link.flags (field 6): the generated decoder skips
// them as unknown. A minimal wire walker reads them (fixed32) and removes them, and the official
// encoder's re-encoding of the decoded message must then equal the remaining bytes exactly.
'use strict';

const path = require('path');

const GENERATED = path.join(__dirname, 'node_modules', '@opentelemetry', 'otlp-transformer',
  'build', 'src', 'generated', 'root.js');
const root = require(GENERATED);
const $protobuf = require(path.join(__dirname, 'node_modules', 'protobufjs', 'minimal'));

const proto = root.opentelemetry.proto;
const Request = proto.collector.trace.v1.ExportTraceServiceRequest;
const AnyValue = proto.common.v1.AnyValue;

// --- the wire walker ------------------------------------------------------------------------
function readVarint(buf, pos) {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (pos >= buf.length || shift > 63n) throw new Error(`bad varint at byte ${pos}`);
    const b = buf[pos++];
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [value, pos];
  }
}

function varint(value) {
  const bytes = [];
  let v = BigInt(value);
  while (v >= 0x80n) { bytes.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  bytes.push(Number(v));
  return Buffer.from(bytes);
}

// Where the flags fields live: request.1 -> resourceSpans.2 -> scopeSpans.2 -> span(.16) .13 ->
// link(.6).
const LINK = { nested: {}, flagsField: 6 };
const SPAN = { nested: { 13: LINK }, flagsField: 16 };
const SCHEMA = { nested: { 1: { nested: { 2: { nested: { 2: SPAN } } } } } };

// Returns `buf` without the flags fields; calls found(schema, flags) for each message of a
// schema with a flagsField (null when absent), in message order.
function stripFlags(buf, schema, found, where, add) {
  const parts = [];
  let flags = null;
  let pos = 0;
  const walkChildren = [];
  while (pos < buf.length) {
    const start = pos;
    let tag;
    [tag, pos] = readVarint(buf, pos);
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    const tagEnd = pos;
    let valueStart = pos;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let length;
      [length, valueStart] = readVarint(buf, pos);
      pos = valueStart + Number(length);
    } else throw new Error(`${where}: unsupported wire type ${wire} at byte ${start}`);
    if (pos > buf.length) throw new Error(`${where}: field ${field} runs past the end`);

    if (field === schema.flagsField) {
      if (wire !== 5) add(where, `flags (field ${field}) has wire type ${wire}, expected fixed32`);
      else if (flags !== null) add(where, `flags (field ${field}) appears twice`);
      else flags = buf.readUInt32LE(valueStart);
    } else if (schema.nested[field] && wire === 2) {
      walkChildren.push(parts.length);
      parts.push({ tag: buf.subarray(start, tagEnd), body: buf.subarray(valueStart, pos),
                   schema: schema.nested[field], field });
    } else {
      parts.push(buf.subarray(start, pos));
    }
  }
  if (schema.flagsField !== undefined) found(schema, flags);
  return Buffer.concat(parts.map((part, i) => {
    if (!walkChildren.includes(i)) return part;
    const body = stripFlags(part.body, part.schema, found, `${where}.${part.field}`, add);
    return Buffer.concat([part.tag, varint(body.length), body]);
  }));
}

// Field list of a message, or null when `buf` does not parse as one.
function parseFields(buf) {
  const fields = [];
  try {
    for (let pos = 0; pos < buf.length;) {
      const start = pos;
      let tag;
      [tag, pos] = readVarint(buf, pos);
      const wire = Number(tag & 7n);
      let body = pos;
      if (wire === 0) [, pos] = readVarint(buf, pos);
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        let length;
        [length, body] = readVarint(buf, pos);
        pos = body + Number(length);
      } else return null;
      if (pos > buf.length || tag >> 3n === 0n) return null;
      fields.push({ field: Number(tag >> 3n), wire, raw: buf.subarray(start, pos),
                    body: buf.subarray(body, pos) });
    }
  } catch (error) {
    return null;
  }
  return fields;
}

// Where two encodings differ, as paths of field numbers (trace.proto) with occurrence indexes,
// e.g. request.1[0].2[1].2[3].9[4].2[0].1[0] = resourceSpans[0].scopeSpans[1].spans[3]
// .attributes[4].value.stringValue; leaves are shown as text and hex. At most 5 places.
function diffMessages(ours, theirs, path, out) {
  const show = (b) => `${JSON.stringify(b.toString('utf8')).slice(0, 80)} (hex ${b.toString('hex').slice(0, 64)})`;
  const a = parseFields(ours);
  const b = parseFields(theirs);
  if (a === null || b === null) {
    out.push(`${path}: ${show(ours)} vs ${show(theirs)}`);
    return;
  }
  const seen = new Map();
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < 5; i += 1) {
    if (!a[i] || !b[i] || a[i].field !== b[i].field || a[i].wire !== b[i].wire) {
      const describe = (f) => (f ? `field ${f.field} (wire type ${f.wire})` : 'nothing');
      out.push(`${path}, entry ${i}: ${describe(a[i])} vs ${describe(b[i])}`);
      return;
    }
    const occurrence = seen.get(a[i].field) || 0;
    seen.set(a[i].field, occurrence + 1);
    if (a[i].raw.equals(b[i].raw)) continue;
    const at = `${path}.${a[i].field}[${occurrence}]`;
    if (a[i].wire === 2) diffMessages(a[i].body, b[i].body, at, out);
    else out.push(`${at}: ${a[i].raw.toString('hex')} vs ${b[i].raw.toString('hex')}`);
  }
}

// --- checks on the decoded message ----------------------------------------------------------
function isDefault(value) {
  if (value === '' || value === 0 || value === false) return true;
  if (value instanceof Uint8Array) return value.length === 0;
  if ($protobuf.util.Long && value instanceof $protobuf.util.Long) return value.isZero();
  return false;
}

// Proto3 canonical encoding leaves default values out; only a oneof member keeps its presence.
function checkNoDefaults(message, where, add) {
  for (const key of Object.keys(message)) {
    const value = message[key];
    const at = `${where}.${key}`;
    if (Array.isArray(value)) {
      value.forEach((element, i) => checkNoDefaults(element, `${at}[${i}]`, add));
    } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) &&
               !($protobuf.util.Long && value instanceof $protobuf.util.Long)) {
      checkNoDefaults(value, at, add);
    } else if (!(message instanceof AnyValue) && isDefault(value)) {
      add(at, `present on the wire with its default value ${JSON.stringify(String(value))}`);
    }
  }
}

// --- normalization --------------------------------------------------------------------------
const hex = (bytes) => (bytes == null ? '' : Buffer.from(bytes).toString('hex'));
const big = (value) => (value == null ? 0n : BigInt(value.toString()));

function anyValue(v, where, add) {
  const members = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue',
    'kvlistValue', 'bytesValue'].filter((m) => Object.prototype.hasOwnProperty.call(v, m));
  if (members.length !== 1) {
    add(where, `AnyValue must hold exactly one member, got ${JSON.stringify(members)}`);
    return { type: 'invalid', value: null };
  }
  const member = members[0];
  if (member === 'stringValue') return { type: 'string', value: v.stringValue };
  if (member === 'boolValue') return { type: 'bool', value: v.boolValue };
  if (member === 'intValue') return { type: 'int', value: big(v.intValue) };
  if (member === 'doubleValue') return { type: 'double', value: v.doubleValue };
  if (member === 'arrayValue') {
    const elements = v.arrayValue.values.map((e, i) => anyValue(e, `${where}.values[${i}]`, add));
    if (elements.length === 0) return { type: '[]', value: [] };
    const types = new Set(elements.map((e) => e.type));
    if (types.size !== 1 || elements[0].type.endsWith(']')) {
      add(where, `array of mixed or nested types ${JSON.stringify([...types])}`);
    }
    return { type: `${elements[0].type}[]`, value: elements.map((e) => e.value) };
  }
  add(where, `unsupported AnyValue member ${member}`);
  return { type: 'invalid', value: null };
}

function attributes(list, where, add) {
  const seen = new Set();
  return list.map((kv, i) => {
    const at = `${where}.attributes[${i}]`;
    if (seen.has(kv.key)) add(at, `duplicate key ${JSON.stringify(kv.key)}`);
    seen.add(kv.key);
    return { key: kv.key || '', ...anyValue(kv.value || {}, `${at}.value`, add) };
  });
}

function span(s, where, wire, add) {
  return {
    traceId: hex(s.traceId), spanId: hex(s.spanId), traceState: s.traceState || '',
    parentSpanId: hex(s.parentSpanId), flags: wire.flags ?? 0, name: s.name || '',
    kind: s.kind || 0, startTimeUnixNano: big(s.startTimeUnixNano),
    endTimeUnixNano: big(s.endTimeUnixNano), attributes: attributes(s.attributes, where, add),
    droppedAttributesCount: s.droppedAttributesCount || 0,
    events: s.events.map((e, i) => ({
      name: e.name || '', timeUnixNano: big(e.timeUnixNano),
      attributes: attributes(e.attributes, `${where}.events[${i}]`, add),
      droppedAttributesCount: e.droppedAttributesCount || 0,
    })),
    droppedEventsCount: s.droppedEventsCount || 0,
    links: s.links.map((l, i) => ({
      traceId: hex(l.traceId), spanId: hex(l.spanId), traceState: l.traceState || '',
      flags: wire.links[i] ?? 0, attributes: attributes(l.attributes, `${where}.links[${i}]`, add),
      droppedAttributesCount: l.droppedAttributesCount || 0,
    })),
    droppedLinksCount: s.droppedLinksCount || 0,
    status: { code: (s.status && s.status.code) || 0, message: (s.status && s.status.message) || '' },
  };
}

function decodeProtobuf(buf, add) {
  if (!$protobuf.util.Long) throw new Error('protobufjs runs without "long": int64 would lose bits');
  const wireSpans = [];
  const found = (schema, flags) => {
    if (schema === SPAN) wireSpans.push({ flags, links: [] });
    else wireSpans[wireSpans.length - 1].links.push(flags);
  };
  const stripped = stripFlags(buf, SCHEMA, found, 'request', add);
  const message = Request.decode(buf);
  const invalid = Request.verify(message);
  if (invalid) add('request', `official verify() rejects the decoded message: ${invalid}`);
  checkNoDefaults(message, 'request', add);
  const reencoded = Buffer.from(Request.encode(message).finish());
  if (!reencoded.equals(stripped)) {
    const where = [];
    diffMessages(stripped, reencoded, 'request', where);
    add('request', `the official re-encoding (${reencoded.length} bytes) differs from ours ` +
        `(${stripped.length} bytes, flags removed); by field number path (ours vs official): ` +
        `${where.join('; ')}`);
  }

  let next = 0;
  return {
    where: 'request',
    resourceSpans: message.resourceSpans.map((rs, r) => {
      const at = `request.resourceSpans[${r}]`;
      const res = rs.resource || { attributes: [] };
      return {
        where: at,
        resource: { attributes: attributes(res.attributes, `${at}.resource`, add),
                    droppedAttributesCount: res.droppedAttributesCount || 0,
                    schemaUrl: rs.schemaUrl || '' },
        scopeSpans: rs.scopeSpans.map((ss, k) => {
          const sat = `${at}.scopeSpans[${k}]`;
          const sc = ss.scope || { attributes: [] };
          return {
            where: sat,
            scope: { name: sc.name || '', version: sc.version || '',
                     attributes: attributes(sc.attributes, `${sat}.scope`, add),
                     droppedAttributesCount: sc.droppedAttributesCount || 0,
                     schemaUrl: ss.schemaUrl || '' },
            spans: ss.spans.map((s, j) => {
              const wire = wireSpans[next++] || { flags: null, links: [] };
              if (wire.flags === null) add(`${sat}.spans[${j}]`, 'Span.flags (field 16) absent');
              wire.links.forEach((f, i) => {
                if (f === null) add(`${sat}.spans[${j}].links[${i}]`, 'Link.flags (6) absent');
              });
              return span(s, `${sat}.spans[${j}]`, wire, add);
            }),
          };
        }),
      };
    }),
  };
}

module.exports = { decodeProtobuf };
