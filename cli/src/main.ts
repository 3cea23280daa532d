#!/usr/bin/env node
import type { ParseArgsConfig } from 'node:util';
import { IdentifierError, OWNER_NAMES, parseMonth } from '@huishang/schema/core';
import { DEPARTMENTS } from './departments';
import type { GatewayTarget } from './gateway';
import { choice, ExitCode, InputRefused, parse, UsageError, type Io } from './io';

const HELP = `huishang — report a department's monthly figures (会商 reporting) through the gateway

Usage:
  huishang import --department <name> --month YYYY-MM [options] FILE.csv|FILE.xlsx
  huishang template --department <name> [--month YYYY-MM] [--format xlsx|csv] [--output FILE] > FILE
  huishang problems list|raise|update …          the meeting's problem list (问题清单), through the gateway
  huishang clients add|list|revoke|update …     who may call the gateway
  huishang documents add|list …                 persisted documents for safelisted clients
  huishang audit verify|export …                the tamper-evident audit trail
  huishang help [import|template|problems|clients|documents|audit]

Departments: ${DEPARTMENTS.join(', ')}

import, template and problems talk GraphQL over HTTP to the gateway with the department's token, so every
write is authenticated, authorised by the department's own service and in the audit trail:
  --gateway URL   or HUISHANG_GATEWAY (default http://localhost:$GATEWAY_PORT/graphql, port 4000)
  --token TOKEN   or HUISHANG_TOKEN (default the department's demo token in .huishang/demo-clients.json,
                  or HUISHANG_DEMO_CLIENTS_FILE, written by npm start)
clients, documents and audit work on the gateway's own access database (DATABASE_URL=postgres://host/base
→ base_access, ACCESS_DATABASE_URL, or access.sqlite under HUISHANG_DATA_DIR, ./data) and print which.

Exit codes: 0 done; 1 input refused (nothing written); 2 usage error; 3 could not run (e.g. gateway unreachable).
Run "huishang <command> --help" for the details of a command.
`;

const GATEWAY_OPTIONS = `  --gateway URL           the gateway (default HUISHANG_GATEWAY, else http://localhost:4000/graphql)
  --token TOKEN           the department's token (default HUISHANG_TOKEN, else its demo token)`;

const IMPORT_HELP = `huishang import — check and apply one month of a department's figures from a file, through the gateway

Usage:
  huishang import --department <name> --month YYYY-MM [options] FILE.csv|FILE.xlsx

Options:
  --department <name>     ${DEPARTMENTS.join(', ')} (required)
  --month YYYY-MM         the month the figures are for (required)
  --status <status>       PRELIMINARY (default) or FINAL; a change to a FINAL figure becomes REVISED
  --reported-by <name>    who reports (报送单位/人; default: the department as the registry names it, 市工信委 …)
  --key <key>             idempotency key (default import:<department>:<month>:<sha256 of the file>):
                          the same key with the same content is applied once
  --dry-run               check everything, write nothing; prints "valid: N rows" and what it would create, update, revise
  --accept-outliers REASON
                          confirm figures refused as implausible (SCALE_SLIP, IMPLAUSIBLE_JUMP,
                          GROWTH_CONTRADICTION, COPIED_MONTH); the reason is kept in their history
  --json                  print the outcome or the problems as JSON
${GATEWAY_OPTIONS}
  -h, --help              this help

The file: CSV (UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel saves it; RFC 4180 quoting)
or .xlsx (first sheet). A header row names the columns, in any order, case-insensitively, in English
or Chinese, on one or two lines (数值 over 当月值 / 累计值); title rows above it are left out:
  indicator (指标代码), subject_kind (主体类型: REGION/ENTERPRISE/PARK 地区/企业/园区), subject_code (主体代码),
  unit (计量单位), value (当月值), ytd_value (累计值), yoy_pct (当月同比%), ytd_yoy_pct (累计同比%),
  subject_name (主体名称, for reading only)
Other columns (备注, …) are ignored with a warning. Growth is in percent (12.5 means +12.5%).
Full-width digits and thousands separators (１２，３４５) are read with a note; anything that could
be read two ways (１２３，４) is refused with the fix. Rows without any figure (a template row not
filled in) are left out and counted. Year-to-date and growth are derived where the catalogue allows.

The rows go up in parts (the gateway's body limit) under one upload and are committed as one batch:
all rows are applied together or none; any problem is reported by spreadsheet row and column, with
a stable code (UNKNOWN_INDICATOR, UNIT_MISMATCH, BAD_IDENTIFIER, UNKNOWN_SUBJECT, SUBJECT_NOT_REPORTED,
FUTURE_MONTH, OUT_OF_RANGE, NOT_A_NUMBER, MISSING_VALUE, NOT_APPLICABLE, DUPLICATE_ROW,
STATUS_REGRESSION, ...), and nothing is written (exit 1).

Example:
  npx huishang import --department energy --month 2015-06 energy-2015-06.xlsx
`;

const TEMPLATE_HELP = `huishang template — write the report workbook for a department, from the graph

Usage:
  huishang template --department <name> [--month YYYY-MM] [--format xlsx|csv] [--output FILE] > FILE

Sheet 1 "报送 Report": the columns, with a Chinese second header line; with --month, one row per
indicator and subject the department reports (every region of the city, every enterprise of the
register with its name; for industry its 百户重点企业) with indicator, subject and unit filled and
the figures empty. Sheet 2 "指标目录 Catalogue": the department's indicators (code, names, unit,
kind, subjects, derivation, range, description). CSV has the report sheet only. The catalogue,
regions and register are read through the gateway (indicatorCatalogue, regions, enterprises).

Options:
  --department <name>     ${DEPARTMENTS.join(', ')} (required)
  --month YYYY-MM         pre-fill the rows for this month
  --format xlsx|csv       default xlsx (binary: redirect it to a file, or use --output)
  --output FILE           write to FILE instead of standard output
${GATEWAY_OPTIONS}
  -h, --help              this help
`;


const IMPORT_OPTIONS = {
  department: { type: 'string' },
  month: { type: 'string' },
  status: { type: 'string' },
  'reported-by': { type: 'string' },
  key: { type: 'string' },
  'dry-run': { type: 'boolean' },
  // Kept for old scripts: rows without figures are always left out now.
  'accept-outliers': { type: 'string' },
  'skip-empty': { type: 'boolean' },
  json: { type: 'boolean' },
  gateway: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const TEMPLATE_OPTIONS = {
  department: { type: 'string' },
  month: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  gateway: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function department(command: string, name: string | undefined): string {
  if (!name) throw new UsageError(`--department is required: one of ${DEPARTMENTS.join(', ')}`, command);
  return choice(command, 'department', name, DEPARTMENTS, 'a department of the registry');
}

function gateway(command: string, values: { gateway?: string; token?: string }, io: Io, name: string): GatewayTarget {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { gatewayTarget } = require('./gateway') as typeof import('./gateway');
  try {
    return gatewayTarget(values, io.env, name, command);
  } catch (error) {
    if (error instanceof UsageError && !error.command) throw new UsageError(error.message, command);
    throw error;
  }
}

function month(command: string, value: string | undefined, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) throw new UsageError('--month YYYY-MM is required', command);
    return undefined;
  }
  try {
    return parseMonth(value);
  } catch (error) {
    throw new UsageError(`--month ${value}: ${error instanceof IdentifierError ? error.reason : (error as Error).message}`, command);
  }
}

async function importCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('import', args, IMPORT_OPTIONS);
  if (values.help) {
    io.stdout.write(IMPORT_HELP);
    return ExitCode.Ok;
  }
  const status = (values.status ?? 'PRELIMINARY').toUpperCase();
  if (status !== 'PRELIMINARY' && status !== 'FINAL') throw new UsageError(`--status ${values.status}: PRELIMINARY or FINAL`, 'import');
  const m = month('import', values.month, true)!;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one file at a time, got ${positionals.join(' ')}` : 'name the file to import (FILE.csv or FILE.xlsx)', 'import');
  if (values.key !== undefined && (values.key.length < 1 || values.key.length > 128)) throw new UsageError('--key must be 1 to 128 characters', 'import');
  const name = department('import', values.department);
  // The department as a reporting unit (报送单位) unless told: the pack prints it, and a tester's pack printed "root".
  const reportedBy = values['reported-by'] ?? OWNER_NAMES[name] ?? name;
  // Loaded on use: help and usage errors need neither the reader nor the client.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runImport } = require('./import') as typeof import('./import');
  return runImport(
    {
      department: name,
      gateway: gateway('import', values, io, name),
      month: m,
      status,
      reportedBy,
      key: values.key,
      dryRun: values['dry-run'] ?? false,
      acceptOutliers: values['accept-outliers'],
      skipEmpty: values['skip-empty'] ?? false,
      json: values.json ?? false,
      file: positionals[0],
    },
    io,
  );
}

async function templateCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('template', args, TEMPLATE_OPTIONS);
  if (values.help) {
    io.stdout.write(TEMPLATE_HELP);
    return ExitCode.Ok;
  }
  if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}: the template goes to standard output or --output FILE`, 'template');
  const format = (values.format ?? 'xlsx').toLowerCase();
  if (format !== 'xlsx' && format !== 'csv') throw new UsageError(`--format ${values.format}: xlsx or csv`, 'template');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runTemplate } = require('./template') as typeof import('./template');
  const name = department('template', values.department);
  const m = month('template', values.month, false);
  if (!values.output && format === 'xlsx' && io.stdout.isTTY) {
    throw new UsageError('refusing to write a binary workbook to the terminal: redirect it (> template.xlsx), use --output FILE, or --format csv', 'template');
  }
  // A CSV without rows is the header lines alone: no need for the gateway.
  const target = format === 'csv' && !m ? null : gateway('template', values, io, name);
  return runTemplate({ department: name, month: m, format, output: values.output, gateway: target }, io);
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        if (command === undefined) {
          io.stderr.write(HELP);
          return ExitCode.Usage;
        }
        if (rest[0] === 'clients' || rest[0] === 'documents' || rest[0] === 'audit') {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          io.stdout.write((require('./access') as typeof import('./access')).ACCESS_HELP);
          return ExitCode.Ok;
        }
        if (rest[0] === 'problems') {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          io.stdout.write((require('./problems') as typeof import('./problems')).PROBLEMS_HELP);
          return ExitCode.Ok;
        }
        io.stdout.write(rest[0] === 'import' ? IMPORT_HELP : rest[0] === 'template' ? TEMPLATE_HELP : HELP);
        return ExitCode.Ok;
      case 'import':
        return await importCommand(rest, io);
      case 'template':
        return await templateCommand(rest, io);
      case 'problems':
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return await (require('./problems') as typeof import('./problems')).problemsCommand(rest, io);
      case 'clients':
      case 'documents':
      case 'audit': {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const access = require('./access') as typeof import('./access');
        return await (command === 'clients' ? access.clientsCommand : command === 'documents' ? access.documentsCommand : access.auditCommand)(rest, io);
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}: import, template, problems, clients, documents, audit or help`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`huishang${error.command ? ` ${error.command}` : ''}: ${error.message}\n`);
      io.stderr.write(`Run "huishang ${error.command ? `${error.command} ` : ''}--help" for usage.\n`);
      return ExitCode.Usage;
    }
    if (error instanceof InputRefused) {
      io.stderr.write(`huishang${error.command ? ` ${error.command}` : ''}: ${error.message}\n`);
      return ExitCode.Refused;
    }
    // An error quoting a large request or statement is megabytes: the start and the end say enough.
    const message = (error as Error).message;
    io.stderr.write(`huishang: ${message.length > 600 ? `${message.slice(0, 300)} … ${message.slice(-200)}` : message}\n`);
    if (io.env.HUISHANG_DEBUG) io.stderr.write(`${(error as Error).stack}\n`);
    return ExitCode.Failed;
  }
}

/** Runs the command line of this process and sets its exit code. */
export function run(): void {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`huishang: ${error.message}\n`);
      process.exitCode = ExitCode.Failed;
    },
  );
}

if (require.main === module) run();
