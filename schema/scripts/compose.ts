/**
 * Composes the committed supergraph from the SDL of the subgraphs the registry lists (subgraphs/departments.json).
 *   node schema/dist/scripts/compose.js          write schema/subgraphs/*.graphql, schema/supergraph.graphql,
 *                                                schema/supergraph.yaml (rover's config) and schema/router.yaml
 *                                                (Apollo Router's), both from the registry, and the
 *                                                departments' Kubernetes manifests (deploy/kubernetes) and
 *                                                their parts of docker-compose.yml and the Dockerfile
 *   node schema/dist/scripts/compose.js --check  fail if composition errors or the committed files are stale
 * Each subgraph's SDL is printed in its own process: type-graphql keeps one global metadata store,
 * and five schemas with the same type names must not share it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { departmentRegistry } from '../src/kit/registry';
import { DEFAULT_PORTS, SUBGRAPH_NAMES } from '../src/kit/services';

const repo = resolve(__dirname, '../../..');
const schemaDir = join(repo, 'schema');

function subgraphSdl(name: string): string {
  // The department's package entry point (the registry's `package`) exports its definition under its name.
  const { folder, package: pkg } = departmentRegistry().departments.find((d) => d.name === name)!;
  const entry = join(repo, folder, 'dist', 'src', 'subgraph.js');
  if (!existsSync(entry)) throw new Error(`${relative(repo, entry)} is missing: run \`npx tsc -b\` first`);
  const program = `require('reflect-metadata');
const { subgraphSdl } = require(${JSON.stringify(join(repo, 'schema', 'dist', 'src', 'kit', 'subgraph.js'))});
subgraphSdl(require(${JSON.stringify(pkg)})[${JSON.stringify(name)}]).then((sdl) => process.stdout.write(sdl), (e) => { console.error(e); process.exit(1); });`;
  return execFileSync(process.execPath, ['-e', program], { cwd: repo, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

/** The gateway's own subgraph (who am I, the audit trail), executed in the gateway's process. */
function auditSubgraph(): { sdl: string; name: string; url: string } {
  if (!existsSync(join(repo, 'gateway', 'dist', 'src', 'access', 'index.js'))) throw new Error('gateway/dist is missing: run `npx tsc -b` first');
  // The gateway's face for other packages (`@huishang/gateway/access`); its main entry runs a gateway.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const audit = require('@huishang/gateway/access') as { AUDIT_SDL: string; AUDIT_SUBGRAPH_NAME: string; AUDIT_ROUTING_URL: string };
  return { sdl: audit.AUDIT_SDL, name: audit.AUDIT_SUBGRAPH_NAME, url: audit.AUDIT_ROUTING_URL };
}

/** rover's composition config: the registry's subgraphs at their default ports, and the gateway's own. */
function roverConfig(auditUrl: string): string {
  return [
    '# rover supergraph compose --config schema/supergraph.yaml  (for teams that use rover; our own',
    '# script, `npm run compose`, composes the same files with @apollo/composition 2.14).',
    '# Written by `npm run compose` from the registry of departments (subgraphs/departments.json).',
    'federation_version: =2.14.4',
    'subgraphs:',
    ...SUBGRAPH_NAMES.flatMap((name) => [
      `  ${name}:`,
      `    routing_url: http://localhost:${DEFAULT_PORTS[name]}/graphql`,
      `    schema: { file: ./subgraphs/${name}.graphql }`,
    ]),
    "  # The gateway's own subgraph (viewer, audit trail): executed inside @huishang/gateway.",
    '  audit:',
    `    routing_url: ${auditUrl}`,
    '    schema: { file: ./subgraphs/audit.graphql }',
    '',
  ].join('\n');
}

/** Apollo Router's config (schema/router.yaml, hand-written): its region of subgraph URLs, the registry's at their default ports. */
function routerConfig(): string {
  return withRegions(join(schemaDir, 'router.yaml'), {
    'subgraph-urls': SUBGRAPH_NAMES.map((name) => `${name}: http://localhost:${DEFAULT_PORTS[name]}/graphql`),
  });
}

/** A header for the files `npm run compose` writes into deploy/. */
const GENERATED = '# Written by `npm run compose` from the registry of departments (subgraphs/departments.json): do not edit.';

/**
 * Kubernetes (deploy/kubernetes): every department's Deployment, Service, HorizontalPodAutoscaler
 * and PodDisruptionBudget (base/departments.yaml), the gateway's `<NAME>_URL`s (a patch,
 * base/gateway-subgraphs.yaml) and production's sizes and released images
 * (overlays/production/departments.yaml), all from the registry: a department needs no manifest
 * of its own. What every department shares is written once, here.
 */
function kubernetesFiles(): Map<string, string> {
  const departments = departmentRegistry().departments;
  const base = departments.map(({ name, port, nameZh, nameEn }) => {
    const NAME = name.toUpperCase();
    return `# The ${name} subgraph — ${nameZh} (${nameEn}). Only the gateway reaches it (networkpolicies.yaml);
# its database is migrated by the migration Job (migrate-job.yaml), so pods start with HUISHANG_MIGRATE=off.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/component: subgraph }
spec:
  replicas: 2
  selector:
    matchLabels: { app.kubernetes.io/name: ${name} }
  template:
    metadata:
      labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/component: subgraph }
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "${port}"
        prometheus.io/path: /metrics
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: ${name}
          image: huishang-${name}
          ports:
            - { name: http, containerPort: ${port} }
          env:
            - { name: ${NAME}_PORT, value: "${port}" }
            - { name: HOST, value: 0.0.0.0 }
            - { name: HUISHANG_MIGRATE, value: "off" }
            - { name: HUISHANG_SEED, value: "off" }
            - name: DATABASE_URL
              valueFrom: { secretKeyRef: { name: huishang-database, key: DATABASE_URL } }
            - name: ${NAME}_DATABASE_URL
              valueFrom: { secretKeyRef: { name: huishang-database, key: ${NAME}_DATABASE_URL, optional: true } }
            - name: HUISHANG_GATEWAY_PUBLIC_KEY
              valueFrom: { secretKeyRef: { name: huishang-signing, key: HUISHANG_GATEWAY_PUBLIC_KEY } }
            - { name: REDIS_URL, value: "redis://redis:6379/0" }
          resources:
            requests: { cpu: 100m, memory: 192Mi }
            limits: { memory: 512Mi }
          readinessProbe:
            httpGet: { path: /ready, port: http }
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          livenessProbe:
            httpGet: { path: /health, port: http }
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 6
          startupProbe:
            httpGet: { path: /health, port: http }
            periodSeconds: 2
            failureThreshold: 60
          securityContext:
            runAsNonRoot: true
            runAsUser: 1000
            allowPrivilegeEscalation: false
            capabilities: { drop: [ALL] }
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/component: subgraph }
spec:
  selector: { app.kubernetes.io/name: ${name} }
  ports:
    - { name: http, port: ${port}, targetPort: http }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
spec:
  minAvailable: 1
  selector:
    matchLabels: { app.kubernetes.io/name: ${name} }
`;
  });
  const gateway = [
    GENERATED,
    "# The gateway's subgraph URLs: each department's Service by name and port (a patch of gateway.yaml).",
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: gateway',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: gateway',
    '          env:',
    ...departments.map(({ name, port }) => `            - { name: ${name.toUpperCase()}_URL, value: "http://${name}:${port}/graphql" }`),
    '',
  ].join('\n');
  const production = departments.map(({ name }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: ${name}
          image: registry.example.gov.cn/huishang/${name}:0.1.0
          env:
            - { name: HUISHANG_MODE, value: production }
          resources:
            requests: { cpu: 250m, memory: 384Mi }
            limits: { memory: 1Gi }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  minReplicas: 3
  maxReplicas: 8
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
spec:
  minAvailable: 2`);
  const deploy = join(repo, 'deploy', 'kubernetes');
  return new Map([
    [join(deploy, 'base', 'departments.yaml'), `${GENERATED}\n${base.join('---\n')}`],
    [join(deploy, 'base', 'gateway-subgraphs.yaml'), gateway],
    [join(deploy, 'overlays', 'production', 'departments.yaml'), `${GENERATED}\n# Production: more replicas and resources, production mode, the released image of each department.\n${production.join('\n---\n')}\n`],
  ]);
}

/**
 * Rewrites the regions of a hand-written file that list the departments: the lines between
 * `<indent># <<< npm run compose: <key>…` and `<indent># >>> npm run compose: <key>`, kept as
 * markers. A file without a region's markers is an error naming it.
 */
function withRegions(path: string, regions: Record<string, string[]>): string {
  let text = readFileSync(path, 'utf8');
  for (const [key, lines] of Object.entries(regions)) {
    const pattern = new RegExp(`^([ \\t]*)# <<< npm run compose: ${key}\\b.*\\n[\\s\\S]*?^[ \\t]*# >>> npm run compose: ${key}$`, 'm');
    const found = pattern.exec(text);
    if (!found) throw new Error(`${relative(repo, path)} has no region "${key}" (# <<< npm run compose: ${key} … # >>> npm run compose: ${key})`);
    const indent = found[1];
    const [open] = found[0].split('\n');
    text = text.replace(pattern, [open, ...lines.map((l) => (l ? indent + l : l)), `${indent}# >>> npm run compose: ${key}`].join('\n'));
  }
  return text;
}

/** docker-compose.yml and the Dockerfile: their department regions, from the registry. */
function containerFiles(): Map<string, string> {
  const departments = departmentRegistry().departments;
  const ready = (port: number) => `test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${port}/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]`;
  const compose = withRegions(join(repo, 'docker-compose.yml'), {
    departments: departments.flatMap(({ name, port }) => [
      `${name}:`,
      '  <<: *subgraph',
      `  build: { <<: *build, args: { SERVICE: ${name} } }`,
      `  environment: { <<: *subgraph-env, ${name.toUpperCase()}_PORT: "${port}" }`,
      '  healthcheck:',
      '    <<: *healthcheck',
      `    ${ready(port)}`,
      '',
    ]).slice(0, -1),
    'gateway-urls': departments.map(({ name, port }) => `${name.toUpperCase()}_URL: http://${name}:${port}/graphql`),
    'gateway-depends': departments.map(({ name }) => `${name}: { condition: service_healthy }`),
  });
  const dockerfile = withRegions(join(repo, 'Dockerfile'), {
    manifests: departments.map(({ folder }) => `COPY ${folder}/package.json ${folder}/`),
  });
  return new Map([
    [join(repo, 'docker-compose.yml'), compose],
    [join(repo, 'Dockerfile'), dockerfile],
  ]);
}

function main(): void {
  const check = process.argv.includes('--check');
  const files = new Map<string, string>();
  const services: { name: string; typeDefs: ReturnType<typeof parse>; url: string }[] = SUBGRAPH_NAMES.map((name) => {
    const sdl = subgraphSdl(name);
    files.set(join(schemaDir, 'subgraphs', `${name}.graphql`), sdl.endsWith('\n') ? sdl : `${sdl}\n`);
    return { name, typeDefs: parse(sdl), url: `http://localhost:${DEFAULT_PORTS[name]}/graphql` };
  });
  const audit = auditSubgraph();
  files.set(join(schemaDir, 'subgraphs', `${audit.name}.graphql`), audit.sdl);
  services.push({ name: audit.name, typeDefs: parse(audit.sdl), url: audit.url });
  const result = composeServices(services);
  if (result.errors) {
    console.error('Composition failed:');
    for (const error of result.errors) console.error(`  - ${error.message}`);
    process.exit(1);
  }
  for (const hint of result.hints ?? []) console.warn(`hint: ${hint.definition.code}: ${hint.message}`);
  files.set(join(schemaDir, 'supergraph.yaml'), roverConfig(audit.url));
  files.set(join(schemaDir, 'router.yaml'), routerConfig());
  for (const [path, text] of [...kubernetesFiles(), ...containerFiles()]) files.set(path, text);
  files.set(join(schemaDir, 'supergraph.graphql'), result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`);

  if (check) {
    const stale = [...files].filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text).map(([path]) => relative(repo, path));
    if (stale.length) {
      console.error(`The committed supergraph is stale: ${stale.join(', ')} differ from what the subgraphs compose to.\nRun \`npm run compose\` and commit the result.`);
      process.exit(1);
    }
    console.log(`Supergraph up to date: ${services.length} subgraphs compose without errors.`);
    return;
  }
  mkdirSync(join(schemaDir, 'subgraphs'), { recursive: true });
  for (const [path, text] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  console.log(`Wrote ${[...files.keys()].map((p) => relative(repo, p)).join(', ')}`);
}

main();
