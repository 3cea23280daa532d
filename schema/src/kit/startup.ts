import { createServer, type Server } from 'node:http';

/**
 * What a subgraph is doing while it starts (opening its database, migrating, seeding the demo
 * city, building its schema), so that `npm start` and the test harness wait for a process that is
 * working rather than for a fixed time.
 *
 * The subgraph listens on its port from the first moment: until it is ready, `/ready` answers
 * 503 with `{ status: 'starting', service, progress }` (the shape below), `/health` 200 and
 * `/graphql` 503 `SERVICE_UNAVAILABLE`. Every change of phase is also logged as one line:
 * `<name> subgraph: starting: seeding observation rows 12000 of 27300`.
 */
export interface StartupProgress {
  /** `opening database`, `migrating`, `seeding`, `building schema`, `ready`. */
  phase: string;
  /** Within the phase: the migration's name, which table is being seeded. */
  step?: string;
  /** Units done and in all, when countable (migrations, rows). */
  done?: number;
  total?: number;
  /** ISO time of the last change: a starter that sees it move knows the process is working. */
  updatedAt: string;
  /** Seconds since the process began starting. */
  elapsedSeconds: number;
}

/** HUISHANG_PROGRESS_LOG_MS (default 2 000): least time between two log lines about counts within one step. */
const logInterval = () => Number(process.env.HUISHANG_PROGRESS_LOG_MS ?? 2_000);

export class StartupReporter {
  private current: Omit<StartupProgress, 'elapsedSeconds'>;
  private readonly began = Date.now();
  private lastLog = 0;
  private lastLogged = '';

  constructor(
    readonly service: string,
    private readonly log: (line: string) => void = (line) => console.log(line),
  ) {
    this.current = { phase: 'starting', updatedAt: new Date().toISOString() };
  }

  /** A new phase (or step): always logged. */
  phase(phase: string, step?: string, total?: number): void {
    this.current = { phase, ...(step ? { step } : {}), ...(total !== undefined ? { done: 0, total } : {}), updatedAt: new Date().toISOString() };
    this.write(true);
  }

  /** Progress within the phase; logged at most every HUISHANG_PROGRESS_LOG_MS, and at the end. */
  progress(done: number, total: number, step = this.current.step): void {
    this.current = { phase: this.current.phase, ...(step ? { step } : {}), done, total, updatedAt: new Date().toISOString() };
    this.write(done >= total);
  }

  snapshot(): StartupProgress {
    return { ...this.current, elapsedSeconds: Math.round((Date.now() - this.began) / 100) / 10 };
  }

  /** `seeding observation rows 12000 of 27300` */
  describe(): string {
    const { phase, step, done, total } = this.current;
    return [phase, step, total !== undefined ? `${done} of ${total}` : undefined].filter(Boolean).join(' ');
  }

  private write(force: boolean): void {
    const now = Date.now();
    const text = this.describe();
    if (text === this.lastLogged || (!force && now - this.lastLog < logInterval())) return;
    this.lastLog = now;
    this.lastLogged = text;
    this.log(`${this.service}: starting: ${text}`);
  }
}

/**
 * The reporter of the subgraph starting in this process, if any: the kit's seeding helpers report
 * their rows through it without every department passing it along.
 */
let active: StartupReporter | undefined;

export function activeStartup(): StartupReporter | undefined {
  return active;
}

export function setActiveStartup(reporter: StartupReporter | undefined): void {
  active = reporter;
}

/** Reports `done of total` for a step of the seeding phase, when a subgraph is starting in this process. */
export function reportSeeding(step: string, done: number, total: number): void {
  if (active && active.snapshot().phase === 'seeding') active.progress(done, total, step);
}

function answer(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'retry-after': '1' });
  res.end(text);
}

/**
 * A server that answers while the subgraph starts: 503 with the progress on `/ready` and
 * `/graphql`, 200 on `/health` (the process is alive). `handOver` gives its socket to the real
 * server's handler, so the port stays bound from start to stop.
 */
export function startupServer(reporter: StartupReporter): { server: Server; handOver(real: Server): void } {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    req.resume();
    const progress = reporter.snapshot();
    if (path === '/health') return answer(res, 200, { status: 'starting', service: reporter.service, progress });
    if (path === '/graphql') {
      return answer(res, 503, {
        errors: [{ message: `${reporter.service} is starting (${reporter.describe()}); try again shortly`, extensions: { code: 'SERVICE_UNAVAILABLE', progress } }],
      });
    }
    answer(res, 503, { status: 'starting', service: reporter.service, progress });
  });
  return {
    server,
    handOver(real: Server) {
      server.removeAllListeners('request');
      for (const listener of real.listeners('request')) server.on('request', listener as (...args: unknown[]) => void);
      server.keepAliveTimeout = real.keepAliveTimeout;
      server.headersTimeout = real.headersTimeout;
      server.requestTimeout = real.requestTimeout;
    },
  };
}

