/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, otherwise a plain line every few
 * seconds (logs and CI stay readable). Phases that finish quickly print nothing in plain mode.
 */
export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Plain mode: seconds between lines. */
  interval?: number;
  enabled?: boolean;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const WIDTH = 24;

export const formatCount = (n: number) => n.toLocaleString('en-US');

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly interval: number;
  private readonly enabled: boolean;
  private label = '';
  private unit = 'rows';
  private total: number | null = null;
  private done = 0;
  private fraction: number | null = null;
  private started = 0;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | null = null;
  private frame = 0;

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = !!this.stream.isTTY;
    this.interval = (options.interval ?? 2) * 1000;
    this.enabled = options.enabled ?? true;
  }

  /** Starts a phase: "reading", "checking and writing". */
  start(label: string, options: { total?: number; unit?: string } = {}): void {
    this.finish();
    this.label = label;
    this.unit = options.unit ?? 'rows';
    this.total = options.total ?? null;
    this.done = 0;
    this.fraction = null;
    this.started = Date.now();
    this.lastDraw = this.tty ? 0 : this.started;
    if (!this.enabled) return;
    // Redraws on a clock too, so a long single step (one database transaction) still shows life.
    this.timer = setInterval(() => this.draw(), this.tty ? 100 : this.interval);
    this.timer.unref();
    if (this.tty) this.draw();
  }

  update(done: number, fraction: number | null = null, total?: number): void {
    this.done = done;
    this.fraction = fraction;
    if (total !== undefined) this.total = total;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw >= (this.tty ? 100 : this.interval)) this.draw();
  }

  /** Ends the phase; in a terminal the bar line is replaced by `message` (or cleared). */
  finish(message?: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.enabled || !this.label) return;
    if (this.tty) this.stream.write('\r\x1b[K');
    if (message && (this.tty || Date.now() - this.started >= this.interval)) this.stream.write(`${message}\n`);
    this.label = '';
  }

  private draw(): void {
    if (!this.label) return;
    this.lastDraw = Date.now();
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const fraction = this.fraction ?? (this.total ? this.done / this.total : null);
    const count = this.done ? `${formatCount(this.done)}${this.total ? `/${formatCount(this.total)}` : ''} ${this.unit}` : '';
    if (this.tty) {
      const bar =
        fraction === null
          ? SPINNER[this.frame++ % SPINNER.length]
          : `[${'#'.repeat(Math.round(Math.min(1, fraction) * WIDTH)).padEnd(WIDTH, '.')}] ${Math.floor(fraction * 100)}%`;
      this.stream.write(`\r\x1b[K${this.label} ${bar} ${count} ${seconds}s`);
    } else {
      const percent = fraction === null ? '' : ` (${Math.floor(fraction * 100)}%)`;
      this.stream.write(`${this.label}: ${count || '…'}${percent} ${seconds}s\n`);
    }
  }
}
