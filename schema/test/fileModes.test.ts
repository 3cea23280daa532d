/** A new SQLite database file is created readable and writable by its owner only (issue 12). */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseSettings, openDatabase } from '@huishang/schema';

it('openDatabase creates the SQLite file (and its WAL) with mode 0600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'huishang-mode-'));
  try {
    const orm = await openDatabase({ subgraph: 'modes', entities: [], migrations: [], settings: databaseSettings('modes', { HUISHANG_DATA_DIR: dir }) });
    await orm.em.fork().getConnection().execute('create table t (x integer)');
    const file = join(dir, 'modes.sqlite');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const suffix of ['-wal', '-shm']) {
      try {
        expect(statSync(file + suffix).mode & 0o777).toBe(0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    await orm.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
