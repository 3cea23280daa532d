/**
 * The Kubernetes manifests (deploy/kubernetes), rendered the way an operator renders them —
 * `kubectl kustomize` — and every rendered object validated against the Kubernetes OpenAPI schemas
 * (kubernetes-models), then checked against the code: ports, probes, the gateway's subgraph URLs,
 * secrets, NetworkPolicies that let only the gateway reach a subgraph, and migrations as a Job.
 * No cluster runs here; `.ci/run` installs kubectl where it is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_PORTS, SUBGRAPH_NAMES, portVariable, urlVariable } from '@huishang/schema';

const ROOT = resolve(__dirname, '../..');
const KUBERNETES = join(ROOT, 'deploy', 'kubernetes');
const SERVICES = [...SUBGRAPH_NAMES, 'gateway'] as const;

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

function render(dir: string): Manifest[] {
  const text = execFileSync('kubectl', ['kustomize', join(KUBERNETES, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest)
    .filter(Boolean);
}

/** The kubernetes-models class for an apiVersion and kind: `apps/v1` Deployment → kubernetes-models/apps/v1/Deployment. */
function modelOf(manifest: Manifest): new (data: unknown) => { validate(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(`kubernetes-models/${manifest.apiVersion}/${manifest.kind}`) as Record<string, new (data: unknown) => { validate(): void }>;
  return module[manifest.kind];
}

function validate(manifest: Manifest): void {
  const Model = modelOf(manifest);
  new Model(manifest).validate();
}

const find = (manifests: Manifest[], kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
const containerOf = (workload: Manifest) => workload.spec.template.spec.containers[0];
const envOf = (workload: Manifest): Record<string, any> => Object.fromEntries((containerOf(workload).env ?? []).map((e: any) => [e.name, e]));
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);

// What the code reads from the environment, comments removed (as test/compose checks docker-compose.yml).
function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}
const code = [join(ROOT, 'schema', 'src'), join(ROOT, 'gateway', 'src'), ...SUBGRAPH_NAMES.map((n) => join(ROOT, 'subgraphs', n, 'src'))]
  .flatMap(sourceFiles)
  .map((file) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1'))
  .join('\n');
function codeReads(name: string): boolean {
  if (new RegExp(`env\\??\\.${name}\\b|['"\`]${name}['"\`]`).test(code)) return true;
  // Names the kit builds: <SERVICE>_PORT, <SUBGRAPH>_URL, <DATABASE>_DATABASE_URL (access: the gateway's).
  if ([...SERVICES].some((s) => portVariable(s) === name) || SUBGRAPH_NAMES.some((s) => urlVariable(s) === name)) return true;
  return /^(INDUSTRY|FINANCE|ENERGY|STATISTICS|HR|ACCESS)_DATABASE_URL$/.test(name) && /env\[`\$\{\w+\.toUpperCase\(\)\}_DATABASE_URL`\]/.test(code);
}

const rendered: Record<string, Manifest[]> = {};
beforeAll(() => {
  for (const dir of ['base', 'overlays/production']) {
    try {
      rendered[dir] = render(dir);
    } catch (error) {
      const e = error as { code?: string; stderr?: string; message: string };
      throw new Error(
        e.code === 'ENOENT'
          ? 'kubectl is not installed: apt-get install kubernetes-client (Debian), as .ci/run does'
          : `kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`,
      );
    }
  }
});

describe.each(['base', 'overlays/production'])('kubectl kustomize deploy/kubernetes/%s', (dir) => {
  const manifests = () => rendered[dir];

  test('renders, and every object is valid against the Kubernetes schemas', () => {
    expect(manifests().length).toBeGreaterThan(20);
    for (const manifest of manifests()) {
      expect(() => validate(manifest)).not.toThrow();
    }
  });

  test.each([...SERVICES])('%s: a Deployment probed on /ready and /health at its port, with resources, a Service, an HPA and a PDB', (name) => {
    const all = manifests();
    const deployment = find(all, 'Deployment', name)!;
    expect(deployment).toBeDefined();
    const podLabels = deployment.spec.template.metadata.labels;
    expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
    const container = containerOf(deployment);
    const port = DEFAULT_PORTS[name];
    expect(container.ports.map((p: any) => p.containerPort)).toEqual([port]);
    expect(envOf(deployment)[portVariable(name)].value).toBe(String(port));
    expect(envOf(deployment).HOST.value).toBe('0.0.0.0');
    const portName = container.ports[0].name;
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: portName });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: portName });
    expect(container.resources.requests.cpu).toBeDefined();
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(container.securityContext.runAsNonRoot).toBe(true);
    // Pods never migrate: the Job does, before them.
    expect(envOf(deployment).HUISHANG_MIGRATE.value).toBe('off');
    expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(port));

    const service = find(all, 'Service', name)!;
    expect(matches(service.spec.selector, podLabels)).toBe(true);
    expect(service.spec.ports[0].port).toBe(port);

    const hpa = find(all, 'HorizontalPodAutoscaler', name)!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);

    const pdb = find(all, 'PodDisruptionBudget', name)!;
    expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
  });

  test.each([...SUBGRAPH_NAMES])('the gateway finds %s by its Service name and port', (name) => {
    const url = new URL(envOf(find(manifests(), 'Deployment', 'gateway')!)[urlVariable(name)].value);
    expect(url.hostname).toBe(name);
    expect(Number(url.port)).toBe(find(manifests(), 'Service', name)!.spec.ports[0].port);
    expect(url.pathname).toBe('/graphql');
  });

  test('only the gateway (and the monitoring namespace) may open a connection to a subgraph', () => {
    const all = manifests();
    const policies = all.filter((m) => m.kind === 'NetworkPolicy');
    const podLabelsOf = (m: Manifest) => m.spec.template.metadata.labels as Record<string, string>;
    const workloads = all.filter((m) => m.kind === 'Deployment' || m.kind === 'Job');
    for (const name of SUBGRAPH_NAMES) {
      const target = podLabelsOf(find(all, 'Deployment', name)!);
      const selecting = policies.filter((p) => matches(p.spec.podSelector.matchLabels, target) && p.spec.policyTypes.includes('Ingress'));
      expect(selecting.length).toBeGreaterThan(0);
      const peers = selecting.flatMap((p) => (p.spec.ingress ?? []).flatMap((rule: any) => rule.from ?? [{}]));
      // No rule without `from` (that would admit everyone).
      expect(peers.every((peer: any) => peer.podSelector || peer.namespaceSelector)).toBe(true);
      const admitted = (labels: Record<string, string>) => peers.some((peer: any) => peer.podSelector && !peer.namespaceSelector && matches(peer.podSelector.matchLabels, labels));
      for (const workload of workloads) {
        expect([workload.metadata.name, admitted(podLabelsOf(workload))]).toEqual([workload.metadata.name, workload.metadata.name === 'gateway']);
      }
      for (const peer of peers.filter((p: any) => p.namespaceSelector)) expect(peer.namespaceSelector.matchLabels).toEqual({ 'huishang.io/monitoring': 'true' });
    }
    // And everything else in the namespace is closed unless a policy opens it.
    expect(policies.some((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress)).toBe(true);
  });

  test('migrations run as a Job (scripts/migrate.js, HUISHANG_MIGRATE=only per service) on the same databases as the services', () => {
    const all = manifests();
    const job = all.find((m) => m.kind === 'Job')!;
    expect(containerOf(job).command).toEqual(['node', 'scripts/migrate.js']);
    expect(readFileSync(join(ROOT, 'scripts', 'migrate.js'), 'utf8')).toMatch(/HUISHANG_MIGRATE: 'only'/);
    expect(job.spec.template.spec.restartPolicy).toMatch(/OnFailure|Never/);
    const databaseOf = (env: Record<string, any>) => env.DATABASE_URL.valueFrom.secretKeyRef;
    for (const name of SERVICES) expect(databaseOf(envOf(find(all, 'Deployment', name)!))).toEqual(databaseOf(envOf(job)));
  });

  test('every variable set is one the code reads; secrets come from huishang-database and huishang-signing; Redis is the redis Service', () => {
    const all = manifests();
    const huishang = all.filter((m) => (m.kind === 'Deployment' || m.kind === 'Job') && m.metadata.name !== 'redis');
    const unread = huishang.flatMap((w) => Object.keys(envOf(w))).filter((name) => !codeReads(name));
    expect(unread).toEqual([]);
    const refs = huishang.flatMap((w) => Object.values(envOf(w)).map((e: any) => e.valueFrom?.secretKeyRef).filter(Boolean));
    expect(new Set(refs.map((r: any) => r.name))).toEqual(new Set(['huishang-database', 'huishang-signing']));
    // Keys that are not optional exist in the base's secret (production creates the same secrets by hand).
    const base = rendered.base;
    for (const ref of refs.filter((r: any) => !r.optional)) {
      expect([ref.name, ref.key, Object.keys(find(base, 'Secret', ref.name)!.stringData)]).toEqual([ref.name, ref.key, expect.arrayContaining([ref.key])]);
    }
    const redisPort = find(all, 'Service', 'redis')!.spec.ports[0].port;
    for (const name of SERVICES) expect(envOf(find(all, 'Deployment', name)!).REDIS_URL.value).toBe(`redis://redis:${redisPort}/0`);
  });
});

describe('the production overlay', () => {
  test('has its own namespace, released images, production mode, no demo data and no placeholder secrets', () => {
    const all = rendered['overlays/production'];
    expect(all.filter((m) => m.kind === 'Secret')).toEqual([]);
    expect(find(all, 'Namespace', 'huishang')).toBeDefined();
    for (const manifest of all.filter((m) => m.kind !== 'Namespace')) expect([manifest.kind, manifest.metadata.name, manifest.metadata.namespace]).toEqual([manifest.kind, manifest.metadata.name, 'huishang']);
    for (const name of SERVICES) {
      const deployment = find(all, 'Deployment', name)!;
      expect(containerOf(deployment).image).toMatch(/:[\w.-]+$/);
      expect(envOf(deployment).HUISHANG_MODE.value).toBe('production');
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(3);
    }
    expect(envOf(all.find((m) => m.kind === 'Job')!).HUISHANG_SEED.value).toBe('off');
  });
});

describe('the schema validation can fail', () => {
  test('a Deployment with replicas "two" is refused', () => {
    const deployment = JSON.parse(JSON.stringify(find(rendered.base, 'Deployment', 'gateway')));
    deployment.spec.replicas = 'two';
    expect(() => validate(deployment)).toThrow(/replicas/);
  });
});
