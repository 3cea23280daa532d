'use strict';
/** Tables for the terminal (aligned text) and for docs (Markdown), from the same rows. */

function textTable(header, rows, align) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) =>
    cells
      .map((cell, i) => {
        const text = String(cell ?? '');
        return align[i] === 'r' ? text.padStart(widths[i]) : text.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(header, rows, align) {
  const escape = (cell) => String(cell ?? '').replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}

const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const ms = (micros) => (Number.isFinite(micros) ? (micros / 1000).toFixed(micros < 10_000 ? 2 : 1) : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');

const PEERS = ['hive-router', 'apollo', 'hive'];

/** The peer gateways of a result, strongest (most requests/s) first. */
function peersOf(contenders) {
  return contenders.filter((c) => PEERS.includes(c.key)).sort((x, y) => (y.rps || 0) - (x.rps || 0));
}

/** Ours, then the peers strongest first (by `by`'s requests/s), then the floor, then other builds of ours. */
function ordered(contenders, by = contenders) {
  const rank = (c) => (c.key === 'ours' ? 0 : PEERS.includes(c.key) ? 1 : c.key === 'floor' ? 2 : 3);
  const peers = peersOf(by).map((c) => c.key);
  return [...contenders].sort((x, y) => rank(x) - rank(y) || (rank(x) === 1 ? peers.indexOf(x.key) - peers.indexOf(y.key) : 0));
}

const subgraphCpu = (c) => Object.values(c.cpu.subgraphs).reduce((a, b) => a + b, 0);

/**
 * The ratios the goals name, for one result: ours / the strongest peer (and each peer), ours / the
 * floor in requests/s, and ours − floor in p50 at the low connection count.
 */
function ratios(result) {
  const by = Object.fromEntries(result.contenders.map((c) => [c.key, c]));
  const ours = by.ours;
  const strongest = peersOf(result.contenders)[0];
  const low = Object.fromEntries((result.latency ?? []).map((c) => [c.key, c]));
  const over = (x) => (ours && x && x.rps > 0 ? ours.rps / x.rps : NaN);
  return {
    strongest: strongest ? { key: strongest.key, label: strongest.label } : null,
    oursOverStrongest: over(strongest),
    oursOver: Object.fromEntries(PEERS.map((k) => [k, over(by[k])])),
    oursOverFloor: over(by.floor),
    oursMinusFloorMs: low.ours && low.floor ? (low.ours.p50 - low.floor.p50) / 1000 : NaN,
    oursMinusFloorP99Ms: low.ours && low.floor ? (low.ours.p99 - low.floor.p99) / 1000 : NaN,
  };
}

/**
 * results: [{ id, title, contenders: [{ key, label, rps, p50, p99, errors, peakMB, sqlPerRequest, cpu }], latency }]
 * Returns { text, markdown } for the headline (ours against the strongest peer), the main table
 * (with CPU per request and peak RSS), the one-connection table, SQL statements and CPU per subgraph.
 */
function render(results, subgraphNames, labels = {}) {
  const label = (key) => labels[key] ?? key;
  const headline = {
    header: ['scenario', 'strongest peer', 'ours / strongest peer', `ours / ${label('hive-router')}`, `ours / ${label('apollo')}`, `ours / ${label('hive')}`, 'ours / floor', `ours − floor p50 ms (${results.find((r) => r.latency)?.latencyConnections ?? 1} conn.)`],
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: [],
  };
  const main = {
    header: ['scenario', 'contender', 'req/s', 'ours ÷', 'p50 ms', 'p99 ms', 'errors', 'gateway CPU ms/req', 'subgraphs CPU ms/req', 'database CPU ms/req', 'gateway peak RSS MB', "others' CPU (cores)"],
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: [],
  };
  const sql = { header: ['scenario', 'contender', ...subgraphNames, 'total'], align: ['l', 'l', ...subgraphNames.map(() => 'r'), 'r'], rows: [] };
  const cpu = {
    header: ['scenario', 'contender', 'gateway', ...subgraphNames, 'subgraphs', 'database', 'load generator', 'other processes (cores)'],
    align: ['l', 'l', 'r', ...subgraphNames.map(() => 'r'), 'r', 'r', 'r', 'r'],
    rows: [],
  };
  for (const result of results) {
    const title = `(${result.id}) ${result.title}`;
    const r = ratios(result);
    headline.rows.push([
      title,
      r.strongest?.label ?? '—',
      ratio(r.oursOverStrongest, 1),
      ...PEERS.map((k) => ratio(r.oursOver[k], 1)),
      ratio(r.oursOverFloor, 1),
      Number.isFinite(r.oursMinusFloorMs) ? `${r.oursMinusFloorMs >= 0 ? '+' : ''}${r.oursMinusFloorMs.toFixed(2)}` : '—',
    ]);
    const contenders = ordered(result.contenders);
    const ours = contenders.find((c) => c.key === 'ours');
    contenders.forEach((c, i) => {
      main.rows.push([
        i === 0 ? title : '',
        c.label,
        fixed(c.rps, 0),
        c.key === 'ours' || !ours ? '' : ratio(ours.rps, c.rps),
        ms(c.p50),
        ms(c.p99),
        String(c.errors),
        c.key === 'floor' ? '—' : fixed(c.cpu.gateway, 2),
        fixed(subgraphCpu(c), 2),
        fixed(c.cpu.database, 2),
        c.key === 'floor' ? '—' : fixed(c.peakMB, 0),
        fixed(c.otherCores, 2),
      ]);
    });
    contenders.forEach((c, i) => {
      const values = subgraphNames.map((s) => c.sqlPerRequest[s]);
      sql.rows.push([i === 0 ? title : '', c.label, ...values.map((v) => fixed(v, 2)), fixed(values.reduce((a, b) => a + b, 0), 2)]);
    });
    contenders.forEach((c, i) => {
      const values = subgraphNames.map((s) => c.cpu.subgraphs[s]);
      cpu.rows.push([i === 0 ? title : '', c.label, c.key === 'floor' ? '—' : fixed(c.cpu.gateway, 2), ...values.map((v) => fixed(v, 2)), fixed(values.reduce((a, b) => a + b, 0), 2), fixed(c.cpu.database, 2), fixed(c.cpu.loadGenerator, 2), fixed(c.otherCores, 2)]);
    });
  }
  const both = (t) => ({ text: textTable(t.header, t.rows, t.align), markdown: markdownTable(t.header, t.rows, t.align) });
  const latencyRows = [];
  for (const result of results.filter((r) => r.latency)) {
    const contenders = ordered(result.latency, result.contenders);
    const by = Object.fromEntries(contenders.map((c) => [c.key, c]));
    contenders.forEach((c, i) =>
      latencyRows.push([i === 0 ? `(${result.id}) ${result.title}` : '', c.label, fixed(c.rps, 0), ms(c.p50), ms(c.p99), String(c.errors), c.key === 'floor' ? '—' : fixed(c.cpu.gateway, 2), fixed(subgraphCpu(c), 2)]),
    );
    if (by.ours && by.floor) latencyRows.push(['', 'ours − floor, ms', '', fixed((by.ours.p50 - by.floor.p50) / 1000, 2), fixed((by.ours.p99 - by.floor.p99) / 1000, 2), '', '', '']);
  }
  const connections = results.find((r) => r.latency)?.latencyConnections;
  const latency = latencyRows.length
    ? {
        title: `Not saturated: ${connections ?? 1} connection${connections === 1 || connections === undefined ? '' : 's'}, varied requests`,
        ...both({ header: ['scenario', 'contender', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'gateway CPU ms/req', 'subgraphs CPU ms/req'], align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'], rows: latencyRows }),
      }
    : null;
  return { headline: both(headline), main: both(main), sql: both(sql), cpu: both(cpu), latency };
}

module.exports = { render, ratios, peersOf, PEERS, textTable, markdownTable };
