'use strict';
/**
 * The benchmark's settings: flags, their BENCH_* variables, quick mode, and the help text. Light on
 * purpose (no build output, no benchmark dependencies needed): `npm run bench -- --help` works on a
 * fresh clone before anything is built or installed.
 */
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { SCENARIOS, SCENARIO_NAMES } = require('./scenarios');

const REPO = join(__dirname, '..', '..');

/** The contenders, in the order they are measured (reversed every other round). */
const CONTENDERS = {
  ours: { label: 'ours' },
  'hive-router': { label: 'Hive + router runtime', peer: true },
  apollo: { label: 'stock Apollo Gateway', peer: true },
  hive: { label: 'Hive defaults', peer: true },
  floor: { label: 'floor (direct)' },
};
const CONTENDER_KEYS = Object.keys(CONTENDERS);
const LABELS = Object.fromEntries(CONTENDER_KEYS.map((k) => [k, CONTENDERS[k].label]));

const USAGE = `usage: npm run bench -- [options]        (each option also as an environment variable BENCH_<NAME>,
                                                       e.g. BENCH_DURATION=2 for --duration 2; flags win)
  --quick                       quick mode: every duration at its smallest that still exercises everything
                                (1 s lead-in and windows, 1 round, 1 s pre-warm, 1 s at one connection, no
                                retries; the city stays the demo one); any flag or variable overrides these;
                                docs not written
  --db sqlite,postgresql        databases to run on (default: both)
  --city demo|large             the demo city (520 enterprises) or the large one (20000) (default demo)
  --enterprises N               size of the generated city (overrides --city)
  --seed N                      generator seed (default 2015)
  --duration S                  seconds of the measurement window per contender and round (default 5)
  --warmup S                    seconds of load before each measurement window (default 1): connections
                                busy before counting starts
  --prewarm S                   seconds of unmeasured load per gateway and scenario before any measurement (default 8: less
                                and the gateways, Hive Gateway most, are measured before their JIT has settled)
  --connections N               concurrent keep-alive connections (default 10)
  --latency-connections N       after the rounds of each scenario's varied workload, each contender once more with only N
                                connections (default 1; 0: skip): the latency a gateway adds when the machine
                                is not saturated, against the floor's
  --latency-duration S          seconds of that window (default 3)
  --rounds N                    rounds; contenders alternate A B C D F, F D C B A, … (default 2)
  --scenarios a,b,c             meeting (a), enterprise (b), district (c) (default: all)
  --contenders LIST             which to measure, of ${CONTENDER_KEYS.join(',')} (default: all):
                                ours; hive-router: Hive Gateway with its Rust query planner (--hive-router-runtime,
                                checked to be in use); apollo: stock @apollo/gateway + @apollo/server; hive: Hive
                                Gateway's defaults; floor: the plan's subgraph requests sent directly
  --workload same,varied        same: every request identical; varied: each request another month or
                                enterprise, so no two requests in flight are the same (default: varied)
  --compare label=entry.js      also measure another build of our gateway (repeatable)
  --hive-arg=ARG                extra argument for both Hive Gateways (repeatable), e.g. --hive-arg=--jit
  --pg-url URL                  PostgreSQL server and base name (default postgres://postgres@127.0.0.1:5432/huishang_bench)
  --month YYYY-MM               reporting month (default 2015-06)
  --out DIR                     where logs and results go (default bench/out)
  --docs / --no-docs            write the table into docs/benchmarks.md and the raw numbers into
                                docs/benchmarks.json (default: yes, except in quick mode)
  --seed-cache                  keep the seeded databases (SQLite files under .huishang/bench/seed, PostgreSQL
                                databases <base>_seed_<size>_<seed>_<code hash>_<subgraph>) and start from a
                                copy of them next time, while the code is the same: the large city then starts
                                in seconds instead of minutes
  --drop-seed-cache             remove every kept seed first (and, alone, only that)
  --quiet-retries N             measure again (up to N times, the quietest kept) when other processes on the
                                machine took more than --quiet-threshold cores meanwhile (default 1, 0.25)
  --no-build                    skip the build (tsc -b of the gateway, the subgraphs and the CLI)
  --plans                       print the query plans
  --profile                     write V8 CPU profiles of the gateways and subgraphs (<out>/<db>/profiles;
                                summarise with node bench/src/profile-summary.js <file.cpuprofile>)`;

const CITIES = { demo: 520, large: 20000 };

/** Defaults, and what --quick changes. Each is also BENCH_<NAME> in the environment. */
const DEFAULTS = {
  db: 'sqlite,postgresql',
  city: 'demo',
  enterprises: '',
  seed: '2015',
  duration: '5',
  warmup: '1',
  prewarm: '8',
  connections: '10',
  'latency-connections': '1',
  'latency-duration': '3',
  rounds: '2',
  scenarios: SCENARIO_NAMES.join(','),
  contenders: 'ours,hive-router,apollo,hive,floor',
  workload: 'varied',
  'pg-url': 'postgres://postgres@127.0.0.1:5432/huishang_bench',
  month: '2015-06',
  out: join(REPO, 'bench', 'out'),
  'quiet-retries': '1',
  'quiet-threshold': '0.25',
};
const QUICK = { duration: '1', warmup: '1', prewarm: '1', rounds: '1', 'latency-duration': '1', 'quiet-retries': '0' };
const BOOLEANS = ['quick', 'plans', 'profile', 'no-build', 'seed-cache', 'drop-seed-cache', 'docs', 'no-docs'];

const envName = (option) => `BENCH_${option.toUpperCase().replace(/-/g, '_')}`;
const envBoolean = (option) => {
  const value = process.env[envName(option)];
  if (value === undefined || value === '') return undefined;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
};

function options() {
  let parsed;
  try {
    parsed = parseArgs({
    options: {
      ...Object.fromEntries(Object.keys(DEFAULTS).map((name) => [name, { type: 'string' }])),
      ...Object.fromEntries(BOOLEANS.map((name) => [name, { type: 'boolean' }])),
      compare: { type: 'string', multiple: true, default: [] },
      'hive-arg': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    });
  } catch (error) {
    // e.g. `--duration -3`: parseArgs takes -3 for an option; `--duration=-3` reaches the check below.
    throw new Error(error.message);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const flag = (name) => values[name] ?? envBoolean(name) ?? false;
  const quick = flag('quick');
  // A flag, else its variable, else quick mode's value, else the default.
  const setting = (name) => values[name] ?? process.env[envName(name)] ?? (quick ? QUICK[name] : undefined) ?? (name === 'pg-url' ? process.env.BENCH_PG_URL : undefined) ?? DEFAULTS[name];
  const number = (name, min, integer = false) => {
    const n = Number(setting(name));
    if (setting(name) === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new Error(`--${name} (${envName(name)}) must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${setting(name)}"`);
    }
    return n;
  };
  const list = (name, allowed) => {
    const items = setting(name).split(',').map((s) => s.trim()).filter(Boolean);
    for (const item of items) if (!allowed.includes(item)) throw new Error(`--${name}: unknown "${item}" (one of ${allowed.join(', ')})`);
    if (!items.length) throw new Error(`--${name}: empty`);
    const twice = items.find((item, i) => items.indexOf(item) !== i);
    if (twice) throw new Error(`--${name}: "${twice}" is listed twice`);
    return items;
  };
  const byLetter = Object.fromEntries(Object.entries(SCENARIOS).map(([name, s]) => [s.id, name]));
  const scenarios = setting('scenarios').split(',').map((s) => byLetter[s.trim()] ?? s.trim());
  for (const s of scenarios) if (!SCENARIOS[s]) throw new Error(`--scenarios: unknown "${s}" (a|meeting, b|enterprise, c|district)`);
  const databases = list('db', ['sqlite', 'postgresql', 'postgres']).map((d) => (d === 'postgres' ? 'postgresql' : d));
  const city = setting('city');
  if (!CITIES[city]) throw new Error(`--city: unknown "${city}" (demo = ${CITIES.demo} enterprises, large = ${CITIES.large})`);
  const duration = number('duration', 0.5);
  const month = setting('month');
  const [year, monthNumber] = month.split('-').map(Number);
  if (!/^\d{4}-\d{2}$/.test(month) || monthNumber < 1 || monthNumber > 12 || year < 1900) throw new Error(`--month (${envName('month')}) must be a month YYYY-MM, got "${month}"`);
  const scenarioTwice = scenarios.find((item, i) => scenarios.indexOf(item) !== i);
  if (scenarioTwice) throw new Error(`--scenarios: "${scenarioTwice}" is listed twice`);
  return {
    quick,
    databases,
    city,
    enterprises: setting('enterprises') === '' ? CITIES[city] : number('enterprises', 10, true),
    seed: number('seed', 0, true),
    duration,
    warmup: number('warmup', 0),
    prewarm: number('prewarm', 0),
    connections: number('connections', 1, true),
    latencyConnections: number('latency-connections', 0, true),
    latencyDuration: number('latency-duration', 0.5),
    rounds: number('rounds', 1, true),
    scenarios,
    contenders: list('contenders', CONTENDER_KEYS),
    workloads: list('workload', ['same', 'varied']),
    compare: values.compare.map((spec) => {
      const at = spec.indexOf('=');
      if (at < 1) throw new Error(`--compare wants label=path/to/index.js, got ${spec}`);
      return { label: spec.slice(0, at), entry: resolve(spec.slice(at + 1)) };
    }),
    hiveArgs: values['hive-arg'],
    pgUrl: setting('pg-url'),
    month,
    out: resolve(setting('out')),
    docs: flag('no-docs') ? false : values.docs ?? envBoolean('docs') ?? !quick,
    plans: flag('plans'),
    profile: flag('profile'),
    seedCache: flag('seed-cache'),
    dropSeedCache: flag('drop-seed-cache'),
    quietRetries: number('quiet-retries', 0, true),
    quietThreshold: number('quiet-threshold', 0),
  };
}


module.exports = { options, USAGE, CONTENDERS, CONTENDER_KEYS, LABELS, CITIES, REPO };
