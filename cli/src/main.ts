#!/usr/bin/env node
import 'reflect-metadata';
import { userInfo } from 'node:os';
import type { ParseArgsConfig } from 'node:util';
// The month rule alone, not the package index: help and usage errors answer without loading the ORM and GraphQL stack.
import { parseMonth } from '@huishang/schema/dist/src/identifiers/month';
import { IdentifierError } from '@huishang/schema/dist/src/errors';
import { DEPARTMENTS, isDepartment, loadDepartment } from './departments';
import { ExitCode, parse, UsageError, type Io } from './io';

const HELP = `huishang — report a department's monthly figures (会商 reporting)

Usage:
  huishang import --department <name> --month YYYY-MM [options] FILE.csv|FILE.xlsx
  huishang template --department <name> [--month YYYY-MM] [--format xlsx|csv] [--output FILE] > FILE
  huishang clients add|list|revoke|update …     who may call the gateway (run "huishang clients --help")
  huishang documents add|list …                 persisted documents for safelisted clients
  huishang audit verify|export …                the tamper-evident audit trail
  huishang help [import|template]

Departments: ${DEPARTMENTS.join(', ')}

The database is the department's own, configured as for its service: DATABASE_URL=postgres://host/base
(database base_<department>), <DEPARTMENT>_DATABASE_URL, or a SQLite file under HUISHANG_DATA_DIR (./data).

Exit codes: 0 done; 1 input refused (nothing written); 2 usage error; 3 could not run (e.g. database unreachable).
Run "huishang import --help" or "huishang template --help" for the details.
`;

const IMPORT_HELP = `huishang import — validate and apply one month of a department's figures from a file

Usage:
  huishang import --department <name> --month YYYY-MM [options] FILE.csv|FILE.xlsx

Options:
  --department <name>     ${DEPARTMENTS.join(', ')} (required)
  --month YYYY-MM         the month the figures are for (required)
  --status <status>       PRELIMINARY (default) or FINAL; a change to a FINAL figure becomes REVISED
  --reported-by <name>    who reports (default: the user name, "${safeUser()}")
  --key <key>             idempotency key (default import:<department>:<month>:<sha256 of the file>):
                          the same key with the same content is applied once
  --dry-run               check everything, write nothing; prints "valid: N rows"
  --accept-outliers REASON
                          confirm figures refused as implausible (SCALE_SLIP, IMPLAUSIBLE_JUMP,
                          GROWTH_CONTRADICTION); the reason is kept in their history
  --skip-empty            leave out rows without any figure (a partly filled template)
  --json                  print the outcome or the problems as JSON
  -h, --help              this help

The file: CSV (UTF-8, with or without BOM, RFC 4180 quoting) or .xlsx (first sheet). A header row
names the columns, in any order, case-insensitively, in English or Chinese:
  indicator (指标代码), subject_kind (主体类型: REGION/ENTERPRISE), subject_code (主体代码),
  unit (计量单位), value (当月值), ytd_value (累计值), yoy_pct (当月同比%), ytd_yoy_pct (累计同比%)
A second header line (the template's Chinese one) and a subject_name column are ignored.
Growth is in percent (12.5 means +12.5%). Empty cells are absent figures; year-to-date and growth
are derived where the catalogue allows.

All rows are applied together or none: any problem is reported by spreadsheet row and column,
with a stable code (UNKNOWN_INDICATOR, UNIT_MISMATCH, BAD_IDENTIFIER, UNKNOWN_SUBJECT,
SUBJECT_NOT_REPORTED, FUTURE_MONTH, OUT_OF_RANGE, NOT_A_NUMBER, MISSING_VALUE, NOT_APPLICABLE,
DUPLICATE_ROW, STATUS_REGRESSION, ...), and nothing is written (exit 1).

Example:
  npx huishang import --department energy --month 2015-06 energy-2015-06.xlsx
`;

const TEMPLATE_HELP = `huishang template — write the report workbook for a department

Usage:
  huishang template --department <name> [--month YYYY-MM] [--format xlsx|csv] [--output FILE] > FILE

Sheet 1 "报送 Report": the columns, with a Chinese second header line; with --month, one row per
indicator and subject the department reports (every region of the city, every enterprise of its
register, read from its database) with indicator, subject and unit filled and the figures empty.
Sheet 2 "指标目录 Catalogue": the department's indicators (code, names, unit, kind, subjects,
derivation, range, description). CSV has the report sheet only.

Options:
  --department <name>     ${DEPARTMENTS.join(', ')} (required)
  --month YYYY-MM         pre-fill the rows for this month
  --format xlsx|csv       default xlsx (binary: redirect it to a file, or use --output)
  --output FILE           write to FILE instead of standard output
  -h, --help              this help
`;

function safeUser(): string {
  try {
    return userInfo().username || 'huishang import';
  } catch {
    return 'huishang import';
  }
}

const IMPORT_OPTIONS = {
  department: { type: 'string' },
  month: { type: 'string' },
  status: { type: 'string' },
  'reported-by': { type: 'string' },
  key: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'accept-outliers': { type: 'string' },
  'skip-empty': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const TEMPLATE_OPTIONS = {
  department: { type: 'string' },
  month: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

async function department(command: string, name: string | undefined) {
  if (!name) throw new UsageError('--department is required', command);
  if (!isDepartment(name)) throw new UsageError(`unknown department ${JSON.stringify(name)}: one of ${DEPARTMENTS.join(', ')}`, command);
  return loadDepartment(name);
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
  const reportedBy = values['reported-by'] ?? safeUser();
  // Loaded on use: the ORM and the reporting core take a second to load, help and usage errors need neither.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runImport } = require('./import') as typeof import('./import');
  return runImport(
    {
      department: await department('import', values.department),
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
  return runTemplate({ department: await department('template', values.department), month: month('template', values.month, false), format, output: values.output }, io);
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
        io.stdout.write(rest[0] === 'import' ? IMPORT_HELP : rest[0] === 'template' ? TEMPLATE_HELP : HELP);
        return ExitCode.Ok;
      case 'import':
        return await importCommand(rest, io);
      case 'template':
        return await templateCommand(rest, io);
      case 'clients':
      case 'documents':
      case 'audit': {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const access = require('./access') as typeof import('./access');
        return await (command === 'clients' ? access.clientsCommand : command === 'documents' ? access.documentsCommand : access.auditCommand)(rest, io);
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}: import, template, clients, documents, audit or help`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`huishang${error.command ? ` ${error.command}` : ''}: ${error.message}\n`);
      io.stderr.write(`Run "huishang ${error.command ? `${error.command} ` : ''}--help" for usage.\n`);
      return ExitCode.Usage;
    }
    // A database error quotes its statement, which for a large batch is megabytes: the start says enough.
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
