'use strict';
/**
 * Load on a gateway: autocannon, a fixed number of keep-alive connections for a fixed time, on
 * 127.0.0.1 only. autocannon's own latency histogram counts whole milliseconds; the latencies
 * here are recorded from its per-response event in microseconds, the same way the floor's are.
 */
const autocannon = require('autocannon');
const hdr = require('hdr-histogram-js');

function newHistogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

function assertLoopback(url) {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost' && hostname !== '[::1]') throw new Error(`refusing to load ${url}: loopback only`);
}

/**
 * POSTs `bodies` (one, or several in turn) to `url` over `connections` keep-alive connections for
 * `leadS + windowS` seconds. Only responses that complete inside the window (after the lead-in,
 * when every connection is busy) are counted and timed: requests/s is then the steady rate, not
 * lowered by the start or by the requests still in flight at the end. A response counts as an
 * error unless it is a 200 with data and no errors. `sent` is every request sent, lead-in included.
 */
function runAutocannon({ url, bodies, connections, leadS = 0, windowS, histogram, headers = {} }) {
  assertLoopback(url);
  return new Promise((resolve, reject) => {
    let responses = 0;
    let next = 0;
    let firstError = null;
    const started = process.hrtime.bigint();
    const from = started + BigInt(Math.round(leadS * 1e9));
    const to = from + BigInt(Math.round(windowS * 1e9));
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: bodies[0],
        // Several bodies: each request takes the next one, round robin over all connections.
        ...(bodies.length > 1 ? { requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }] } : {}),
        connections,
        duration: leadS + windowS,
        pipelining: 1,
        timeout: 30,
        // autocannon decodes each chunk on its own, which garbles a multi-byte character split
        // between chunks: the answers are compared with the reference at the probe, and here only
        // checked to be data without errors.
        verifyBody: (text) => text.startsWith('{"data":') && !text.includes('"errors":'),
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requests: responses,
          // autocannon counts a timeout in `errors` too
          errors: result.errors + result.non2xx + result.mismatches,
          sent: result.requests.sent,
          firstError,
          elapsedS: windowS,
        });
      },
    );
    instance.on('reqError', (error) => (firstError ??= error.message));
    instance.on('reqMismatch', (text) => (firstError ??= `unexpected answer: ${String(text).slice(0, 300)}`));
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      const now = process.hrtime.bigint();
      if (now < from || now > to) return;
      responses++;
      if (statusCode === 200 && histogram) histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
    });
  });
}

module.exports = { runAutocannon, newHistogram, assertLoopback };
