'use strict';
/** The settings: every bad value, as a flag or as its BENCH_* variable, is refused with the setting's name. `node --test bench/test/options.test.js` */
const test = require('node:test');
const assert = require('node:assert/strict');
const { options } = require('../src/options');

function parse(args, env = {}) {
  const saved = { argv: process.argv, env: { ...process.env } };
  process.argv = ['node', 'run.js', ...args];
  for (const key of Object.keys(process.env)) if (key.startsWith('BENCH_')) delete process.env[key];
  Object.assign(process.env, env);
  try {
    return options();
  } finally {
    process.argv = saved.argv;
    process.env = saved.env;
  }
}

const BAD = [
  [['--month', '2015-13'], /--month/],
  [['--month', 'June'], /--month/],
  [['--rounds', '1.5'], /--rounds.*whole number/],
  [['--rounds', '0'], /--rounds/],
  [['--connections', '0.5'], /--connections/],
  [['--enterprises', '30.5'], /--enterprises/],
  [['--duration=-3'], /--duration/],
  [['--duration', 'abc'], /--duration/],
  [['--contenders', 'ours,ours'], /listed twice/],
  [['--contenders', 'bogus'], /--contenders/],
  [['--scenarios', 'a,meeting'], /listed twice/],
  [['--scenarios', 'x'], /--scenarios/],
  [['--db', 'mysql'], /--db/],
  [['--city', 'huge'], /--city/],
  [['--workload', 'odd'], /--workload/],
];

test('bad flags are refused, naming the setting', () => {
  for (const [args, message] of BAD) assert.throws(() => parse(args), message, args.join(' '));
});

test('the same bad values as BENCH_* variables are refused too', () => {
  for (const [args, message] of BAD.filter(([a]) => a.length === 2)) {
    const name = `BENCH_${args[0].slice(2).toUpperCase().replace(/-/g, '_')}`;
    assert.throws(() => parse([], { [name]: args[1] }), message, `${name}=${args[1]}`);
  }
});

test('quick mode shortens every duration; a flag or variable wins over it; defaults otherwise', () => {
  const full = parse([]);
  assert.deepEqual([full.duration, full.rounds, full.prewarm, full.enterprises, full.docs], [5, 2, 8, 520, true]);
  assert.deepEqual(full.contenders, ['ours', 'hive-router', 'apollo', 'hive', 'floor']);
  const quick = parse(['--quick']);
  assert.deepEqual([quick.duration, quick.rounds, quick.prewarm, quick.latencyDuration, quick.quietRetries, quick.docs], [1, 1, 1, 1, 0, false]);
  assert.equal(parse(['--quick', '--duration', '3']).duration, 3);
  assert.equal(parse([], { BENCH_QUICK: '1', BENCH_DURATION: '2' }).duration, 2);
  assert.equal(parse(['--duration', '4'], { BENCH_DURATION: '2' }).duration, 4);
  assert.equal(parse(['--city', 'large']).enterprises, 20000);
});
