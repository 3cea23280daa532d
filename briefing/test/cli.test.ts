/** The CLI's arguments and error messages, and the one request against a stand-in gateway. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outputName, parseArgs } from '../src/main';
import { addMonths, isQuarterEnd, qtdLabel, ytdLabel } from '../src/months';
import { BriefingError, fetchPack, loadDocument, packVariables } from '../src/query';
import { fixture } from './fixture';

describe('arguments', () => {
  it('has the documented defaults', () => {
    expect(parseArgs(['--month', '2015-06'], {})).toEqual({ month: '2015-06', out: 'out', pdf: false, quarterly: false, gateway: 'http://localhost:4000/graphql', asOf: null, city: '411000' });
    expect(parseArgs(['--month=2015-06', '--pdf', '--gateway', 'http://gw:9/graphql', '--out', 'x'], {})).toMatchObject({ pdf: true, gateway: 'http://gw:9/graphql', out: 'x' });
    expect(parseArgs(['--month', '2015-06'], { HUISHANG_GATEWAY: 'http://other/graphql' })).toMatchObject({ gateway: 'http://other/graphql' });
    // The local system on another port, as `npm start` and the huishang command read it.
    expect(parseArgs(['--month', '2015-06'], { GATEWAY_PORT: '4200' })).toMatchObject({ gateway: 'http://localhost:4200/graphql' });
    expect(parseArgs(['--month', '2015-06'], { GATEWAY_PORT: '4200', HUISHANG_GATEWAY: 'http://other/graphql' })).toMatchObject({ gateway: 'http://other/graphql' });
    expect(parseArgs(['--help'])).toBe('help');
  });

  it('refuses the quarterly pack outside quarter-end months, saying which month would do', () => {
    expect(() => parseArgs(['--month', '2015-05', '--quarterly'], {})).toThrow(BriefingError);
    expect(() => parseArgs(['--month', '2015-05', '--quarterly'], {})).toThrow(/季调度材料（--quarterly）只在季末月份生成（3、6、9、12月）；2015年5月不是季末月。.*--month 2015-06/);
    for (const month of ['2015-03', '2015-06', '2015-09', '2015-12']) expect(parseArgs(['--month', month, '--quarterly'], {})).toMatchObject({ quarterly: true });
  });

  it('refuses a missing or malformed month, unknown flags and a bad --as-of', () => {
    expect(() => parseArgs([], {})).toThrow(/请用 --month 指定会商月份/);
    expect(() => parseArgs(['--month', '2015-13'], {})).toThrow(/YYYY-MM/);
    expect(() => parseArgs(['--month', '2015-06', '--colour'], {})).toThrow(/不认识的参数 --colour/);
    expect(() => parseArgs(['--month'], {})).toThrow(/--month 需要一个值/);
    expect(() => parseArgs(['--month', '2015-06', '--as-of', 'yesterday'], {})).toThrow(/--as-of/);
    // A day alone is refused (it was read as midnight UTC, 08:00 in the city), with the moment to write instead.
    expect(() => parseArgs(['--month', '2015-06', '--as-of', '2015-07-15'], {})).toThrow(/不能只写日期.*2015-07-15T23:59:59\+08:00/);
    expect(() => parseArgs(['--month', '2015-06', '--as-of', '2015-07-15T10:00'], {})).toThrow(/带时区的 ISO 时间/);
    // A day that does not exist is refused as the gateway refuses it (Date.parse rolled it over to 2 March).
    expect(() => parseArgs(['--month', '2015-06', '--as-of', '2015-02-30T00:00:00Z'], {})).toThrow(/日期或时刻不存在.*2015-02 只有 01 至 28 日/);
    expect(() => parseArgs(['--month', '2015-06', '--as-of', '2015-07-15T24:00:00+08:00'], {})).toThrow(/日期或时刻不存在/);
    expect(parseArgs(['--month', '2015-06', '--as-of', '2015-07-15T23:59:59+08:00'], {})).toMatchObject({ asOf: '2015-07-15T15:59:59.000Z' });
    expect(parseArgs(['--month', '2015-06', '--as-of', '2015-07-15T00:00:00Z'], {})).toMatchObject({ asOf: '2015-07-15T00:00:00.000Z' });
  });

  it('names the files by month or quarter', () => {
    expect(outputName({ month: '2015-06', quarterly: false })).toBe('briefing-2015-06');
    expect(outputName({ month: '2015-06', quarterly: true })).toBe('briefing-2015-Q2');
  });
});

describe('months', () => {
  it('counts across years and labels periods as bulletins do', () => {
    expect(addMonths('2015-01', -1)).toBe('2014-12');
    expect(addMonths('2015-06', -11)).toBe('2014-07');
    expect(addMonths('2014-12', 1)).toBe('2015-01');
    expect(isQuarterEnd('2015-12')).toBe(true);
    expect(isQuarterEnd('2015-11')).toBe(false);
    expect(ytdLabel('2015-06')).toBe('1–6月');
    expect(ytdLabel('2015-01')).toBe('1月');
    expect(qtdLabel('2015-09')).toBe('7–9月');
  });
});

describe('the one request', () => {
  let server: Server;
  let url: string;
  const requests: { body: any; headers: Record<string, unknown> }[] = [];
  let answer: (body: any) => { status: number; body: string } = () => ({ status: 200, body: JSON.stringify({ data: fixture() }) });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const body = JSON.parse(text);
        requests.push({ body, headers: req.headers });
        const reply = answer(body);
        res.writeHead(reply.status, { 'content-type': 'application/json', 'x-request-id': 'req-42' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    requests.length = 0;
  });

  it('posts the persisted document once with the month and the eleven before it', async () => {
    const document = loadDocument();
    const result = await fetchPack(url, document, packVariables('2015-06', { quarterly: true }));
    expect(requests).toHaveLength(1);
    expect(requests[0].body.query).toBe(document.text);
    expect(requests[0].body.operationName).toBe('MeetingPack');
    expect(requests[0].body.variables).toMatchObject({ month: '2015-06', m01: '2015-05', m11: '2014-07', quarterly: true, city: '411000' });
    expect(result.requestId).toBe('req-42');
    expect(result.data.city!.name).toBe('许昌市');
  });

  it('turns GraphQL errors into one clear message listing each error', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ data: null, errors: [{ message: 'Cannot query field "keyProjects" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, { message: 'boom', path: ['city', 'energy'] }] }) });
    const error = await fetchPack(url, loadDocument(), packVariables('2015-06')).catch((e) => e);
    expect(error).toBeInstanceOf(BriefingError);
    expect(error.message).toBe('错误：网关返回 2 个 GraphQL 错误（HTTP 200，请求编号 req-42），未生成会商材料：');
    expect(error.details).toEqual(['[GRAPHQL_VALIDATION_FAILED] Cannot query field "keyProjects" on type "Query".', 'boom (at city.energy)']);
  });

  it('keeps a figure withheld by its owner (FORBIDDEN at its path) as a marked gap, not a failure', async () => {
    const data = fixture();
    data.keyEnterprises.edges[0].node.finance.loansOutstanding = null;
    const forbidden = { message: 'Access denied to "finance.loansOutstanding"', path: ['keyEnterprises', 'edges', 0, 'node', 'finance', 'loansOutstanding'], extensions: { code: 'FORBIDDEN', indicator: 'FIN_LOANS_OUTSTANDING', sharing: 'CONDITIONAL', owner: 'finance' } };
    answer = () => ({ status: 200, body: JSON.stringify({ data, errors: [forbidden] }) });
    const result = await fetchPack(url, loadDocument(), packVariables('2015-06'));
    expect(result.withheld).toEqual([{ path: 'keyEnterprises.edges.0.node.finance.loansOutstanding', sharing: 'CONDITIONAL', indicator: 'FIN_LOANS_OUTSTANDING' }]);
    expect(result.unavailable).toEqual([]);
    // Any other error beside it still gives no pack.
    answer = () => ({ status: 200, body: JSON.stringify({ data, errors: [forbidden, { message: 'boom', path: ['city'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }) });
    await expect(fetchPack(url, loadDocument(), packVariables('2015-06'))).rejects.toThrow(/网关返回 2 个 GraphQL 错误/);
  });

  it('says so when the answer is not GraphQL', async () => {
    answer = () => ({ status: 502, body: '<html>bad gateway</html>' });
    await expect(fetchPack(url, loadDocument(), packVariables('2015-06'))).rejects.toThrow('错误：网关 ' + url + ' 返回 HTTP 502，内容不是 GraphQL 响应：<html>bad gateway</html>');
  });

  it('says so when nothing listens', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const gateway = `http://127.0.0.1:${closed}/graphql`;
    await expect(fetchPack(gateway, loadDocument(), packVariables('2015-06'))).rejects.toThrow(`错误：无法连接网关 ${gateway}（ECONNREFUSED）。请确认网关已启动（npm start），或用 --gateway 指定地址。`);
    await expect(fetchPack('localhost:4000', loadDocument(), packVariables('2015-06'))).rejects.toThrow(/网关地址/);
  });
});
