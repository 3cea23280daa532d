import { writeFileSync } from 'node:fs';
import type ExcelJS from 'exceljs';
import { openDatabase, REGIONS, subgraphParts, type IndicatorDefinition, type SubgraphDefinition, type SubjectType } from '@huishang/schema';
import { COLUMNS, type ColumnKey } from './columns';
import { registerTable } from './departments';
import { ExitCode, UsageError, type Io } from './io';

export interface TemplateOptions {
  department: SubgraphDefinition;
  month?: string;
  format: 'xlsx' | 'csv';
  output?: string;
}

/** The columns of the report sheet, in order: the subject's name beside its code, for reading only. */
const ORDER: ColumnKey[] = ['indicator', 'subjectKind', 'subjectCode', 'subjectName', 'unit', 'value', 'ytdValue', 'yoyPct', 'ytdYoyPct'];
const TEMPLATE_COLUMNS = ORDER.map((key) => COLUMNS.find((c) => c.key === key)!);

export interface TemplateRow {
  indicator: string;
  subjectKind: SubjectType;
  subjectCode: string;
  subjectName: string;
  unit: string;
}

interface RegisteredSubject {
  code: string;
  name: string;
}

/**
 * The enterprises a department reports on, from its own database: the industry bureau reports
 * key-enterprise output for its 百户重点企业; the other departments for their register.
 */
async function registeredEnterprises(definition: SubgraphDefinition, io: Io): Promise<RegisteredSubject[]> {
  const orm = await openDatabase({ subgraph: definition.name, ...subgraphParts(definition).database, logger: (message) => io.stderr.write(`${message}\n`) });
  try {
    const connection = orm.em.fork().getConnection();
    // The industry bureau reports key-enterprise output for its 百户重点企业 only.
    const sql =
      definition.name === 'industry'
        ? 'select credit_code, name from enterprise where key_enterprise order by credit_code'
        : `select credit_code from ${registerTable(definition.name)} order by credit_code`;
    const rows: { credit_code: string; name?: string }[] = await connection.execute(sql);
    return rows.map((r) => ({ code: r.credit_code, name: r.name ?? '' }));
  } finally {
    await orm.close(true);
  }
}

/** One row per indicator and subject the department reports: every region of the city, every enterprise of its register. */
export async function templateRows(definition: SubgraphDefinition, io: Io): Promise<TemplateRow[]> {
  const definitions = definition.reporting.catalogue.definitions;
  const enterprises = definitions.some((d) => d.subjects.includes('ENTERPRISE')) ? await registeredEnterprises(definition, io) : [];
  if (definitions.some((d) => d.subjects.includes('ENTERPRISE')) && enterprises.length === 0) {
    io.stderr.write(`warning: the ${definition.name} register holds no enterprises (is the database seeded?): the template has region rows only\n`);
  }
  const rows: TemplateRow[] = [];
  for (const d of definitions) {
    if (d.subjects.includes('REGION')) {
      for (const r of REGIONS) rows.push({ indicator: d.code, subjectKind: 'REGION', subjectCode: r.code, subjectName: r.name, unit: d.unit });
    }
    if (d.subjects.includes('ENTERPRISE')) {
      for (const e of enterprises) rows.push({ indicator: d.code, subjectKind: 'ENTERPRISE', subjectCode: e.code, subjectName: e.name, unit: d.unit });
    }
  }
  return rows;
}

const derivation = (d: IndicatorDefinition) => (d.kind === 'RATE' || d.reportedOnly ? 'REPORTED_ONLY 只报不推' : 'DERIVED_ALLOWED 可推算');
const KIND_ZH: Record<string, string> = { FLOW: '流量 (累计为求和)', STOCK: '存量 (月末数, 无累计)', RATE: '比率' };

export async function templateWorkbook(definition: SubgraphDefinition, rows: TemplateRow[], month?: string): Promise<Buffer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Workbook } = require('exceljs') as typeof ExcelJS;
  const workbook = new Workbook();
  workbook.creator = 'huishang';
  workbook.title = `${definition.name} report${month ? ` ${month}` : ''}`;
  workbook.subject = `${definition.department}${month ? `, ${month}` : ''}`;

  const sheet = workbook.addWorksheet('报送 Report', { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.columns = TEMPLATE_COLUMNS.map((c) => ({
    key: c.key,
    width: c.key === 'subjectCode' ? 22 : c.key === 'indicator' ? 30 : c.key === 'subjectName' ? 26 : 14,
    // Codes are text: Excel would turn an all-digit code into a number and drop digits past the 15th.
    style: c.key === 'subjectCode' ? { numFmt: '@' } : c.figure ? { numFmt: '0.####' } : {},
  }));
  const english = sheet.getRow(1);
  const chinese = sheet.getRow(2);
  TEMPLATE_COLUMNS.forEach((c, i) => {
    const cell = english.getCell(i + 1);
    cell.value = c.header;
    cell.note = `${c.zh}: ${c.note}`;
    chinese.getCell(i + 1).value = c.zh;
  });
  english.font = { bold: true };
  chinese.font = { italic: true, color: { argb: 'FF666666' } };
  for (const row of rows) sheet.addRow({ ...row });

  const catalogue = workbook.addWorksheet('指标目录 Catalogue', { views: [{ state: 'frozen', ySplit: 1 }] });
  catalogue.columns = [
    { header: 'code 指标代码', key: 'code', width: 34 },
    { header: 'name 指标名称', key: 'name', width: 22 },
    { header: 'name_en', key: 'nameEn', width: 40 },
    { header: 'unit 计量单位', key: 'unit', width: 12 },
    { header: 'kind 类型', key: 'kind', width: 26 },
    { header: 'subjects 主体', key: 'subjects', width: 20 },
    { header: 'derivation 推算', key: 'derivation', width: 24 },
    { header: 'minimum 下限', key: 'minimum', width: 12 },
    { header: 'maximum 上限', key: 'maximum', width: 12 },
    { header: 'description 说明', key: 'description', width: 80 },
  ];
  catalogue.getRow(1).font = { bold: true };
  for (const d of definition.reporting.catalogue.definitions) {
    catalogue.addRow({
      code: d.code,
      name: d.name,
      nameEn: d.nameEn,
      unit: d.unit,
      kind: `${d.kind} ${KIND_ZH[d.kind] ?? ''}`.trim(),
      subjects: d.subjects.join(', '),
      derivation: derivation(d),
      minimum: d.minimum ?? null,
      maximum: d.maximum ?? null,
      description: d.description,
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly; CRLF line ends (RFC 4180). */
export function templateCsv(rows: TemplateRow[]): Buffer {
  const lines = [TEMPLATE_COLUMNS.map((c) => c.header), TEMPLATE_COLUMNS.map((c) => c.zh)];
  for (const row of rows) lines.push(TEMPLATE_COLUMNS.map((c) => String((row as unknown as Record<string, string>)[c.key] ?? '')));
  return Buffer.from('\ufeff' + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n', 'utf8');
}

function write(stream: NodeJS.WriteStream, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(data, (error) => (error ? reject(error) : resolve())));
}

export async function runTemplate(options: TemplateOptions, io: Io): Promise<number> {
  if (!options.output && options.format === 'xlsx' && io.stdout.isTTY) {
    throw new UsageError('refusing to write a binary workbook to the terminal: redirect it (> template.xlsx), use --output FILE, or --format csv', 'template');
  }
  const rows = options.month ? await templateRows(options.department, io) : [];
  const data = options.format === 'xlsx' ? await templateWorkbook(options.department, rows, options.month) : templateCsv(rows);
  if (options.output) writeFileSync(options.output, data);
  else await write(io.stdout, data);
  io.stderr.write(`${options.department.name} template${options.month ? ` for ${options.month}` : ''}: ${rows.length} pre-filled rows (${options.format}${options.output ? `, ${options.output}` : ''})\n`);
  return ExitCode.Ok;
}
