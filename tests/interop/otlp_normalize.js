// The common shape the npm checker compares: both sources (decoded protobuf, parsed OTLP/JSON)
// and the manifest are turned into it.
//   request  = { where, resourceSpans: [{ where, resource, scopeSpans: [{ where, scope, spans }] }] }
//   resource = { attributes, droppedAttributesCount, schemaUrl }
//   scope    = { name, version, attributes, droppedAttributesCount, schemaUrl }
//   span     = { traceId, spanId, traceState, parentSpanId, flags, name, kind,
//                startTimeUnixNano, endTimeUnixNano (BigInt), attributes, droppedAttributesCount,
//                events: [{ name, timeUnixNano, attributes, droppedAttributesCount }],
//                droppedEventsCount, links: [{ traceId, spanId, traceState, flags, attributes,
//                droppedAttributesCount }], droppedLinksCount, status: { code, message } }
//   attributes = [{ key, type, value }]: type string|bool|int|double, "T[]" for arrays and "[]"
//                for an empty array (OTLP cannot say its element type); ints are BigInt.
'use strict';

const SPECIAL_DOUBLES = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function manifestValue(type, value) {
  const scalar = (t, v) => {
    if (t === 'int') return BigInt(v);
    if (t === 'double') return typeof v === 'string' ? SPECIAL_DOUBLES[v] : v;
    return v;
  };
  if (type.endsWith('[]')) return value.map((v) => scalar(type.slice(0, -2), v));
  return scalar(type, value);
}

function manifestAttributes(list) {
  return list.map(({ key, type, value }) => ({ key, type, value: manifestValue(type, value) }));
}

// Parses a manifest written by otlp_trace_emitter (see conformance_manifest.h).
function fromManifest(text) {
  const m = JSON.parse(text);
  if (m.format !== 'kafkatrace-conformance-manifest/1') throw new Error('not a manifest');
  const spans = m.spans.map((s) => ({
    ...s,
    startTimeUnixNano: BigInt(s.startTimeUnixNano),
    endTimeUnixNano: BigInt(s.endTimeUnixNano),
    attributes: manifestAttributes(s.attributes),
    events: s.events.map((e) => ({
      ...e, timeUnixNano: BigInt(e.timeUnixNano), attributes: manifestAttributes(e.attributes),
    })),
    links: s.links.map((l) => ({ ...l, attributes: manifestAttributes(l.attributes) })),
  }));
  const index = new Map(spans.map((s, i) => [`${s.traceId}/${s.spanId}`, i]));
  return {
    resource: { attributes: manifestAttributes(m.resource.attributes),
                droppedAttributesCount: 0, schemaUrl: m.resource.schemaUrl },
    scopes: m.scopes.map((s) => ({ ...s, attributes: [], droppedAttributesCount: 0 })),
    spans,
    index,
  };
}

// A stable text of a value for grouping checks (BigInt and -0 aware).
function canonical(value) {
  return JSON.stringify(value, (k, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v))) return `${v}#`;
    return v;
  });
}

// Flattens requests into { where, resource, scope, span }, checking the grouping our encoder
// promises: one ResourceSpans per distinct resource and one ScopeSpans per distinct scope in a
// request, no empty ScopeSpans.
function toSpans(requests, add) {
  const result = [];
  for (const request of requests) {
    const resources = new Set();
    for (const rs of request.resourceSpans) {
      const resourceKey = canonical(rs.resource);
      if (resources.has(resourceKey)) add(rs.where, 'second ResourceSpans for an equal resource');
      resources.add(resourceKey);
      const scopes = new Set();
      for (const ss of rs.scopeSpans) {
        const scopeKey = canonical(ss.scope);
        if (scopes.has(scopeKey)) add(ss.where, 'second ScopeSpans for an equal scope');
        scopes.add(scopeKey);
        if (ss.spans.length === 0) add(ss.where, 'ScopeSpans without spans');
        ss.spans.forEach((span, k) => {
          result.push({ where: `${ss.where}.spans[${k}]`, resource: rs.resource, scope: ss.scope,
                        span });
        });
      }
    }
  }
  return result;
}

module.exports = { fromManifest, toSpans, canonical };
