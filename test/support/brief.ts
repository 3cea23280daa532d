import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, type System } from './system';

export interface BriefRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run brief` (its built entry) against a test system's gateway, as the industry bureau's analyst, writing into `out`. */
export function runBrief(system: System, month: string, out: string): Promise<BriefRun> {
  return new Promise<BriefRun>((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'briefing', 'dist', 'src', 'main.js'), '--month', month, '--out', out, '--gateway', system.gatewayUrl], {
      cwd: REPO_ROOT,
      env: { ...system.env, HUISHANG_TOKEN: system.tokens.industry },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
