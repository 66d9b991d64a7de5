// Field-by-field comparison of the normalized shape (see otlp_normalize.js) with the manifest.
// `add(where, message)` collects differences. Doubles compare with Object.is, so NaN equals NaN
// and -0 differs from 0.
'use strict';

const { canonical } = require('./otlp_normalize');

function show(value) {
  return canonical(value);
}

function sameValue(type, expected, actual) {
  if (!type.endsWith('[]')) return Object.is(expected, actual);
  return expected.length === actual.length && expected.every((v, i) => Object.is(v, actual[i]));
}

function compareAttributes(where, expected, actual, add) {
  if (expected.length !== actual.length) {
    add(`${where}.attributes`, `expected ${expected.length} attributes ` +
        `${show(expected.map((a) => a.key))}, got ${actual.length} ${show(actual.map((a) => a.key))}`);
  }
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i += 1) {
    const e = expected[i];
    const a = actual[i];
    const at = `${where}.attributes[${i}] (${show(e.key)})`;
    if (e.key !== a.key) add(at, `key: expected ${show(e.key)}, got ${show(a.key)}`);
    const emptyArray = a.type === '[]' && e.type.endsWith('[]') && e.value.length === 0;
    if (e.type !== a.type && !emptyArray) {
      add(at, `type: expected ${e.type}, got ${a.type} (${show(a.value)})`);
    } else if (!emptyArray && !sameValue(e.type, e.value, a.value)) {
      add(at, `value: expected ${show(e.value)}, got ${show(a.value)}`);
    }
  }
}

function compareFields(where, names, expected, actual, add) {
  for (const name of names) {
    if (canonical(expected[name]) !== canonical(actual[name])) {
      add(`${where}.${name}`, `expected ${show(expected[name])}, got ${show(actual[name])}`);
    }
  }
}

function compareList(where, name, expected, actual, fields, add) {
  if (expected.length !== actual.length) {
    add(`${where}.${name}`, `expected ${expected.length}, got ${actual.length}`);
  }
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i += 1) {
    const at = `${where}.${name}[${i}]`;
    compareFields(at, fields, expected[i], actual[i], add);
    compareAttributes(at, expected[i].attributes, actual[i].attributes, add);
  }
}

function compareSpan(where, expected, actual, add) {
  compareFields(where, ['traceId', 'spanId', 'traceState', 'parentSpanId', 'flags', 'name', 'kind',
    'startTimeUnixNano', 'endTimeUnixNano', 'droppedAttributesCount', 'droppedEventsCount',
    'droppedLinksCount', 'status'], expected, actual, add);
  compareAttributes(where, expected.attributes, actual.attributes, add);
  compareList(where, 'events', expected.events, actual.events,
    ['name', 'timeUnixNano', 'droppedAttributesCount'], add);
  compareList(where, 'links', expected.links, actual.links,
    ['traceId', 'spanId', 'traceState', 'flags', 'droppedAttributesCount'], add);
}

function compareResource(where, expected, actual, add) {
  compareFields(where, ['schemaUrl', 'droppedAttributesCount'], expected, actual, add);
  compareAttributes(where, expected.attributes, actual.attributes, add);
}

function compareScope(where, expected, actual, add) {
  compareFields(where, ['name', 'version', 'schemaUrl', 'droppedAttributesCount'], expected,
    actual, add);
  compareAttributes(where, expected.attributes, actual.attributes, add);
}

module.exports = { compareSpan, compareResource, compareScope };
