/** The command line in-process, for what a child process cannot show: a terminal on stdout. */
import { Writable } from 'node:stream';
import { main } from '../src/main';
import type { Io } from '../src/io';

function io(options: { stdoutIsTTY?: boolean } = {}): Io & { out: () => string; err: () => string } {
  const sink = (chunks: Buffer[], tty: boolean) => {
    const stream = new Writable({ write: (chunk, _enc, done) => (chunks.push(Buffer.from(chunk)), done()) }) as unknown as NodeJS.WriteStream;
    (stream as { isTTY?: boolean }).isTTY = tty;
    return stream;
  };
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  return {
    stdout: sink(out, options.stdoutIsTTY ?? false),
    stderr: sink(err, false),
    env: {},
    out: () => Buffer.concat(out).toString('utf8'),
    err: () => Buffer.concat(err).toString('utf8'),
  };
}

describe('huishang (in-process)', () => {
  it('refuses to write a binary workbook to a terminal, and says what to do instead', async () => {
    const terminal = io({ stdoutIsTTY: true });
    expect(await main(['template', '--department', 'energy'], terminal)).toBe(2);
    expect(terminal.err()).toMatch(/refusing to write a binary workbook to the terminal: redirect it \(> template.xlsx\), use --output FILE, or --format csv/);
    expect(terminal.out()).toBe('');
  });

  it('writes CSV to a terminal', async () => {
    const terminal = io({ stdoutIsTTY: true });
    expect(await main(['template', '--department', 'hr', '--format', 'csv'], terminal)).toBe(0);
    expect(terminal.out()).toContain('indicator,subject_kind,subject_code');
  });

  it('without a command prints the help on stderr and exits 2; help on stdout exits 0', async () => {
    const none = io();
    expect(await main([], none)).toBe(2);
    expect(none.err()).toContain('Usage:');
    const help = io();
    expect(await main(['help', 'template'], help)).toBe(0);
    expect(help.out()).toContain('指标目录 Catalogue');
  });
});
