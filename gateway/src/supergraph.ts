import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository root: the nearest folder above this file whose package.json declares workspaces.
 * Works from `gateway/src/` (ts, jest) and `gateway/dist/src/` (compiled) alike.
 */
export function repositoryRoot(from: string = __dirname): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // an unreadable package.json is not the root; keep climbing
      }
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the repository root (a package.json with "workspaces") above ${from}`);
  }
}

/** `SUPERGRAPH_PATH`, or the committed `schema/supergraph.graphql`. */
export function supergraphPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SUPERGRAPH_PATH ? resolve(env.SUPERGRAPH_PATH) : join(repositoryRoot(), 'schema', 'supergraph.graphql');
}

/** Reads the composed supergraph, saying how to get one when it is missing. */
export function readSupergraph(env: NodeJS.ProcessEnv = process.env): { path: string; sdl: string } {
  const path = supergraphPath(env);
  if (!existsSync(path)) {
    throw new Error(`gateway: no supergraph at ${path}. Compose it with \`npm run compose\`, or set SUPERGRAPH_PATH to a composed supergraph file.`);
  }
  return { path, sdl: readFileSync(path, 'utf8') };
}
