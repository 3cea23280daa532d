#!/usr/bin/env node
/**
 * npm run brief -- --month 2015-06 [--out DIR] [--pdf] [--quarterly] [--gateway URL] [--as-of ISO] [--city CODE]
 *
 * One GraphQL request to the gateway (the persisted document queries/meeting-pack.graphql), then
 * a self-contained HTML meeting pack (and with --pdf a PDF) in the output directory.
 *
 * Exit codes: 0 the pack is complete; 3 the pack was written but one or more departments' services
 * could not answer (their figures are marked 暂缺, named on stderr); 1 no pack (bad arguments, no
 * gateway, any other error).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildPack, PackDataError, unreportedDepartments } from './model';
import { isMonth, isQuarterEnd, parseMonth } from './months';
import { printPdf } from './pdf';
import { BriefingError, DEFAULT_CITY, DOCUMENT_FILE, fetchPack, loadDocument, packVariables, recordedSha256, resolveToken, WITHOUT_REGISTER_FILE, WITHOUT_REGISTER_OPERATION } from './query';
import { renderHtml } from './render';
import { EXIT_DEGRADED, fromWithoutRegister, registerUnavailable, type WithoutRegisterData } from './degraded';
import { DEPARTMENTS } from './types';
import { DEPARTMENT_LABELS } from './labels';

export const DEFAULT_GATEWAY = 'http://localhost:4000/graphql';
export const DEFAULT_OUT = 'out';

const USAGE = `用法：npm run brief -- --month YYYY-MM [选项]

生成月度工业经济运行会商材料（HTML，可选 PDF），向网关发送一次 GraphQL 请求。

  --month YYYY-MM     会商月份（必填），如 2015-06
  --out DIR           输出目录，默认 ${DEFAULT_OUT}/
  --pdf               同时用 chromium（/usr/bin/chromium）打印 PDF
  --quarterly         季调度材料（仅限 3、6、9、12 月）
  --gateway URL       网关地址，默认 ${DEFAULT_GATEWAY}（或环境变量 HUISHANG_GATEWAY；端口按 GATEWAY_PORT，与 huishang 命令相同）
  --as-of ISO时间     按某一时点的数据生成（各部门当时的数据，不含其后的修订）
  --city CODE         城市代码，默认 ${DEFAULT_CITY}
  （访问令牌：环境变量 HUISHANG_TOKEN，默认取 .huishang/demo-clients.json 中工信局演示账号）
  --help              显示本说明
退出码：0 材料完整；3 已生成，但有部门数据服务不可用（该部门数据标为“暂缺”，见标准错误输出）；1 未生成。
`;

export interface Options {
  month: string;
  out: string;
  pdf: boolean;
  quarterly: boolean;
  gateway: string;
  asOf: string | null;
  city: string;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Options | 'help' {
  const options: Partial<Options> = { out: DEFAULT_OUT, pdf: false, quarterly: false, gateway: env.HUISHANG_GATEWAY || (env.GATEWAY_PORT ? `http://localhost:${env.GATEWAY_PORT}/graphql` : DEFAULT_GATEWAY), asOf: null, city: DEFAULT_CITY };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new BriefingError(`错误：${flag} 需要一个值。\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--month':
        options.month = value();
        break;
      case '--out':
        options.out = value();
        break;
      case '--gateway':
        options.gateway = value();
        break;
      case '--as-of':
        options.asOf = value();
        break;
      case '--city':
        options.city = value();
        break;
      case '--pdf':
        options.pdf = true;
        break;
      case '--quarterly':
        options.quarterly = true;
        break;
      default:
        throw new BriefingError(`错误：不认识的参数 ${arg}。\n\n${USAGE}`);
    }
  }
  if (!options.month) throw new BriefingError(`错误：请用 --month 指定会商月份，如 --month 2015-06。\n\n${USAGE}`);
  if (!isMonth(options.month)) throw new BriefingError(`错误：月份应为 YYYY-MM 格式，如 2015-06，收到 ${JSON.stringify(options.month)}。`);
  if (options.quarterly && !isQuarterEnd(options.month)) {
    const { year, month } = parseMonth(options.month);
    const end = Math.ceil(month / 3) * 3;
    throw new BriefingError(
      `错误：季调度材料（--quarterly）只在季末月份生成（3、6、9、12月）；${year}年${month}月不是季末月。请去掉 --quarterly 生成月度材料，或改用 --month ${year}-${String(end).padStart(2, '0')}。`,
    );
  }
  // A moment with its time zone, as the gateway's DateTimeISO takes it: Date.parse read a bare day as
  // midnight UTC, 08:00 in the city, so "as at 31 January" silently left out that day (a tester's finding).
  if (options.asOf !== null && options.asOf !== undefined) {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(options.asOf);
    if (day) {
      throw new BriefingError(`错误：--as-of 须为带时区的时刻，不能只写日期（${options.asOf} 会被读作 UTC 零时，即北京时间 08:00）。如要当日结束时的数据，写 ${options.asOf}T23:59:59+08:00。`);
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(options.asOf) || Number.isNaN(Date.parse(options.asOf))) {
      throw new BriefingError(`错误：--as-of 应为带时区的 ISO 时间，如 2015-07-15T00:00:00+08:00 或 2015-07-15T00:00:00Z，收到 ${JSON.stringify(options.asOf)}。`);
    }
    // Date.parse rolls 30 February over to 2 March (the gateway refuses it): the day must exist, the time too.
    const [year, month, dayOfMonth, hour, minute, second] = options.asOf.split(/[-T:.Z+]/).map(Number);
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > lastDay || hour > 23 || minute > 59 || (second ?? 0) > 59) {
      throw new BriefingError(`错误：--as-of 的日期或时刻不存在：${options.asOf}（${year}-${String(month).padStart(2, '0')} 只有 01 至 ${lastDay} 日，时 00–23，分秒 00–59）。`);
    }
  }
  if (options.asOf) options.asOf = new Date(options.asOf).toISOString();
  return options as Options;
}

export function outputName(options: Pick<Options, 'month' | 'quarterly'>): string {
  if (!options.quarterly) return `briefing-${options.month}`;
  const { year, month } = parseMonth(options.month);
  return `briefing-${year}-Q${Math.ceil(month / 3)}`;
}

export async function run(argv: string[], now: () => Date = () => new Date()): Promise<number> {
  const options = parseArgs(argv);
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const document = loadDocument();
  let recorded: string | null = null;
  try {
    recorded = recordedSha256();
  } catch {
    recorded = null;
  }
  if (recorded !== document.sha256) {
    process.stderr.write(`注意：${DOCUMENT_FILE} 的 sha256 (${document.sha256}) 与记录的 ${recorded ?? '（无记录）'} 不一致；若已修改查询文档，请同时更新 ${DOCUMENT_FILE}.sha256。\n`);
  }

  const variables = packVariables(options.month, { city: options.city, quarterly: options.quarterly, asOf: options.asOf });
  const token = resolveToken();
  if (!token) process.stderr.write('注意：未找到访问令牌（HUISHANG_TOKEN 或 .huishang/demo-clients.json），网关将拒绝请求。\n');
  let response = await fetchPack(options.gateway, document, variables, { token });
  let requests = 1;
  let used = { document, file: DOCUMENT_FILE };
  if (registerUnavailable(response.data, response.unavailable)) {
    // The register's department is down: no query can start from its root fields. A second request
    // reads the other departments through the register-free entry points (README, "When a department fails").
    const fallback = loadDocument(undefined, WITHOUT_REGISTER_FILE, WITHOUT_REGISTER_OPERATION);
    const { year: _year, monthEnd: _monthEnd, ...fallbackVariables } = variables;
    const second = await fetchPack(options.gateway, fallback, fallbackVariables as typeof variables, { token });
    requests++;
    used = { document: fallback, file: WITHOUT_REGISTER_FILE };
    const unavailable = DEPARTMENTS.filter((d) => response.unavailable.includes(d) || second.unavailable.includes(d));
    const data = fromWithoutRegister(second.data as unknown as WithoutRegisterData, unavailable);
    if (!data) throw new BriefingError(`错误：${unavailable.map((d) => DEPARTMENT_LABELS[d]).join('、')}数据服务不可用，不经企业名录的查询也没有取得城市 ${options.city} 的数据，未生成会商材料。`);
    response = { data, requestId: second.requestId ?? response.requestId, elapsedMs: response.elapsedMs + second.elapsedMs, unavailable, withheld: second.withheld };
  }
  let model;
  try {
    model = buildPack(response.data, {
      month: options.month,
      quarterly: options.quarterly,
      gateway: options.gateway,
      generatedAt: now().toISOString(),
      documentSha256: used.document.sha256,
      documentName: `briefing/${used.file}`,
      requestId: response.requestId,
      asOf: options.asOf,
      unavailable: response.unavailable,
      withheld: response.withheld,
    });
  } catch (error) {
    if (error instanceof PackDataError) throw new BriefingError(`错误：网关的回答不完整：${error.message}（城市代码 ${options.city}）。`);
    throw error;
  }
  const html = renderHtml(model);

  const dir = resolve(options.out);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, outputName(options));
  writeFileSync(`${base}.html`, html, 'utf8');
  const shown = (path: string) => relative(process.cwd(), path) || path;
  const lines = [
    `会商材料已生成：${shown(`${base}.html`)}（${Math.round(statSync(`${base}.html`).size / 1024)} KB）`,
    `  ${model.meta.title}`,
    `  网关 ${options.gateway}：${requests} 次 GraphQL 请求，${(response.elapsedMs / 1000).toFixed(1)} s${response.requestId ? `，请求编号 ${response.requestId}` : ''}`,
    `  查询文档 briefing/${used.file}  sha256 ${used.document.sha256}`,
  ];
  if (options.pdf) {
    const pdf = await printPdf(html, model.meta.title);
    writeFileSync(`${base}.pdf`, pdf);
    lines.push(`  PDF：${shown(`${base}.pdf`)}（${Math.round(pdf.length / 1024)} KB）`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const unreported = unreportedDepartments(model);
  if (unreported.length) process.stderr.write(`注意：${unreported.map((d) => `${DEPARTMENT_LABELS[d]}（${d}）`).join('、')}本月数据尚未报送，材料中标“未报送”；报送后请重新生成。\n`);
  if (response.unavailable.length) {
    const names = response.unavailable.map((d) => `${DEPARTMENT_LABELS[d]}（${d}）`).join('、');
    process.stderr.write(`注意：${names}数据服务不可用，会商材料已生成，但其数据暂缺（材料中已标明）。请在恢复后重新生成。退出码 ${EXIT_DEGRADED}。\n`);
    return EXIT_DEGRADED;
  }
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof BriefingError) {
        process.stderr.write(`${error.message}\n${error.details.map((d) => `  - ${d}\n`).join('')}`);
      } else {
        process.stderr.write(`错误：${(error as Error)?.message ?? String(error)}\n`);
        if (process.env.HUISHANG_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
      }
      process.exit(1);
    },
  );
}
