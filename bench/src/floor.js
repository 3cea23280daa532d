'use strict';
/**
 * The floor: what a query costs without any gateway. The query plan our gateway would run is
 * computed with the same planner (@apollo/query-planner, from the repository's own dependencies),
 * executed once against the subgraphs to learn each subgraph request exactly (the industry fetch,
 * then the `_entities` fetches with the representations it returned), and then replayed under
 * load: each "request" of the floor sends the plan's fetches straight to the subgraphs with their
 * dependencies kept (a Sequence waits for its previous step, a Parallel's fetches go together),
 * reads every response body in full and parses none of them. No planning, merging or shaping —
 * that is the gateway's work, which the floor leaves out.
 */
const http = require('node:http');
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { REPO } = require('./system');

// The planner and graphql from the gateway's own dependency tree (one graphql instance with them).
const gatewayRequire = createRequire(join(REPO, 'gateway', 'package.json'));

let planner;
function queryPlanner() {
  if (!planner) {
    const { Supergraph } = gatewayRequire('@apollo/federation-internals');
    const { QueryPlanner } = gatewayRequire('@apollo/query-planner');
    const supergraph = Supergraph.build(readFileSync(join(REPO, 'schema', 'supergraph.graphql'), 'utf8'));
    planner = { supergraph, planner: new QueryPlanner(supergraph) };
  }
  return planner;
}

/** The query plan of an operation, and its readable form. */
function planFor(query, operationName) {
  const { operationFromDocument } = gatewayRequire('@apollo/federation-internals');
  const { prettyFormatQueryPlan } = gatewayRequire('@apollo/query-planner');
  const { parse } = gatewayRequire('graphql');
  const { supergraph, planner: qp } = queryPlanner();
  const operation = operationFromDocument(supergraph.apiSchema(), parse(query), { operationName });
  const plan = qp.buildQueryPlan(operation);
  return { plan, text: prettyFormatQueryPlan(plan) };
}

function postJson(agent, url, body, extraHeaders = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, accept: 'application/json', ...extraHeaders },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// Probe: run the plan once, merging results, to learn the exact request bodies.

function entitiesAt(data, path) {
  let current = [data];
  for (const step of path) {
    const next = [];
    for (const value of current) {
      if (value === null || value === undefined) continue;
      if (step === '@') {
        if (Array.isArray(value)) next.push(...value);
      } else {
        next.push(value[step]);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== null && v !== undefined);
}

function select(entity, selections) {
  const out = {};
  for (const selection of selections) {
    if (selection.kind === 'InlineFragment') {
      if (selection.typeCondition && entity.__typename !== selection.typeCondition) continue;
      Object.assign(out, select(entity, selection.selections));
    } else {
      const key = selection.name;
      const value = entity[key];
      out[key] = selection.selections && value !== null && value !== undefined
        ? Array.isArray(value) ? value.map((v) => select(v, selection.selections)) : select(value, selection.selections)
        : value;
    }
  }
  return out;
}

function deepMerge(target, source) {
  if (source === null || source === undefined) return;
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === 'object' && target[key] && typeof target[key] === 'object') {
      if (Array.isArray(value)) value.forEach((item, i) => (target[key][i] && typeof item === 'object' ? deepMerge(target[key][i], item) : (target[key][i] = item)));
      else deepMerge(target[key], value);
    } else {
      target[key] = value;
    }
  }
}

/**
 * Runs the plan once. Returns { replay, data, fetches } where `replay` is the plan's shape with
 * every fetch's URL and request body fixed, for the load loop.
 */
async function probe(plan, urls, variables, agent, keys) {
  const fetches = [];
  const data = {};
  const run = async (node, path) => {
    switch (node.kind) {
      case 'Sequence': {
        const steps = [];
        for (const child of node.nodes) steps.push(await run(child, path));
        return { kind: 'Sequence', nodes: steps };
      }
      case 'Parallel':
        return { kind: 'Parallel', nodes: await Promise.all(node.nodes.map((child) => run(child, path))) };
      case 'Flatten':
        return run(node.node, [...path, ...node.path]);
      case 'Fetch': {
        const used = {};
        for (const name of node.variableUsages ?? []) if (variables[name] !== undefined) used[name] = variables[name];
        const entities = entitiesAt(data, path);
        let representations;
        if (node.requires) {
          representations = entities.map((e) => select(e, node.requires)).filter((r) => r.__typename);
          used.representations = representations;
        }
        const body = Buffer.from(JSON.stringify({ query: node.operation, variables: used, operationName: node.operationName }));
        const url = urls[node.serviceName];
        if (!url) throw new Error(`the plan fetches from "${node.serviceName}", which this run did not start`);
        const response = await postJson(agent, url, body, keys.headersFor(node.serviceName, body));
        const parsed = JSON.parse(response.body.toString('utf8'));
        if (response.status !== 200 || parsed.errors) {
          throw new Error(`floor: ${node.serviceName} answered ${response.status}: ${response.body.toString('utf8').slice(0, 1000)}`);
        }
        if (node.requires) {
          parsed.data._entities.forEach((entity, i) => deepMerge(entities[i], entity));
        } else {
          for (const entity of path.length ? entities : [data]) deepMerge(entity, parsed.data);
        }
        fetches.push({ service: node.serviceName, entities: representations?.length ?? null, requestBytes: body.length, responseBytes: response.body.length });
        return { kind: 'Fetch', url, body, service: node.serviceName };
      }
      default:
        throw new Error(`floor: plan node ${node.kind} is not supported`);
    }
  };
  const replay = await run(plan.node, []);
  return { replay, data, fetches };
}

// ---------------------------------------------------------------------------------------------
// Replay under load

/** One floor request: the plan's fetches with their dependencies. Throws when any failed. */
async function replayOnce(node, agent, keys) {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await replayOnce(child, agent, keys);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => replayOnce(child, agent, keys)));
      return;
    case 'Fetch': {
      // A fresh signature per request: a subgraph accepts each once, as from the gateway.
      const response = await postJson(agent, node.url, node.body, keys.headersFor(node.service, node.body));
      // A data answer has no "errors" key; the figures themselves never contain that text.
      if (response.status !== 200 || response.body.indexOf('"errors"') !== -1) {
        throw new Error(`${node.service} answered ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`);
      }
      return;
    }
    default:
      throw new Error(`plan node ${node.kind}`);
  }
}

/**
 * Closed loop, like autocannon: `connections` virtual users, each sending its next floor request
 * as soon as the previous one finished, for `leadS + windowS`; several `replays` are taken in
 * turn. As for the gateways, only floor requests completing inside the window are counted and
 * timed (µs, into `histogram`); `sent` counts all.
 */
async function runFloor({ replays, connections, leadS = 0, windowS, histogram, keys }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections * 2 });
  const started = process.hrtime.bigint();
  const from = started + BigInt(Math.round(leadS * 1e9));
  const to = from + BigInt(Math.round(windowS * 1e9));
  let requests = 0;
  let sent = 0;
  let errors = 0;
  let next = 0;
  let firstError = null;
  const user = async () => {
    while (process.hrtime.bigint() < to) {
      const t0 = process.hrtime.bigint();
      sent++;
      let ok = true;
      try {
        await replayOnce(replays[next++ % replays.length], agent, keys);
      } catch (error) {
        ok = false;
        errors++;
        firstError ??= error.message;
      }
      const t1 = process.hrtime.bigint();
      if (t1 < from || t1 > to) continue;
      requests++;
      if (ok) histogram?.recordValue(Math.max(1, Math.round(Number(t1 - t0) / 1000)));
    }
  };
  await Promise.all(Array.from({ length: connections }, user));
  agent.destroy();
  return { requests, sent, errors, elapsedS: windowS, firstError };
}

module.exports = { planFor, probe, runFloor, postJson };
