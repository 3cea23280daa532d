import type { ParseArgsConfig } from 'node:util';
import { DEPARTMENTS } from './departments';
import { describeTarget, GatewayClient, gatewayTarget, GatewayUnavailable, GraphQLRequestError, type GatewayTarget, type Viewer } from './gateway';
import { choice, ExitCode, parse, UsageError, type Io } from './io';

/**
 * `huishang problems list|raise|update`: the meeting's problem list (问题清单) through the gateway,
 * as the graph serves it (`problems`, `raiseProblem`, `updateProblemStatus` of the industry
 * subgraph, the secretariat's): the caller's token decides what it may write (the secretariat any
 * problem, a department the problems it owns), and every write is in the audit trail.
 */

const CATEGORIES = ['FINANCING', 'ENERGY_SUPPLY', 'LABOUR', 'LAND', 'PERMITS', 'MARKET', 'OTHER'] as const;
const STATUSES = ['OPEN', 'IN_PROGRESS', 'RESOLVED'] as const;

const GATEWAY_OPTIONS = `  --gateway URL           the gateway (default HUISHANG_GATEWAY, else http://localhost:4000/graphql)
  --token TOKEN           the caller's token (default HUISHANG_TOKEN, else the demo token of --as)
  --as <department>       whose demo token to use without --token/HUISHANG_TOKEN (default industry,
                          the meeting secretariat): ${DEPARTMENTS.join(', ')}
  --json                  print the answer as JSON
  -h, --help              this help`;

export const PROBLEMS_HELP = `huishang problems — the consultation meeting's problem list (问题清单), through the gateway

Usage:
  huishang problems list [--owner <department>] [--status OPEN|IN_PROGRESS|RESOLVED] [--region CODE] [--overdue-on YYYY-MM-DD]
  huishang problems raise --owner <department> --category <category> --description TEXT
                          --deadline YYYY-MM-DD [--raised-on YYYY-MM-DD] [--enterprise CREDIT_CODE] [--region CODE]
                          [--correction-reason TEXT]
  huishang problems update CODE --status OPEN|IN_PROGRESS|RESOLVED [--note TEXT]
  huishang problems <command> --help

Who may: everybody with a token reads the list; the secretariat (industry) raises and updates any
problem, another department those it owns; meeting members only read. The department raising or
recording a change is the token's, never an option.

Options of every command:
${GATEWAY_OPTIONS}

Example:
  npx huishang problems raise --as energy --owner energy --category ENERGY_SUPPLY --region 411002 \\
    --deadline 2030-06-30 --description "园区新增变压器容量未批复"
  npx huishang problems update <code it printed> --status IN_PROGRESS --note "已协调供电公司" --as energy
`;

const LIST_HELP = `huishang problems list — the problems on the list, in code order

Usage:
  huishang problems list [options]

Options:
  --owner <department>    only problems this department owns (${DEPARTMENTS.join(', ')}, or its Chinese name)
  --status <status>       only problems with this status now: ${STATUSES.join(', ')}
  --region CODE           only this region's problems (6-digit code; the city's code means all)
  --overdue-on YYYY-MM-DD only problems overdue on this day (still open or in progress, past their deadline)
${GATEWAY_OPTIONS}
`;

const RAISE_HELP = `huishang problems raise — put a new problem on the list (open); the code is assigned (WT<year>-<n>)

Usage:
  huishang problems raise --owner <department> --category <category> --description TEXT --deadline YYYY-MM-DD [options]

Options:
  --owner <department>    the department to resolve it (${DEPARTMENTS.join(', ')}, or its Chinese name) (required)
  --category <category>   ${CATEGORIES.join(', ')} (required)
  --description TEXT      the problem (问题描述), at most 512 characters (required)
  --raised-on YYYY-MM-DD  the day it was raised (default today in China Standard Time, UTC+8); not after
                          today, and not before the current month without an administrator's --correction-reason
  --deadline YYYY-MM-DD   the day by which it is to be resolved, not before --raised-on (required)
  --enterprise CODE       the enterprise concerned (unified social credit code, in the register)
  --region CODE           the region concerned (default the enterprise's; required without --enterprise)
  --correction-reason TEXT
                          an administrator's reason for a day before the current month (kept in the history)
${GATEWAY_OPTIONS}
`;

const UPDATE_HELP = `huishang problems update — change a problem's status; the change and the note go into its history

Usage:
  huishang problems update CODE --status <status> [--note TEXT]

Options:
  --status <status>       ${STATUSES.join(', ')} (required; not the status it already has)
  --note TEXT             what was done or why (办理情况), at most 512 characters
${GATEWAY_OPTIONS}
`;

const COMMON = {
  gateway: { type: 'string' },
  token: { type: 'string' },
  as: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const LIST_OPTIONS = { ...COMMON, owner: { type: 'string' }, status: { type: 'string' }, region: { type: 'string' }, 'overdue-on': { type: 'string' } } as const satisfies ParseArgsConfig['options'];
const RAISE_OPTIONS = {
  ...COMMON,
  owner: { type: 'string' },
  category: { type: 'string' },
  description: { type: 'string' },
  'raised-on': { type: 'string' },
  deadline: { type: 'string' },
  enterprise: { type: 'string' },
  region: { type: 'string' },
  'correction-reason': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];
const UPDATE_OPTIONS = { ...COMMON, status: { type: 'string' }, note: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

const PROBLEM_FIELDS = 'code category description raisedBy raisedOn owner ownerName deadline status region { code name } enterprise { creditCode name } history { from to at by note }';

interface ProblemView {
  code: string;
  category: string;
  description: string;
  raisedBy: string;
  raisedOn: string;
  owner: string;
  ownerName: string;
  deadline: string;
  status: string;
  region: { code: string; name: string };
  enterprise: { creditCode: string; name: string } | null;
  history: { from: string | null; to: string; at: string; by: string; note: string | null }[];
}

function target(command: string, values: { gateway?: string; token?: string; as?: string }, io: Io): GatewayTarget {
  const as = choice(command, 'as', values.as ?? 'industry', DEPARTMENTS, 'a department of the registry');
  try {
    return gatewayTarget(values, io.env, as, command);
  } catch (error) {
    if (error instanceof UsageError && !error.command) throw new UsageError(error.message, command);
    throw error;
  }
}

function oneOf(command: string, option: string, value: string | undefined, allowed: readonly string[], required: boolean): string | undefined {
  if (value === undefined) {
    if (required) throw new UsageError(`--${option} is required: one of ${allowed.join(', ')}`, command);
    return undefined;
  }
  const upper = value.toUpperCase().replace(/-/g, '_');
  return choice(command, option, upper, allowed, `a ${option}`);
}

function required(command: string, option: string, value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${option} is required: ${what}`, command);
  return value;
}

function day(command: string, option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new UsageError(`--${option} ${value}: a day as YYYY-MM-DD`, command);
  return value;
}

/** Today in China Standard Time (UTC+8), the day the problem list's rules count in. */
function todayInChina(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function line(p: ProblemView): string {
  const subject = p.enterprise ? `${p.enterprise.name} ${p.enterprise.creditCode}` : `${p.region.name} ${p.region.code}`;
  return `${p.code}  ${p.status.padEnd(11)} ${p.category.padEnd(13)} owner ${p.owner} (${p.ownerName}), deadline ${p.deadline}, raised ${p.raisedOn} by ${p.raisedBy}\n    ${subject}: ${p.description}`;
}

/** A refusal by the gateway or the subgraph as `huishang problems <command>: message [CODE]` (exit 1), an unreachable gateway as exit 3. */
function failure(io: Io, command: string, error: unknown): number {
  if (error instanceof GatewayUnavailable) {
    io.stderr.write(`huishang problems ${command}: ${error.message}\n`);
    return ExitCode.Failed;
  }
  if (error instanceof GraphQLRequestError) {
    for (const e of error.errors) {
      const field = typeof e.extensions?.field === 'string' ? ` (${e.extensions.field})` : '';
      io.stderr.write(`huishang problems ${command}: refused${field}: ${e.message}${e.extensions?.code ? ` [${e.extensions.code}]` : ''}\n`);
    }
    return ExitCode.Refused;
  }
  throw error;
}

async function withClient<T>(io: Io, command: string, gateway: GatewayTarget, work: (client: GatewayClient) => Promise<T>, print: (result: T) => void): Promise<number> {
  const client = new GatewayClient(gateway, io.env);
  try {
    const { viewer } = await client.request<{ viewer: Viewer }>('query HuishangViewer { viewer { clientId department role } }');
    describeTarget(io, gateway, viewer);
    print(await work(client));
    return ExitCode.Ok;
  } catch (error) {
    return failure(io, command, error);
  }
}

async function list(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('problems list', args, LIST_OPTIONS);
  if (values.help) {
    io.stdout.write(LIST_HELP);
    return ExitCode.Ok;
  }
  if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}`, 'problems list');
  const variables = {
    owner: values.owner ?? null,
    status: oneOf('problems list', 'status', values.status, STATUSES, false) ?? null,
    region: values.region ?? null,
    overdueOn: day('problems list', 'overdue-on', values['overdue-on']) ?? null,
  };
  return withClient(
    io,
    'list',
    target('problems list', values, io),
    async (client) =>
      (
        await client.request<{ problems: ProblemView[] }>(
          `query HuishangProblems($owner: String, $status: ProblemStatus, $region: RegionCode, $overdueOn: Date) { problems(owner: $owner, status: $status, region: $region, overdueOn: $overdueOn) { ${PROBLEM_FIELDS} } }`,
          variables,
        )
      ).problems,
    (problems) => {
      if (values.json) {
        io.stdout.write(JSON.stringify(problems, null, 2) + '\n');
        return;
      }
      for (const p of problems) io.stdout.write(`${line(p)}\n`);
      io.stdout.write(`${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
    },
  );
}

async function raise(args: string[], io: Io): Promise<number> {
  const command = 'problems raise';
  const { values, positionals } = parse(command, args, RAISE_OPTIONS);
  if (values.help) {
    io.stdout.write(RAISE_HELP);
    return ExitCode.Ok;
  }
  if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}: give the text with --description`, command);
  const input = {
    owner: required(command, 'owner', values.owner, `the department to resolve it: ${DEPARTMENTS.join(', ')}`),
    category: oneOf(command, 'category', values.category, CATEGORIES, true),
    description: required(command, 'description', values.description, 'the problem, at most 512 characters'),
    raisedOn: day(command, 'raised-on', values['raised-on']) ?? todayInChina(),
    deadline: day(command, 'deadline', required(command, 'deadline', values.deadline, 'the day by which it is to be resolved, YYYY-MM-DD')),
    ...(values.enterprise ? { enterprise: values.enterprise } : {}),
    ...(values.region ? { region: values.region } : {}),
    ...(values['correction-reason'] ? { correctionReason: values['correction-reason'] } : {}),
  };
  if (!values.enterprise && !values.region) throw new UsageError('--enterprise or --region is required: the enterprise concerned, or the region of a district or park problem', command);
  return withClient(
    io,
    'raise',
    target(command, values, io),
    async (client) => (await client.request<{ raiseProblem: ProblemView }>(`mutation HuishangRaiseProblem($input: RaiseProblemInput!) { raiseProblem(input: $input) { ${PROBLEM_FIELDS} } }`, { input })).raiseProblem,
    (problem) => {
      if (values.json) {
        io.stdout.write(JSON.stringify(problem, null, 2) + '\n');
        return;
      }
      io.stdout.write(`raised ${problem.code}\n${line(problem)}\n`);
    },
  );
}

async function update(args: string[], io: Io): Promise<number> {
  const command = 'problems update';
  const { values, positionals } = parse(command, args, UPDATE_OPTIONS);
  if (values.help) {
    io.stdout.write(UPDATE_HELP);
    return ExitCode.Ok;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one problem at a time, got ${positionals.join(' ')}` : 'name the problem: its code, e.g. WT2015-004', command);
  const status = oneOf(command, 'status', values.status, STATUSES, true);
  return withClient(
    io,
    'update',
    target(command, values, io),
    async (client) =>
      (
        await client.request<{ updateProblemStatus: ProblemView }>(
          `mutation HuishangUpdateProblem($code: String!, $status: ProblemStatus!, $note: String) { updateProblemStatus(code: $code, status: $status, note: $note) { ${PROBLEM_FIELDS} } }`,
          { code: positionals[0], status, note: values.note ?? null },
        )
      ).updateProblemStatus,
    (problem) => {
      if (values.json) {
        io.stdout.write(JSON.stringify(problem, null, 2) + '\n');
        return;
      }
      const last = problem.history[problem.history.length - 1];
      io.stdout.write(`${problem.code}: ${last.from ?? '—'} → ${last.to} by ${last.by}${last.note ? ` (${last.note})` : ''}\n${line(problem)}\n`);
    },
  );
}

export async function problemsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return list(rest, io);
    case 'raise':
      return raise(rest, io);
    case 'update':
      return update(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      if (sub === undefined) {
        io.stderr.write(PROBLEMS_HELP);
        return ExitCode.Usage;
      }
      io.stdout.write(rest[0] === 'list' ? LIST_HELP : rest[0] === 'raise' ? RAISE_HELP : rest[0] === 'update' ? UPDATE_HELP : PROBLEMS_HELP);
      return ExitCode.Ok;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(sub)}: list, raise or update`, 'problems');
  }
}
