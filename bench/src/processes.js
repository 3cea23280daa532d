'use strict';
/**
 * The processes a benchmark run starts: five subgraphs, our gateway, Hive Gateway. Each on a free
 * loopback port, its output in a log file, stopped with SIGTERM (SIGKILL after 15 s).
 *
 * Same ideas as the end-to-end harness (test/support/system.ts), plus what a benchmark needs: the
 * pid of every process (peak RSS and CPU time come from /proc) and services started from any
 * entry script (a second build of our gateway can run beside the current one).
 */
const { spawn } = require('node:child_process');
const { createWriteStream, readFileSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const http = require('node:http');

const STOP_TIMEOUT_MS = 15_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nothing listens on right now (bind 0, read it back, release it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Processes still running: killed if the benchmark itself dies. */
const live = new Set();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts `node <args…>` with `env`, output appended to `logFile`. Returns the managed process:
 * { name, port, pid, child, exited (promise), output() (the last 64 KB) }.
 */
function startProcess({ name, args, env, port, logFile, cwd, nodeArgs = [] }) {
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const log = createWriteStream(logFile, { flags: 'a' });
  let tail = '';
  const capture = (chunk) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout.on('data', capture);
  child.stderr.on('data', capture);
  const managed = { name, port, pid: child.pid, child, logFile, output: () => tail, exit: null };
  managed.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      managed.exit = { code, signal };
      log.end();
      resolve(managed.exit);
    });
    child.once('error', (error) => {
      capture(Buffer.from(`\n[bench] spawn failed: ${error.message}\n`));
      live.delete(child);
      managed.exit = { code: null, signal: null };
      resolve(managed.exit);
    });
  });
  return managed;
}

function getStatus(url, timeoutMs = 5_000) {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

/** Polls `url` until it answers 200; fails at once if the process exits, quoting what it printed. */
async function waitReady(managed, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (managed.exit) {
      throw new Error(`${managed.name} exited (${JSON.stringify(managed.exit)}) before it was ready. Its output:\n${managed.output().slice(-6000)}`);
    }
    if ((await getStatus(url)) === 200) return;
    await sleep(200);
  }
  throw new Error(`${managed.name} was not ready at ${url} within ${Math.round(timeoutMs / 1000)} s. Its output:\n${managed.output().slice(-6000)}`);
}

async function stopProcess(managed) {
  if (!managed || managed.exit) return;
  managed.child.kill('SIGTERM');
  const timer = setTimeout(() => managed.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await managed.exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// /proc: memory and CPU time of a process

/** { rssMB, peakMB } from /proc/<pid>/status (VmRSS, VmHWM). */
function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number((new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status) ?? [])[1] ?? NaN);
    return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMB: NaN, peakMB: NaN };
  }
}

/** Resets the peak-RSS mark (VmHWM) to the current RSS, so the next peak is this run's. Linux ≥ 4.0. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU time of a process, in ms. */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** CPU time the whole machine spent busy (all cores, all processes), in ms, from /proc/stat. */
function machineBusyMs() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

module.exports = { freePort, freePorts, startProcess, waitReady, stopProcess, getStatus, memory, resetPeak, cpuMs, machineBusyMs, sleep };
