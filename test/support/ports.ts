/**
 * Ports for the processes a test starts, free of races with every other test process on the machine.
 *
 * Why not "bind port 0, read it back, release it": between the release and the service's own bind
 * (seconds on PostgreSQL, where the harness first clones a template database) the kernel may hand
 * the same number to another jest worker's port-0 bind or to any outgoing connection's local port.
 * CI once saw it: a system's energy service could not bind, the port answered `/ready` for another
 * system's energy, and that one refused this system's signatures (401) for a whole file.
 *
 * So ports come from below the kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`),
 * which the kernel never assigns on its own, and each is claimed with an exclusive lock file
 * (`<tmpdir>/huishang-e2e-ports/<port>`, holding the claiming process's pid) before it is checked
 * bindable. A claim lasts until `releasePorts` or the claiming process's exit; a lock whose process
 * is gone is taken over. Two jest runs on one machine (SQLite and PostgreSQL side by side) share it.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Lowest port handed out; below it sit the well-known services a developer's machine may run. */
const LOWEST = Number(process.env.E2E_PORT_LOWEST || 20_000);
const LOCKS = process.env.E2E_PORT_LOCKS || join(tmpdir(), 'huishang-e2e-ports');

/** First port of the kernel's ephemeral range (32768 on Linux by default, where the file is missing). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const HIGHEST = Number(process.env.E2E_PORT_HIGHEST || ephemeralLow() - 1);
const claimed = new Set<number>();
let exitHookInstalled = false;

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the port's lock file if no live process holds it; a dead holder's lock is taken over once. */
function lock(port: number): boolean {
  const file = join(LOCKS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = NaN;
      try {
        holder = Number(readFileSync(file, 'utf8'));
      } catch {
        continue; // released between our open and read: try again
      }
      // A lock being written has no pid yet (NaN): leave it to its writer.
      if (Number.isNaN(holder) || alive(holder)) return false;
      try {
        unlinkSync(file);
      } catch {
        /* another process took it over first */
      }
    }
  }
  return false;
}

function unlock(port: number): void {
  claimed.delete(port);
  try {
    if (Number(readFileSync(join(LOCKS, String(port)), 'utf8')) === process.pid) unlinkSync(join(LOCKS, String(port)));
  } catch {
    /* already gone */
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolveBindable) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveBindable(false));
    // Every address, as the services bind: a port free on 127.0.0.1 only would still fail them.
    server.listen(port, () => server.close(() => resolveBindable(true)));
  });
}

/**
 * `count` distinct ports nothing listens on and no other test process holds, claimed for this
 * process until `releasePorts(ports)` or its exit. Throws when the range [E2E_PORT_LOWEST,
 * E2E_PORT_HIGHEST] (default 20000 to just below the ephemeral range) has no free port left.
 */
export async function claimPorts(count: number): Promise<number[]> {
  mkdirSync(LOCKS, { recursive: true });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => [...claimed].forEach(unlock));
  }
  const span = HIGHEST - LOWEST + 1;
  // A random start spreads concurrent claimers over the range, so they rarely contend for one lock.
  const start = Math.floor(Math.random() * span);
  const ports: number[] = [];
  for (let i = 0; i < span && ports.length < count; i++) {
    const port = LOWEST + ((start + i) % span);
    if (claimed.has(port) || !lock(port)) continue;
    if (await bindable(port)) {
      claimed.add(port);
      ports.push(port);
    } else {
      unlinkSync(join(LOCKS, String(port))); // someone outside the tests listens there
    }
  }
  if (ports.length < count) {
    releasePorts(ports);
    throw new Error(`claimPorts: only ${ports.length} of ${count} free ports in ${LOWEST}–${HIGHEST} (E2E_PORT_LOWEST, E2E_PORT_HIGHEST); stale locks are in ${LOCKS}`);
  }
  return ports;
}

/** Gives claimed ports back (a port not claimed by this process is left alone). */
export function releasePorts(ports: readonly number[]): void {
  for (const port of ports) if (claimed.has(port)) unlock(port);
}

/** Ports this process holds now. */
export function claimedPorts(): number[] {
  return [...claimed];
}
