// Reads OTLP/JSON ExportTraceServiceRequest lines into the normalized shape (otlp_normalize.js),
// strictly per https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding as our encoder
// promises to write it: lowerCamelCase keys only from trace.proto, trace/span ids as lower-case
// hex of 32/16 digits, enums as integers, 64-bit integers (intValue, *UnixNano) as decimal
// strings, doubles as numbers or "NaN"/"Infinity"/"-Infinity", proto3 defaults left out (except
// the AnyValue oneof member, whose presence matters).
'use strict';

const KEYS = {
  request: ['resourceSpans'],
  resourceSpans: ['resource', 'scopeSpans', 'schemaUrl'],
  resource: ['attributes', 'droppedAttributesCount'],
  scopeSpans: ['scope', 'spans', 'schemaUrl'],
  scope: ['name', 'version', 'attributes', 'droppedAttributesCount'],
  span: ['traceId', 'spanId', 'traceState', 'parentSpanId', 'flags', 'name', 'kind',
    'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'droppedAttributesCount', 'events',
    'droppedEventsCount', 'links', 'droppedLinksCount', 'status'],
  event: ['timeUnixNano', 'name', 'attributes', 'droppedAttributesCount'],
  link: ['traceId', 'spanId', 'traceState', 'attributes', 'droppedAttributesCount', 'flags'],
  status: ['message', 'code'],
  keyValue: ['key', 'value'],
  anyValue: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue',
    'bytesValue'],
  arrayValue: ['values'],
};
const SPECIAL_DOUBLES = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

class Reader {
  constructor(add) { this.add = add; }

  object(value, kind, where) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.add(where, `expected a ${kind} object, got ${JSON.stringify(value)}`);
      return {};
    }
    for (const key of Object.keys(value)) {
      if (!KEYS[kind].includes(key)) this.add(where, `unknown field '${key}' in ${kind}`);
    }
    return value;
  }

  // A field with its proto3 default when absent; present defaults are reported (not canonical).
  field(obj, name, where, type, fallback) {
    if (!(name in obj)) return fallback;
    const value = obj[name];
    const at = `${where}.${name}`;
    if (type === 'string' && typeof value !== 'string') this.add(at, `expected a string: ${value}`);
    if (type === 'uint' && !(Number.isInteger(value) && value >= 0)) {
      this.add(at, `expected a non-negative integer number: ${JSON.stringify(value)}`);
    }
    if (type === 'uint64') {
      if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) {
        this.add(at, `expected a 64-bit integer as a decimal string: ${JSON.stringify(value)}`);
        return BigInt(fallback);
      }
      if (BigInt(value) === 0n) this.add(at, 'default value written out');
      return BigInt(value);
    }
    if (type === 'hex32' || type === 'hex16') {
      const digits = type === 'hex32' ? 32 : 16;
      if (typeof value !== 'string' || !new RegExp(`^[0-9a-f]{${digits}}$`).test(value)) {
        this.add(at, `expected ${digits} lower-case hex digits: ${JSON.stringify(value)}`);
      }
    }
    if (value === fallback || (Array.isArray(value) && value.length === 0)) {
      this.add(at, 'default value written out');
    }
    return value;
  }

  anyValue(value, where) {
    const v = this.object(value, 'anyValue', where);
    const members = Object.keys(v);
    if (members.length !== 1) {
      this.add(where, `AnyValue must hold exactly one member, got ${JSON.stringify(members)}`);
      return { type: 'invalid', value: null };
    }
    const member = members[0];
    const x = v[member];
    if (member === 'stringValue' && typeof x === 'string') return { type: 'string', value: x };
    if (member === 'boolValue' && typeof x === 'boolean') return { type: 'bool', value: x };
    if (member === 'intValue' && typeof x === 'string' && /^-?[0-9]+$/.test(x)) {
      return { type: 'int', value: BigInt(x) };
    }
    if (member === 'doubleValue' && (typeof x === 'number' || x in SPECIAL_DOUBLES)) {
      return { type: 'double', value: typeof x === 'number' ? x : SPECIAL_DOUBLES[x] };
    }
    if (member === 'arrayValue') {
      const array = this.object(x, 'arrayValue', `${where}.arrayValue`);
      const values = this.field(array, 'values', `${where}.arrayValue`, 'array', []);
      const elements = values.map((e, i) => this.anyValue(e, `${where}.arrayValue.values[${i}]`));
      if (elements.length === 0) return { type: '[]', value: [] };
      const types = new Set(elements.map((e) => e.type));
      if (types.size !== 1 || elements[0].type.endsWith(']')) {
        this.add(where, `array of mixed or nested types ${JSON.stringify([...types])}`);
      }
      return { type: `${elements[0].type}[]`, value: elements.map((e) => e.value) };
    }
    this.add(where, `unsupported or mistyped AnyValue member ${member}: ${JSON.stringify(x)}`);
    return { type: 'invalid', value: null };
  }

  attributes(obj, where) {
    const list = this.field(obj, 'attributes', where, 'array', []);
    const seen = new Set();
    return list.map((kv, i) => {
      const at = `${where}.attributes[${i}]`;
      const o = this.object(kv, 'keyValue', at);
      const key = this.field(o, 'key', at, 'string', '');
      if (seen.has(key)) this.add(at, `duplicate key ${JSON.stringify(key)}`);
      seen.add(key);
      return { key, ...this.anyValue(o.value, `${at}.value`) };
    });
  }

  span(value, where) {
    const s = this.object(value, 'span', where);
    const status = this.object(this.field(s, 'status', where, 'object', {}), 'status',
      `${where}.status`);
    const events = this.field(s, 'events', where, 'array', []).map((raw, i) => {
      const at = `${where}.events[${i}]`;
      const e = this.object(raw, 'event', at);
      return { name: this.field(e, 'name', at, 'string', ''),
               timeUnixNano: this.field(e, 'timeUnixNano', at, 'uint64', '0'),
               attributes: this.attributes(e, at),
               droppedAttributesCount: this.field(e, 'droppedAttributesCount', at, 'uint', 0) };
    });
    const links = this.field(s, 'links', where, 'array', []).map((raw, i) => {
      const at = `${where}.links[${i}]`;
      const l = this.object(raw, 'link', at);
      return { traceId: this.field(l, 'traceId', at, 'hex32', ''),
               spanId: this.field(l, 'spanId', at, 'hex16', ''),
               traceState: this.field(l, 'traceState', at, 'string', ''),
               flags: this.field(l, 'flags', at, 'uint', 0),
               attributes: this.attributes(l, at),
               droppedAttributesCount: this.field(l, 'droppedAttributesCount', at, 'uint', 0) };
    });
    return {
      traceId: this.field(s, 'traceId', where, 'hex32', ''),
      spanId: this.field(s, 'spanId', where, 'hex16', ''),
      traceState: this.field(s, 'traceState', where, 'string', ''),
      parentSpanId: this.field(s, 'parentSpanId', where, 'hex16', ''),
      flags: this.field(s, 'flags', where, 'uint', 0),
      name: this.field(s, 'name', where, 'string', ''),
      kind: this.field(s, 'kind', where, 'uint', 0),
      startTimeUnixNano: this.field(s, 'startTimeUnixNano', where, 'uint64', '0'),
      endTimeUnixNano: this.field(s, 'endTimeUnixNano', where, 'uint64', '0'),
      attributes: this.attributes(s, where),
      droppedAttributesCount: this.field(s, 'droppedAttributesCount', where, 'uint', 0),
      events,
      droppedEventsCount: this.field(s, 'droppedEventsCount', where, 'uint', 0),
      links,
      droppedLinksCount: this.field(s, 'droppedLinksCount', where, 'uint', 0),
      status: { code: this.field(status, 'code', `${where}.status`, 'uint', 0),
                message: this.field(status, 'message', `${where}.status`, 'string', '') },
    };
  }

  request(value, where) {
    const r = this.object(value, 'request', where);
    return {
      where,
      resourceSpans: this.field(r, 'resourceSpans', where, 'array', []).map((raw, i) => {
        const at = `${where}.resourceSpans[${i}]`;
        const rs = this.object(raw, 'resourceSpans', at);
        const res = this.object(this.field(rs, 'resource', at, 'object', {}), 'resource',
          `${at}.resource`);
        return {
          where: at,
          resource: { attributes: this.attributes(res, `${at}.resource`),
                      droppedAttributesCount: this.field(res, 'droppedAttributesCount', at, 'uint', 0),
                      schemaUrl: this.field(rs, 'schemaUrl', at, 'string', '') },
          scopeSpans: this.field(rs, 'scopeSpans', at, 'array', []).map((rawScope, k) => {
            const sat = `${at}.scopeSpans[${k}]`;
            const ss = this.object(rawScope, 'scopeSpans', sat);
            const sc = this.object(this.field(ss, 'scope', sat, 'object', {}), 'scope', `${sat}.scope`);
            return {
              where: sat,
              scope: { name: this.field(sc, 'name', sat, 'string', ''),
                       version: this.field(sc, 'version', sat, 'string', ''),
                       attributes: this.attributes(sc, `${sat}.scope`),
                       droppedAttributesCount: this.field(sc, 'droppedAttributesCount', sat, 'uint', 0),
                       schemaUrl: this.field(ss, 'schemaUrl', sat, 'string', '') },
              spans: this.field(ss, 'spans', sat, 'array', []).map((s, j) => this.span(s, `${sat}.spans[${j}]`)),
            };
          }),
        };
      }),
    };
  }
}

// One request per non-empty line.
function readJsonLines(text, add) {
  const reader = new Reader(add);
  const requests = [];
  text.split('\n').forEach((line, n) => {
    if (line.trim() === '') return;
    let value;
    try {
      value = JSON.parse(line);
    } catch (error) {
      add(`line ${n + 1}`, `not JSON: ${error.message}`);
      return;
    }
    requests.push(reader.request(value, `line ${n + 1}`));
  });
  return requests;
}

module.exports = { readJsonLines };
