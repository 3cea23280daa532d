'use strict';
/**
 * The table's ratios: the strongest peer is the peer with the most requests/s, whichever it is;
 * ours / each peer and ours / floor are ratios of requests/s; ours − floor is p50 at low load, in ms;
 * a contender with no requests gives no ratio. `node --test bench/test/`
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { render, ratios } = require('../src/report');

const SUBGRAPHS = ['industry', 'finance'];
const contender = (key, rps, p50 = 10_000) => ({
  key,
  label: key,
  rps,
  p50,
  p99: p50 * 2,
  errors: 0,
  peakMB: 100,
  otherCores: 0,
  sqlPerRequest: { industry: 1, finance: 1 },
  cpu: { gateway: key === 'floor' ? NaN : 5, subgraphs: { industry: 2, finance: 3 }, database: NaN, loadGenerator: 1 },
});
const result = (peers, latency) => ({
  id: 'a',
  title: 'meeting · varied',
  workload: 'varied',
  latencyConnections: 1,
  contenders: [contender('ours', 300), ...peers, contender('floor', 400)],
  latency,
});

test('the strongest peer is whichever peer has the most requests/s', () => {
  for (const [peers, strongest] of [
    [[contender('hive-router', 200), contender('apollo', 150), contender('hive', 100)], 'hive-router'],
    [[contender('hive-router', 120), contender('apollo', 250), contender('hive', 100)], 'apollo'],
    [[contender('hive-router', 120), contender('apollo', 110), contender('hive', 260)], 'hive'],
  ]) {
    const r = ratios(result(peers));
    assert.equal(r.strongest.key, strongest);
    const top = Math.max(...peers.map((p) => p.rps));
    assert.equal(r.oursOverStrongest, 300 / top);
    for (const p of peers) assert.equal(r.oursOver[p.key], 300 / p.rps);
    assert.equal(r.oursOverFloor, 300 / 400);
  }
});

test('ours − floor is the p50 difference at low load, in ms; missing or empty contenders give no ratio', () => {
  const r = ratios(result([contender('hive-router', 0)], [contender('ours', 5, 12_500), contender('floor', 6, 10_000)]));
  assert.equal(r.oursMinusFloorMs, 2.5);
  assert.ok(Number.isNaN(r.oursOver['hive-router']));
  assert.ok(Number.isNaN(r.oursOver.apollo));
  assert.ok(Number.isNaN(ratios(result([contender('apollo', 100)])).oursMinusFloorMs));
});

test('the tables lead with ours, then the peers strongest first, then the floor; CPU and RSS are in the main table', () => {
  const tables = render([result([contender('hive', 100), contender('apollo', 250), contender('hive-router', 200)], [contender('ours', 5), contender('hive', 9), contender('floor', 6)])], SUBGRAPHS);
  const rows = tables.main.markdown.split('\n').slice(2).map((line) => line.split('|').map((c) => c.trim())[2]);
  assert.deepEqual(rows, ['ours', 'apollo', 'hive-router', 'hive', 'floor']);
  assert.match(tables.main.markdown, /gateway CPU ms\/req \| subgraphs CPU ms\/req/);
  assert.match(tables.main.markdown, /\| ours \| 300 \|  \| 10\.0 \| 20\.0 \| 0 \| 5\.00 \| 5\.00 \|/);
  assert.match(tables.headline.markdown, /\| apollo \| 1\.20× \| 1\.50× \| 1\.20× \| 3\.00× \| 0\.75× \|/);
  assert.match(tables.latency.markdown, /ours − floor, ms/);
});
