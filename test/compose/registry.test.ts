/**
 * The registry of departments (subgraphs/departments.json) is the one list: the kit, `npm start`,
 * the CLI, the harness and the composition read it, and what cannot read it (the Dockerfile,
 * docker-compose.yml, the Kubernetes manifests) is checked against it here and in
 * docker-compose.test.ts / kubernetes.test.ts; Apollo Router's and rover's configs are written from
 * it by `npm run compose` (and checked here), CI reads it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { departmentRegistry, DEFAULT_PORTS, MEETING_SECRETARIAT, parseRegistry, SUBGRAPH_NAMES } from '@huishang/schema';
import { SUBGRAPHS } from '../support/system';

const ROOT = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const registry = JSON.parse(read('subgraphs/departments.json')) as {
  gateway: { port: number };
  secretariat: string;
  departments: { name: string; port: number; package: string; folder: string; nameZh: string; nameEn: string; registerTable: string }[];
};
const NAMES = registry.departments.map((d) => d.name);

describe('the registry', () => {
  test('is what the kit and the harness run with', () => {
    expect(NAMES.length).toBeGreaterThan(0);
    expect([...SUBGRAPH_NAMES]).toEqual(NAMES);
    expect([...SUBGRAPHS]).toEqual(NAMES);
    expect(DEFAULT_PORTS).toEqual({ gateway: registry.gateway.port, ...Object.fromEntries(registry.departments.map((d) => [d.name, d.port])) });
    expect(MEETING_SECRETARIAT).toBe(registry.secretariat);
    expect(departmentRegistry().departments.map((d) => d.name)).toEqual(NAMES);
  });

  test('lists every package under subgraphs/, and each entry names its folder, its package and what its entry point exports', () => {
    const folders = readdirSync(join(ROOT, 'subgraphs'))
      .filter((name) => statSync(join(ROOT, 'subgraphs', name)).isDirectory() && existsSync(join(ROOT, 'subgraphs', name, 'package.json')))
      .map((name) => `subgraphs/${name}`);
    expect(folders.sort()).toEqual(registry.departments.map((d) => d.folder).sort());
    for (const entry of registry.departments) {
      const manifest = JSON.parse(read(`${entry.folder}/package.json`)) as { name: string; main: string };
      expect({ [entry.name]: manifest.name }).toEqual({ [entry.name]: entry.package });
      // The entry point is the definition (the CLI loads it by package name); the process is dist/src/index.js.
      expect({ [entry.name]: manifest.main }).toEqual({ [entry.name]: 'dist/src/subgraph.js' });
      expect(existsSync(join(ROOT, entry.folder, 'src', 'index.ts'))).toBe(true);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const definition = (require(join(ROOT, entry.folder, 'src', 'subgraph.ts')) as Record<string, { name: string; department: string }>)[entry.name];
      expect(definition?.name).toBe(entry.name);
      expect(definition.department).toContain(entry.nameZh);
    }
  });

  test('a registry with a clash or a gap is refused, naming the entry and the field', () => {
    const base = JSON.parse(read('subgraphs/departments.json')) as typeof registry;
    const variant = (change: (r: typeof registry) => void) => {
      const copy = JSON.parse(JSON.stringify(base)) as typeof registry;
      change(copy);
      return () => parseRegistry(JSON.stringify(copy));
    };
    const [first, second] = base.departments;
    expect(variant((r) => (r.departments[1].port = first.port))).toThrow(`departments[1] (${second.name}).port ${first.port} is also ${first.name}'s`);
    expect(variant((r) => (r.departments[0].port = r.gateway.port))).toThrow(`port ${base.gateway.port} is also gateway's`);
    expect(variant((r) => r.departments.push({ ...first }))).toThrow(`(${first.name}).name is listed twice`);
    expect(variant((r) => (r.departments[0].nameZh = ''))).toThrow(`departments[0] (${first.name}).nameZh must be a non-empty string`);
    expect(variant((r) => (r.departments[0].name = 'Tax-Bureau'))).toThrow('departments[0] (Tax-Bureau).name must be lower-case letters and digits');
    expect(variant((r) => Object.assign(r.departments[0], { aliases: ['ok', ''] }))).toThrow(`departments[0] (${first.name}).aliases must be a list of non-empty strings`);
    expect(variant((r) => Object.assign(r.departments[0], { ownerName: 7 }))).toThrow(`departments[0] (${first.name}).ownerName must be a non-empty string`);
    expect(variant((r) => (r.secretariat = 'nobody'))).toThrow('secretariat must name one of the departments, got "nobody"');
    expect(() => parseRegistry(read('subgraphs/departments.json'))).not.toThrow();
  });
});

describe('what cannot read the registry agrees with it', () => {
  test('Apollo Router (schema/router.yaml) overrides exactly the registry subgraphs, at their default ports', () => {
    const router = parse(read('schema/router.yaml')) as { override_subgraph_url: Record<string, string> };
    expect(router.override_subgraph_url).toEqual(Object.fromEntries(registry.departments.map((d) => [d.name, `http://localhost:${d.port}/graphql`])));
  });

  test('rover (schema/supergraph.yaml, written by npm run compose) composes exactly the registry subgraphs and the gateway\'s own', () => {
    const rover = parse(read('schema/supergraph.yaml')) as { subgraphs: Record<string, { routing_url: string }> };
    expect(Object.keys(rover.subgraphs)).toEqual([...NAMES, 'audit']);
    for (const d of registry.departments) expect(rover.subgraphs[d.name].routing_url).toBe(`http://localhost:${d.port}/graphql`);
  });

  test('docker-compose.yml has a service per department and no other subgraph', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { build?: { args?: { SERVICE?: string } } }> };
    const built = Object.values(compose.services)
      .map((s) => s.build?.args?.SERVICE)
      .filter((s): s is string => !!s && s !== 'gateway');
    expect(built.sort()).toEqual([...NAMES].sort());
  });

  test('the Dockerfile copies every department manifest (written by npm run compose) and runs any registry department as a SERVICE', () => {
    const dockerfile = read('Dockerfile');
    for (const d of registry.departments) expect(dockerfile).toContain(`COPY ${d.folder}/package.json ${d.folder}/`);
    expect(dockerfile).toMatch(/^# SERVICE is gateway or a department of subgraphs\/departments\.json\.$/m);
  });

  test('.ci/run clears every department\'s database variable before the SQLite run (the list read from the registry)', () => {
    const line = /^unset (.+)$/m.exec(read('.ci/run'))?.[1] ?? '';
    const command = /^DATABASE_URL \$\(node -e "(.+)"\)$/.exec(line)?.[1];
    expect(command).toBeDefined();
    const unset = execFileSync(process.execPath, ['-e', command!], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    expect(unset).toEqual(NAMES.map((name) => `${name.toUpperCase()}_DATABASE_URL`));
  });
});

// That the kit and npm start name no department: kit-names.test.ts (every source file, names and indicator codes).
