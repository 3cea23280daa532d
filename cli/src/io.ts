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
