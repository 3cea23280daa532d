import { writeFileSync } from 'node:fs';
import type ExcelJS from 'exceljs';
import { COLUMNS, type ColumnKey } from './columns';
import { ExitCode, UsageError, type Io } from './io';
import { catalogueOf, describeTarget, GatewayClient, GatewayUnavailable, GraphQLRequestError, type CatalogueEntry, type GatewayTarget } from './gateway';

export interface TemplateOptions {
  department: string;
  month?: string;
  format: 'xlsx' | 'csv';
  output?: string;
  /** Where the catalogue and the register come from; null for a CSV without rows (the header lines alone). */
  gateway: GatewayTarget | null;
}

/** The columns of the report sheet, in order: the subject's name beside its code, for reading only. */
const ORDER: ColumnKey[] = ['indicator', 'subjectKind', 'subjectCode', 'subjectName', 'unit', 'value', 'ytdValue', 'yoyPct', 'ytdYoyPct'];
const TEMPLATE_COLUMNS = ORDER.map((key) => COLUMNS.find((c) => c.key === key)!);

export interface TemplateRow {
  indicator: string;
  subjectKind: 'REGION' | 'ENTERPRISE' | 'PARK';
  subjectCode: string;
  subjectName: string;
  unit: string;
}

interface Subject {
  code: string;
  name: string;
}

/** Page size of the register read (the enterprises connection allows 1 to 500). */
const PAGE = 500;

/**
 * The regions of the city and the enterprises of the register, with their names, through the
 * graph (the industry bureau keeps the register): every department reports on the register's
 * enterprises; the industry bureau reports key-enterprise output for its 百户重点企业 only.
 */
export async function subjects(client: GatewayClient, department: string, needEnterprises: boolean, needParks = false): Promise<{ regions: Subject[]; enterprises: Subject[]; parks: Subject[] }> {
  const { regions } = await client.request<{ regions: Subject[] }>('query HuishangRegions { regions { code name } }');
  // The park list (园区名录) when the department reports a park indicator (the ledger's PARK rows).
  const parks = needParks ? (await client.request<{ parks: Subject[] }>('query HuishangParks { parks { code name } }')).parks : [];
  const enterprises: Subject[] = [];
  if (!needEnterprises) return { regions, enterprises, parks };
  let after: string | null = null;
  for (;;) {
    type Page = { enterprises: { edges: { node: { creditCode: string; name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const page: Page = await client.request<Page>(
      'query HuishangRegister($first: Int!, $after: String, $keyOnly: Boolean!) { enterprises(first: $first, after: $after, keyOnly: $keyOnly) { edges { node { creditCode name } } pageInfo { hasNextPage endCursor } } }',
      { first: PAGE, after, keyOnly: department === 'industry' },
    );
    for (const edge of page.enterprises.edges) enterprises.push({ code: edge.node.creditCode, name: edge.node.name });
    if (!page.enterprises.pageInfo.hasNextPage || !page.enterprises.pageInfo.endCursor) break;
    after = page.enterprises.pageInfo.endCursor;
  }
  return { regions, enterprises, parks };
}

/** The indicators a month's template leaves out: in January those published as 1–2月 (JAN_FEB_COMBINED refuses any January row of them). */
export function leftOutOf(catalogue: CatalogueEntry[], month?: string): CatalogueEntry[] {
  return month?.endsWith('-01') ? catalogue.filter((d) => d.publishedJanFeb) : [];
}

/** What the template says of the indicators it leaves out, or null. */
export function leftOutNote(catalogue: CatalogueEntry[], month?: string): string | null {
  const left = leftOutOf(catalogue, month);
  return left.length
    ? `note: ${left.map((d) => `${d.code} (${d.name})`).join(', ')} ${left.length === 1 ? 'is' : 'are'} published for January and February together (1–2月): not in January's template; report ${left.length === 1 ? 'it' : 'them'} in February, with the 1–2月 total as ytd_value`
    : null;
}

/** One row per indicator and subject the department reports: every region of the city, every enterprise of the register, every park (园区) for a park indicator, names filled; for January without the 1–2月 indicators. */
export function templateRows(catalogue: CatalogueEntry[], regions: Subject[], enterprises: Subject[], month?: string, parks: Subject[] = []): TemplateRow[] {
  const rows: TemplateRow[] = [];
  const left = new Set(leftOutOf(catalogue, month).map((d) => d.code));
  for (const d of catalogue) {
    if (left.has(d.code) || d.derivation === 'COMPUTED') continue;
    if (d.subjects.includes('REGION')) {
      for (const r of regions) rows.push({ indicator: d.code, subjectKind: 'REGION', subjectCode: r.code, subjectName: r.name, unit: d.unit });
    }
    if (d.subjects.includes('ENTERPRISE')) {
      for (const e of enterprises) rows.push({ indicator: d.code, subjectKind: 'ENTERPRISE', subjectCode: e.code, subjectName: e.name, unit: d.unit });
    }
    if (d.subjects.includes('PARK')) {
      for (const p of parks) rows.push({ indicator: d.code, subjectKind: 'PARK', subjectCode: p.code, subjectName: p.name, unit: d.unit });
    }
  }
  return rows;
}

const derivation = (d: CatalogueEntry) =>
  d.derivation === 'COMPUTED' ? 'COMPUTED 计算得出, 不报送' : d.derivation === 'REPORTED_ONLY' ? 'REPORTED_ONLY 只报不推' : 'DERIVED_ALLOWED 可推算';
const KIND_ZH: Record<string, string> = { FLOW: '流量 (累计为求和)', STOCK: '存量 (月末数, 无累计)', RATE: '比率' };

export async function templateWorkbook(department: string, indicators: CatalogueEntry[], rows: TemplateRow[], month?: string): Promise<Buffer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Workbook } = require('exceljs') as typeof ExcelJS;
  const workbook = new Workbook();
  workbook.creator = 'huishang';
  workbook.title = `${department} report${month ? ` ${month}` : ''}`;
  workbook.subject = `${department}${month ? `, ${month}` : ''}`;

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
  for (const d of indicators) {
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
  let rows: TemplateRow[] = [];
  let data: Buffer;
  let enterprises = 0;
  if (!options.gateway) {
    // The header lines alone: nothing to ask the graph.
    data = templateCsv(rows);
  } else {
    const client = new GatewayClient(options.gateway, io.env);
    try {
      const { viewer, catalogue } = await catalogueOf(client, options.department);
      describeTarget(io, options.gateway, viewer);
      if (options.month) {
        const found = await subjects(client, options.department, catalogue.some((d) => d.subjects.includes('ENTERPRISE')), catalogue.some((d) => d.subjects.includes('PARK')));
        enterprises = found.enterprises.length;
        rows = templateRows(catalogue, found.regions, found.enterprises, options.month, found.parks);
        const note = leftOutNote(catalogue, options.month);
        if (note) io.stderr.write(`${note}\n`);
      }
      data = options.format === 'xlsx' ? await templateWorkbook(options.department, catalogue, rows, options.month) : templateCsv(rows);
    } catch (error) {
      if (error instanceof GatewayUnavailable || error instanceof GraphQLRequestError) {
        io.stderr.write(`huishang template: ${error.message}\n`);
        return error instanceof GatewayUnavailable ? ExitCode.Failed : ExitCode.Refused;
      }
      throw error;
    }
  }
  if (options.output) writeFileSync(options.output, data);
  else await write(io.stdout, data);
  const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
  io.stderr.write(
    `${options.department} template${options.month ? ` for ${options.month}` : ''}: ${count(rows.length, 'pre-filled row')}${options.month ? ` (${count(enterprises, 'enterprise')} of the register, names filled)` : ''} (${options.format}${options.output ? `, ${options.output}` : ''})\n`,
  );
  return ExitCode.Ok;
}
