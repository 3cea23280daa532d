import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes: what a script calling the command can rely on. */
export const ExitCode = {
  Ok: 0,
  /** The input was refused (a row problem, a bad file, a key used for other content): nothing was written. */
  Refused: 1,
  /** The command line was wrong: a missing or unknown option, a missing file. */
  Usage: 2,
  /** The command could not run (database unreachable, an unexpected failure): nothing was written. */
  Failed: 3,
} as const;

/** The operator's input names something that is not there (an unknown client, a file that is not a GraphQL document): exit 1, nothing changed. */
export class InputRefused extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'InputRefused';
  }
}

/** A mistake on the command line: printed with the usage hint, exit 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * `value` if `allowed` has it; else a UsageError naming the option, the nearest allowed values
 * ("did you mean") and every allowed value: `--department enrgy: not a department of the
 * registry; did you mean "energy"? One of industry, finance, energy, statistics, hr`.
 */
export function choice<T extends string>(command: string, option: string, value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  // graphql-js's own "Did you mean" ranking (lexical distance), loaded only on a refusal: a command
  // that sends requests loads no GraphQL library (cli/test/startup.test.ts).
  const { suggestionList } = require('graphql/jsutils/suggestionList') as typeof import('graphql/jsutils/suggestionList');
  const near = suggestionList(value, [...allowed]).slice(0, 2);
  const hint = near.length ? `; did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?` : '.';
  throw new UsageError(`--${option} ${JSON.stringify(value)}: not ${what}${hint} One of ${allowed.join(', ')}`, command);
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** node:util's parseArgs, strict, with its refusals as UsageError (exit 2, the usage hint). */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's messages name the option ("Unknown option '--mnth'"); drop its hint about "--".
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''), command);
  }
}
