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
const overhead = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${a >= b ? '+' : ''}${((a / b - 1) * 100).toFixed(0)} %` : '—');

/**
 * results: [{ scenario, title, contenders: [{ key, label, rps, p50, p99, errors, peakMB, sqlPerRequest, cpu }] }]
 * Returns { text, markdown } for the main table, SQL statements per request and CPU per request.
 */
function render(results, subgraphNames) {
  const main = {
    header: ['scenario', 'contender', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'gateway peak RSS MB', "others' CPU (cores)"],
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: [],
  };
  const sql = { header: ['scenario', 'contender', ...subgraphNames, 'total'], align: ['l', 'l', ...subgraphNames.map(() => 'r'), 'r'], rows: [] };
  const cpu = {
    header: ['scenario', 'contender', 'gateway', ...subgraphNames, 'subgraphs', 'database', 'load generator', 'other processes (cores)'],
    align: ['l', 'l', 'r', ...subgraphNames.map(() => 'r'), 'r', 'r', 'r', 'r'],
    rows: [],
  };
  for (const result of results) {
    const label = `(${result.id}) ${result.title}`;
    let first = true;
    const name = () => {
      const value = first ? label : '';
      first = false;
      return value;
    };
    const by = Object.fromEntries(result.contenders.map((c) => [c.key, c]));
    for (const c of result.contenders) {
      main.rows.push([name(), c.label, fixed(c.rps, 0), ms(c.p50), ms(c.p99), String(c.errors), c.key === 'floor' ? '—' : fixed(c.peakMB, 0), fixed(c.otherCores, 2)]);
    }
    const ours = by.ours;
    if (ours && by.hive) main.rows.push(['', 'ours / Hive', ratio(ours.rps, by.hive.rps), ratio(ours.p50, by.hive.p50), ratio(ours.p99, by.hive.p99), '', ratio(ours.peakMB, by.hive.peakMB), '']);
    if (ours && by.floor) main.rows.push(['', 'ours / floor', ratio(ours.rps, by.floor.rps), overhead(ours.p50, by.floor.p50), overhead(ours.p99, by.floor.p99), '', '', '']);
    for (const c of result.contenders.filter((x) => x.key !== 'ours' && x.key !== 'hive' && x.key !== 'floor')) {
      if (ours) main.rows.push(['', `ours / ${c.label}`, ratio(ours.rps, c.rps), ratio(ours.p50, c.p50), ratio(ours.p99, c.p99), '', ratio(ours.peakMB, c.peakMB), '']);
    }

    first = true;
    for (const c of result.contenders) {
      const values = subgraphNames.map((s) => c.sqlPerRequest[s]);
      sql.rows.push([name(), c.label, ...values.map((v) => fixed(v, 2)), fixed(values.reduce((a, b) => a + b, 0), 2)]);
    }
    first = true;
    for (const c of result.contenders) {
      const values = subgraphNames.map((s) => c.cpu.subgraphs[s]);
      cpu.rows.push([name(), c.label, c.key === 'floor' ? '—' : fixed(c.cpu.gateway, 2), ...values.map((v) => fixed(v, 2)), fixed(values.reduce((a, b) => a + b, 0), 2), fixed(c.cpu.database, 2), fixed(c.cpu.loadGenerator, 2), fixed(c.otherCores, 2)]);
    }
  }
  const both = (t) => ({ text: textTable(t.header, t.rows, t.align), markdown: markdownTable(t.header, t.rows, t.align) });
  const latencyRows = [];
  for (const result of results.filter((r) => r.latency)) {
    const by = Object.fromEntries(result.latency.map((c) => [c.key, c]));
    result.latency.forEach((c, i) => latencyRows.push([i === 0 ? `(${result.id}) ${result.title}` : '', c.label, fixed(c.rps, 0), ms(c.p50), ms(c.p99), String(c.errors)]));
    if (by.ours && by.hive) latencyRows.push(['', 'ours / Hive', ratio(by.ours.rps, by.hive.rps), ratio(by.ours.p50, by.hive.p50), ratio(by.ours.p99, by.hive.p99), '']);
    if (by.ours && by.floor) {
      latencyRows.push(['', 'ours / floor', ratio(by.ours.rps, by.floor.rps), overhead(by.ours.p50, by.floor.p50), overhead(by.ours.p99, by.floor.p99), '']);
      latencyRows.push(['', 'ours − floor, ms', '', fixed((by.ours.p50 - by.floor.p50) / 1000, 2), fixed((by.ours.p99 - by.floor.p99) / 1000, 2), '']);
    }
  }
  const connections = results.find((r) => r.latency)?.latencyConnections;
  const latency = latencyRows.length
    ? { title: `Not saturated: ${connections ?? 1} connection${connections === 1 || connections === undefined ? '' : 's'}, varied requests`, ...both({ header: ['scenario', 'contender', 'req/s', 'p50 ms', 'p99 ms', 'errors'], align: ['l', 'l', 'r', 'r', 'r', 'r'], rows: latencyRows }) }
    : null;
  return { main: both(main), sql: both(sql), cpu: both(cpu), latency };
}

module.exports = { render, textTable, markdownTable };
