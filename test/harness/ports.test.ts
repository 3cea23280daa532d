/**
 * The harness's port claims (test/support/ports.ts): no two claimers are ever handed one port, a
 * port something listens on is never handed out, a dead process's claim is taken over and a live
 * one's is not. CI once lost a whole file to "bind port 0, release it" handing one port to two
 * systems. Each test uses its own lock directory and a range above the kernel's ephemeral range,
 * where nothing else on the machine binds, so the rest of the suite cannot disturb it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Ports = typeof import('../support/ports');

let locks: string;
let lowest: number;
beforeEach(() => {
  locks = mkdtempSync(join(tmpdir(), 'huishang-ports-test-'));
  // A fresh range per test: 61000 + a random multiple of 64 below 65472.
  lowest = 61_000 + 64 * Math.floor(Math.random() * 70);
});
afterEach(() => rmSync(locks, { recursive: true, force: true }));

/** A separate instance of the module (as another jest worker would load it) over `size` ports. */
function instance(size: number): Ports {
  const saved = { ...process.env };
  Object.assign(process.env, { E2E_PORT_LOCKS: locks, E2E_PORT_LOWEST: String(lowest), E2E_PORT_HIGHEST: String(lowest + size - 1) });
  let ports!: Ports;
  jest.isolateModules(() => {
    ports = jest.requireActual('../support/ports');
  });
  process.env = saved;
  return ports;
}

const listen = (port: number) =>
  new Promise<Server>((resolveServer, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, () => resolveServer(server));
  });

test('claimers running at once share a range without ever sharing a port', async () => {
  const claimers = [instance(48), instance(48), instance(48)];
  const claims = await Promise.all(claimers.map((claimer) => claimer.claimPorts(16)));
  const all = claims.flat();
  expect(all).toHaveLength(48);
  expect(new Set(all).size).toBe(48);
  expect(all.every((port) => port >= lowest && port < lowest + 48)).toBe(true);
  // The range is spent: a fourth claimer is refused with the settings to change.
  await expect(instance(48).claimPorts(1)).rejects.toThrow(/only 0 of 1 free ports .*E2E_PORT_LOWEST, E2E_PORT_HIGHEST/);
  // Released ports are claimable again, by anyone.
  claimers[0].releasePorts(claims[0]);
  expect((await instance(48).claimPorts(16)).sort()).toEqual([...claims[0]].sort());
});

test('a port something listens on is never handed out', async () => {
  const server = await listen(lowest + 1);
  try {
    const ports = instance(3);
    expect((await ports.claimPorts(2)).sort()).toEqual([lowest, lowest + 2]);
    await expect(ports.claimPorts(1)).rejects.toThrow(/only 0 of 1/);
  } finally {
    await new Promise((done) => server.close(done));
  }
});

test('a dead claimer’s lock is taken over; a live one’s is respected', async () => {
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout);
  const living = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    const ports = instance(2);
    writeFileSync(join(locks, String(lowest)), String(living.pid));
    writeFileSync(join(locks, String(lowest + 1)), String(deadPid));
    expect(await ports.claimPorts(1)).toEqual([lowest + 1]);
    await expect(ports.claimPorts(1)).rejects.toThrow(/only 0 of 1/);
    expect(readdirSync(locks).sort()).toEqual([String(lowest), String(lowest + 1)]);
    ports.releasePorts([lowest, lowest + 1]);
    // Its own lock is gone; the living process's lock stays (it was never this claimer's).
    expect(existsSync(join(locks, String(lowest + 1)))).toBe(false);
    expect(existsSync(join(locks, String(lowest)))).toBe(true);
  } finally {
    living.kill('SIGKILL');
  }
});
