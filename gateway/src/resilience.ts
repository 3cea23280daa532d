import CircuitBreaker from 'opossum';
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import { SubgraphTimeoutError, type SubgraphHttpResponse } from './subgraphClient';

/**
 * What the gateway says when a department's service cannot answer (README, "When a department
 * fails"). Each code is stable; the message names the department and the reason, never an
 * address, a port or a stack.
 */
export const SubgraphErrorCode = {
  /** Connection refused or reset, the breaker is open, or the subgraph answered 502/503/504. */
  Unavailable: 'SUBGRAPH_UNAVAILABLE',
  /** No complete answer within SUBGRAPH_TIMEOUT_MS. */
  Timeout: 'SUBGRAPH_TIMEOUT',
  /** An answer that is not a GraphQL response: not JSON, not an object, another non-2xx status, or data the schema does not allow. */
  BadResponse: 'SUBGRAPH_BAD_RESPONSE',
} as const;
export type SubgraphErrorCode = (typeof SubgraphErrorCode)[keyof typeof SubgraphErrorCode];

/** A subgraph request that failed, classified: what goes to the client and to the metrics. */
export class SubgraphFailure extends Error {
  constructor(
    /** A SubgraphErrorCode, or UNAUTHENTICATED / FORBIDDEN when the subgraph refused the request. */
    readonly code: SubgraphErrorCode | 'UNAUTHENTICATED' | 'FORBIDDEN',
    /** Why, in words a client may read (no address, no port). */
    readonly reason: string,
    /** Counts against the subgraph's circuit breaker (a 4xx does not: the request was refused, the service is up). */
    readonly countsAsFailure = true,
  ) {
    super(reason);
    this.name = 'SubgraphFailure';
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNABORTED']);

/** Any error of a subgraph request → a SubgraphFailure with a stable code and a reason without addresses. */
export function classifyFailure(error: unknown): SubgraphFailure {
  if (error instanceof SubgraphFailure) return error;
  if (error instanceof SubgraphTimeoutError) {
    // A write the gateway stopped waiting for may still be made by the department: its batch key makes sending it again safe, and tells.
    const write = error.setting === 'SUBGRAPH_MUTATION_TIMEOUT_MS' ? '; the change may still have been made: send the same request again (same idempotencyKey) to learn its outcome' : '';
    return new SubgraphFailure(SubgraphErrorCode.Timeout, `no answer within ${error.timeoutMs} ms (${error.setting})${write}`);
  }
  const code = (error as { code?: string } | null)?.code;
  if (code === 'EOPENBREAKER') return new SubgraphFailure(SubgraphErrorCode.Unavailable, 'circuit breaker open after repeated failures; the department is probed again shortly', false);
  if (code && UNREACHABLE.has(code)) return new SubgraphFailure(SubgraphErrorCode.Unavailable, code === 'ECONNREFUSED' ? 'connection refused' : `connection failed (${code})`);
  if (/closed the connection/.test((error as Error)?.message ?? '')) return new SubgraphFailure(SubgraphErrorCode.Unavailable, 'the connection closed before the answer was complete');
  return new SubgraphFailure(SubgraphErrorCode.BadResponse, 'the request failed unexpectedly');
}

/** A status the breaker should count: a service that is down or broken (5xx), not one that refused the request (4xx). */
export function failureOfStatus(response: SubgraphHttpResponse): SubgraphFailure | null {
  const status = response.status;
  if (status >= 200 && status < 300) return null;
  if (status === 502 || status === 503 || status === 504) return new SubgraphFailure(SubgraphErrorCode.Unavailable, `HTTP ${status}`);
  if (status >= 500) return new SubgraphFailure(SubgraphErrorCode.BadResponse, `HTTP ${status}`);
  return null;
}

/**
 * The fields a fetch would have filled, as paths for @apollo/gateway's error-path mapping: for an
 * entity fetch `['_entities', i, field]` per representation (the gateway turns them into the
 * client's paths, e.g. `['enterprises', 'edges', 3, 'node', 'energy']`), else `[rootField]`.
 */
export function unservedPaths(document: DocumentNode | undefined, representations: unknown): (string | number)[][] {
  const operation = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const names = (set: SelectionSetNode | undefined, typename?: string): string[] => {
    const result: string[] = [];
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') result.push(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!typename || !selection.typeCondition || selection.typeCondition.name.value === typename) result.push(...names(selection.selectionSet, typename));
      }
    }
    return [...new Set(result)];
  };
  const root = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (root && root.kind === Kind.FIELD && Array.isArray(representations)) {
    return representations.flatMap((representation, i) =>
      names(root.selectionSet, (representation as { __typename?: string } | null)?.__typename).map((field) => ['_entities', i, field]),
    );
  }
  return names(operation.selectionSet).map((field) => [field]);
}

export interface BreakerSettings {
  /** SUBGRAPH_BREAKER_ERROR_PERCENT, default 50: share of failed requests in the window that opens the breaker. */
  errorThresholdPercentage: number;
  /** SUBGRAPH_BREAKER_VOLUME, default 5: requests in the window before the breaker may open. */
  volumeThreshold: number;
  /** SUBGRAPH_BREAKER_WINDOW_MS, default 10 000: the rolling window the share is counted over. */
  rollingCountTimeout: number;
  /** SUBGRAPH_BREAKER_RESET_MS, default 3 000: how long an open breaker refuses before letting one probe request through (half-open). */
  resetTimeout: number;
  /**
   * SUBGRAPH_BREAKER_CONSECUTIVE_FAILURES, default 3: failed requests in a row that open the breaker
   * whatever the window holds. Why beside opossum's window: opossum counts a request in the window
   * when it is sent and its failure when it ends, so with a hung subgraph each request takes the
   * whole SUBGRAPH_TIMEOUT_MS and (identical requests deduplicated) fewer than
   * `volumeThreshold` requests are ever in a window of a few timeouts: the breaker never opened on
   * timeouts, only on refused connections. Optional: old settings objects keep the window alone.
   */
  consecutiveFailures?: number;
}

export type BreakerState = 'closed' | 'open' | 'halfOpen';

/**
 * One opossum circuit breaker per subgraph around the HTTP request: after repeated failures the
 * department costs nothing (requests are refused at once with SUBGRAPH_UNAVAILABLE), and after
 * `resetTimeout` one real request probes it (half-open): success closes the breaker, failure opens
 * it again. Nothing needs restarting.
 */
export class SubgraphBreaker {
  private readonly breaker: CircuitBreaker<[() => Promise<SubgraphHttpResponse>], SubgraphHttpResponse>;

  constructor(readonly subgraph: string, settings: BreakerSettings, onState: (state: BreakerState) => void = () => undefined) {
    this.breaker = new CircuitBreaker((send: () => Promise<SubgraphHttpResponse>) => send(), {
      name: subgraph,
      // The subgraph client has its own timeout (SUBGRAPH_TIMEOUT_MS), which also frees the socket.
      timeout: false,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.rollingCountTimeout,
      resetTimeout: settings.resetTimeout,
      // A 4xx is the subgraph refusing this request, not the subgraph failing.
      errorFilter: (error: unknown) => error instanceof SubgraphFailure && !error.countsAsFailure,
    });
    // Failures in a row open the breaker (see BreakerSettings.consecutiveFailures); opossum emits
    // 'failure' only for a counted failure (not a 4xx, not a refusal while open) and 'success' otherwise.
    let inARow = 0;
    const limit = settings.consecutiveFailures;
    if (limit) {
      this.breaker.on('success', () => (inARow = 0));
      this.breaker.on('failure', () => {
        inARow++;
        if (inARow >= limit && this.breaker.closed) this.breaker.open();
      });
      this.breaker.on('open', () => (inARow = 0));
    }
    this.breaker.on('open', () => onState('open'));
    this.breaker.on('halfOpen', () => onState('halfOpen'));
    this.breaker.on('close', () => onState('closed'));
  }

  get state(): BreakerState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'halfOpen' : 'closed';
  }

  /** The half-open probe in flight, if any: settles (never rejects) when it has answered. */
  private probe: Promise<void> | null = null;

  /**
   * Runs `send` through the breaker; a 5xx answer counts as a failure.
   *
   * Half-open, opossum lets one request through and refuses every other at once until it answers.
   * One GraphQL request fans out several fetches to a department (the meeting pack's does), so the
   * first request after a recovery failed as if the department were still down (a tester's pack
   * exited 3 right after hr came back, and was clean when run again). So a fetch arriving while the
   * probe is in flight waits for the probe's outcome: through if it closed the breaker, refused at
   * once if it opened it again. Costs at most one probe's time (SUBGRAPH_TIMEOUT_MS) per
   * SUBGRAPH_BREAKER_RESET_MS, and only for requests to that department while it is probed.
   */
  async fire(send: () => Promise<SubgraphHttpResponse>): Promise<SubgraphHttpResponse> {
    while (this.probe && this.breaker.halfOpen && !this.breaker.pendingClose) await this.probe;
    const isProbe = this.breaker.halfOpen && this.breaker.pendingClose;
    const result = this.breaker.fire(async () => {
      const response = await send();
      const failure = failureOfStatus(response);
      if (failure) throw failure;
      return response;
    });
    if (isProbe) {
      const probe: Promise<void> = result.then(
        () => undefined,
        () => undefined,
      );
      this.probe = probe;
      void probe.then(() => {
        if (this.probe === probe) this.probe = null;
      });
    }
    return result;
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}

export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, halfOpen: 1, open: 2 };
