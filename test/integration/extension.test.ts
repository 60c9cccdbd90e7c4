/**
 * Runs inside a real VS Code extension host (code-server here, @vscode/test-electron on a desktop):
 * the bundled extension is driven only through its commands and its exported API.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { apiCall } from '../support/records';

interface TreeLine {
  label: string;
  description?: string;
  children?: TreeLine[];
}
interface Api {
  version: string;
  panels(): Array<{ title: string; events: number; paths: string[] }>;
  trees(): Promise<{ sources: TreeLine[]; recent: TreeLine[] }>;
}
interface OpenResult {
  files: number;
  events: number;
  duplicates: number;
  errors: number;
  skipped: number;
  cancelled: boolean;
}

const EXTENSION_ID = 'audit-log-explorer.audit-log-explorer';
const repo = path.resolve(__dirname, '../../..');
const shared = path.resolve(repo, '../shared/data/cloudtrail');

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** Every file under `dir`, concatenated. */
function readTree(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    out += statSync(p).isDirectory() ? readTree(p) : `\n${readFileSync(p, 'utf8')}`;
  }
  return out;
}

async function closeAllPanels(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('Audit Log Explorer in a real extension host', function () {
  this.timeout(120_000);

  it('activates and returns its API', async () => {
    const a = await api();
    const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    assert.equal(a.version, pkg.version);
  });

  it('registers every command it declares', async () => {
    const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } };
    const all = new Set(await vscode.commands.getCommands(true));
    for (const { command } of pkg.contributes.commands) assert.ok(all.has(command), command);
  });

  it('opens the CloudTrail sets written by others and reproduces their counts', async function () {
    if (!existsSync(shared)) {
      console.warn(`!!! SKIPPING: ${shared} not found`);
      this.skip();
    }
    // Every set, with the counts of ../shared/data/cloudtrail/README.md (records = events + duplicates).
    const expected: Record<string, { events: number; duplicates: number; errors: number }> = {
      'cloud-snitch-org-trail': { events: 21, duplicates: 0, errors: 0 },
      'invictus-ir-aws-dataset': { events: 2900, duplicates: 0, errors: 0 },
      'otrf-security-datasets-aws': { events: 404, duplicates: 0, errors: 0 },
      'plaso-aws-cloudtrail-jsonl': { events: 6, duplicates: 0, errors: 0 },
      'stratus-red-team-detonation-logs': { events: 310, duplicates: 0, errors: 0 },
      traildiscover: { events: 314, duplicates: 1, errors: 0 },
      'trailscraper-fixtures': { events: 3, duplicates: 4, errors: 0 },
      'zmallen-cloudtrail2sightings': { events: 15, duplicates: 0, errors: 2 },
    };
    for (const [set, want] of Object.entries(expected)) {
      const r = await vscode.commands.executeCommand<OpenResult>('auditLogs.openFiles', vscode.Uri.file(path.join(shared, set)));
      assert.deepEqual({ events: r.events, duplicates: r.duplicates, errors: r.errors }, want, set);
    }
    const a = await api();
    assert.ok(a.panels().length >= 8);
    const cloudtrail = (await a.trees()).sources.find((n) => n.label === 'Log files');
    assert.ok(cloudtrail?.children, 'the Sources tree lists the opened sets under "Log files"');
    const invictus = cloudtrail.children.find((c) => c.label === 'invictus-ir-aws-dataset');
    assert.match(invictus?.description ?? '', /^2,900 events(, 2 high)?$/);
    // Issue 16: once the panel's Sigma run is done, the tree adds the events with a high or critical
    // hit (the CLI's `detect --summary` counts 2 high hits, on 2 events, in this set).
    let described = invictus?.description ?? '';
    for (let i = 0; i < 200 && described !== '2,900 events, 2 high'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      described = (await a.trees()).sources.find((n) => n.label === 'Log files')?.children?.find((c) => c.label === 'invictus-ir-aws-dataset')?.description ?? '';
    }
    assert.equal(described, '2,900 events, 2 high');
    const zmallen = cloudtrail.children.find((c) => c.label === 'zmallen-cloudtrail2sightings');
    assert.match(zmallen?.description ?? '', /15 events, 2 problems/);
    const recent = (await a.trees()).recent.map((r) => r.label);
    for (const set of Object.keys(expected)) assert.ok(recent.includes(set), `${set} in Recent`);
    await closeAllPanels();
  });

  it('opens every file shape from an array of URIs, and exports and copies what it shows', async () => {
    const fixtures = path.join(repo, 'test', 'fixtures', 'shapes');
    const r = await vscode.commands.executeCommand<OpenResult>('auditLogs.openFiles', [
      vscode.Uri.file(path.join(fixtures, 'lake-query-results.json')),
      vscode.Uri.file(path.join(fixtures, 'lookup-events-pretty.json')),
    ]);
    assert.equal(r.events, 3);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'ale-export-')), 'events.jsonl');
    const n = await vscode.commands.executeCommand<number>('auditLogs.exportResults', 'jsonl', vscode.Uri.file(out));
    assert.equal(n, 3);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    for (const l of lines) assert.ok(JSON.parse(l));
    const copied = await vscode.commands.executeCommand<string>('auditLogs.copyEventJson', 0);
    assert.equal(await vscode.env.clipboard.readText(), copied);
    await closeAllPanels();
  });

  it('reports a folder with broken files as problems and still loads what can be read', async () => {
    const r = await vscode.commands.executeCommand<OpenResult>('auditLogs.openFiles', vscode.Uri.file(path.join(repo, 'test', 'fixtures', 'malformed')));
    assert.ok(r.events > 0);
    assert.ok(r.errors >= 5, `${r.errors} problems`);
    assert.ok(r.skipped >= 1, 'the digest file is skipped');
    await closeAllPanels();
  });

  it('generates and opens the sample logs on worker threads: 20,704 events, the 3 promised problems', async () => {
    // Large enough (10 MB) that the loader uses worker threads inside the extension host.
    const r = await vscode.commands.executeCommand<OpenResult>('auditLogs.openSampleLogs');
    assert.deepEqual({ events: r.events, duplicates: r.duplicates, errors: r.errors, cancelled: r.cancelled }, { events: 20704, duplicates: 1, errors: 3, cancelled: false });
    await closeAllPanels();
  });

  it('applies the detection settings at once: a disabled rule leaves the Sources tree counts, a rule folder adds its own (issue 16)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ale-detsettings-'));
    const ev = (i: number, source: string, name: string) => apiCall(`settings-${i}`, `2024-03-01T10:0${i}:00Z`, source, name);
    const logs = path.join(dir, 'settings-incident');
    mkdirSync(logs);
    // DeleteFlowLogs: "AWS VPC Flow Logs Deleted" (high); DeleteTrail: "AWS CloudTrail Important Change" (medium).
    writeFileSync(path.join(logs, 'incident.json'), JSON.stringify({ Records: [ev(1, 'ec2.amazonaws.com', 'DescribeRegions'), ev(2, 'cloudtrail.amazonaws.com', 'DeleteTrail'), ev(3, 'ec2.amazonaws.com', 'DeleteFlowLogs')] }));
    const rules = path.join(dir, 'my-rules');
    mkdirSync(rules);
    writeFileSync(
      path.join(rules, 'trail-deleted.yml'),
      ['title: A trail deleted by mallory', 'id: 6f0b3a52-1d2e-4c1f-9a57-3b1f0e7c2d11', 'status: test', 'author: the tests', 'level: critical', 'logsource:', '  product: aws', '  service: cloudtrail', 'detection:', '  selection:', '    eventName: DeleteTrail', '    userIdentity.userName: mallory', '  condition: selection', ''].join('\n'),
    );
    const config = () => vscode.workspace.getConfiguration('auditLogs.detections');
    const described = async () => (await (await api()).trees()).sources.find((n) => n.label === 'Log files')?.children?.find((c) => c.label === 'settings-incident')?.description ?? '';
    const becomes = async (want: string) => {
      let got = await described();
      for (let i = 0; i < 400 && got !== want; i++) {
        await new Promise((r) => setTimeout(r, 50));
        got = await described();
      }
      assert.equal(got, want);
    };
    try {
      const r = await vscode.commands.executeCommand<OpenResult>('auditLogs.openFiles', vscode.Uri.file(logs));
      assert.equal(r.events, 3);
      await becomes('3 events, 1 high');
      await config().update('disabledRules', ['e386b9b5-af12-450e-afff-761730fb8a98'], vscode.ConfigurationTarget.Global);
      await becomes('3 events');
      await config().update('ruleFolders', [rules], vscode.ConfigurationTarget.Global);
      await becomes('3 events, 1 critical');
      await config().update('disabledRules', undefined, vscode.ConfigurationTarget.Global);
      await becomes('3 events, 1 critical, 1 high');
    } finally {
      await config().update('ruleFolders', undefined, vscode.ConfigurationTarget.Global);
      await config().update('disabledRules', undefined, vscode.ConfigurationTarget.Global);
      await closeAllPanels();
    }
  });

  it('adds a Control Plane account against a local API (the key proven first), queries it into a panel, keeps the key secret', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fake API is compiled into out/ beside this file
    const fakes = require(path.join(repo, 'out', 'test', 'support', 'fakes', 'controlplane.js')) as {
      startCplnFake(): Promise<{ url: string; events: unknown[]; close(): Promise<void> }>;
      FAKE_TOKEN: string;
      FAKE_ORG: string;
    };
    const fake = await fakes.startCplnFake();
    try {
      const base = { provider: 'controlplane', label: 'acme (local)', endpoint: fake.url, scope: fakes.FAKE_ORG };
      const rejected = await vscode.commands.executeCommand('auditLogs.addAccount', { ...base, secret: 'wrong-token' });
      assert.equal(rejected, undefined, 'a key the API refuses is not saved');
      const account = await vscode.commands.executeCommand<{ id: string; label: string }>('auditLogs.addAccount', { ...base, secret: fakes.FAKE_TOKEN });
      assert.ok(account?.id);
      const sources = (await (await api()).trees()).sources;
      const cp = sources.find((n) => n.label === 'Control Plane accounts');
      assert.ok(cp?.children?.some((c) => c.label === 'acme (local)'), 'the account is under "Control Plane accounts" in the Sources tree');

      const r = await vscode.commands.executeCommand<{ pages: number; events: number; stoppedBy?: string }>('auditLogs.query', { accountId: account.id, filter: '' });
      assert.equal(r.events, fake.events.length);
      assert.ok(r.pages > 1);
      assert.equal(r.stoppedBy, undefined);

      const recent = (await (await api()).trees()).recent;
      assert.ok(recent.some((r) => r.label === 'acme (local): (all events)'), 'the query is in Recent');

      // A saved query sits under its account and runs again from there.
      const yearish = 400 * 86_400_000;
      await vscode.commands.executeCommand('auditLogs.saveQuery', { accountId: account.id, name: 'deletes', filter: 'action:delete', rangeMs: yearish });
      const acct = (await (await api()).trees()).sources.find((n) => n.label === 'Control Plane accounts')?.children?.find((c) => c.label === 'acme (local)');
      assert.deepEqual(acct?.children?.map((c) => [c.label, c.description]), [['deletes', 'action:delete']]);
      const again = await vscode.commands.executeCommand<{ events: number; sentToApi: string[] }>('auditLogs.query', { accountId: account.id, filter: 'action:delete', rangeMs: yearish });
      const deletes = fake.events.filter((e) => (e as { action: { type: string } }).action.type === 'delete').length;
      assert.equal(again.events, deletes, 'the action filter went to the API');
      assert.ok(again.sentToApi.length > 0);

      const ctx = (globalThis as { auditLogsTest?: { context: vscode.ExtensionContext } }).auditLogsTest?.context;
      assert.ok(ctx);
      assert.equal(await ctx.secrets.get(`auditLogs.account.${account.id}`), fakes.FAKE_TOKEN);
      assert.ok(!JSON.stringify(ctx.globalState.get('auditLogs.accounts')).includes(fakes.FAKE_TOKEN), 'no key in global state');
      assert.ok(!JSON.stringify(vscode.workspace.getConfiguration().inspect('auditLogs')).includes(fakes.FAKE_TOKEN), 'no key in settings');
    } finally {
      await fake.close();
      await closeAllPanels();
    }
  });

  it('lists the cloud accounts behind a Conformity key under the account, and queries one of them', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fake API is compiled into out/ beside this file
    const fakes = require(path.join(repo, 'out', 'test', 'support', 'fakes', 'conformity.js')) as {
      startFakeConformity(opts: { count: number }): Promise<{ url: string; events: Array<{ relationships: { account: { data: { id: string } } } }>; close(): Promise<void> }>;
      ACCOUNTS: readonly string[];
    };
    const fake = await fakes.startFakeConformity({ count: 200 });
    try {
      const account = await vscode.commands.executeCommand<{ id: string }>('auditLogs.addAccount', { provider: 'conformity', label: 'c1 (local)', endpoint: fake.url, secret: 'good-key' });
      assert.ok(account?.id);
      const node = (await (await api()).trees()).sources.find((n) => n.label === 'Trend Micro Cloud One Conformity accounts')?.children?.find((c) => c.label === 'c1 (local)');
      assert.equal(node?.children?.length, fakes.ACCOUNTS.length, 'one child per cloud account the key can read');
      const r = await vscode.commands.executeCommand<{ events: number }>('auditLogs.query', { accountId: account.id, filter: '', rangeMs: 400 * 86_400_000, params: { accountIds: 'acc-B' } });
      assert.equal(r.events, fake.events.filter((e) => e.relationships.account.data.id === 'acc-B').length);
    } finally {
      await fake.close();
      await closeAllPanels();
    }
  });

  it('adds an Exoscale account (key and secret, signed requests) and loads two days window by window', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fake API is compiled into out/ beside this file
    const exo = require(path.join(repo, 'out', 'test', 'support', 'fakes', 'exoscale.js')) as {
      startExoscaleFake(): Promise<{ endpoint: string; events: Array<{ timestamp: string }>; verdicts: string[]; close(): Promise<void> }>;
      FAKE_KEY: string;
      FAKE_SECRET: string;
      START: number;
    };
    const fake = await exo.startExoscaleFake();
    try {
      const base = { provider: 'exoscale', label: 'exo (local)', endpoint: fake.endpoint, region: 'de-fra-1' };
      const refused = await vscode.commands.executeCommand('auditLogs.addAccount', { ...base, secret: `${exo.FAKE_KEY}:not-the-secret` });
      assert.equal(refused, undefined, 'a wrong secret fails the signature check and is not saved');
      const account = await vscode.commands.executeCommand<{ id: string }>('auditLogs.addAccount', { ...base, secret: `${exo.FAKE_KEY}:${exo.FAKE_SECRET}` });
      assert.ok(account?.id);
      const from = exo.START;
      const to = exo.START + 2 * 86_400_000;
      const r = await vscode.commands.executeCommand<{ pages: number; events: number; stoppedBy?: string; sentToApi: string[] }>('auditLogs.query', { accountId: account.id, filter: '', from, to });
      const want = fake.events.filter((e) => Date.parse(e.timestamp) >= from && Date.parse(e.timestamp) < to).length;
      assert.equal(r.stoppedBy, undefined);
      assert.equal(r.events, want);
      assert.equal(r.pages, 8, 'two days in 6-hour windows');
      assert.deepEqual(r.sentToApi, ['time range']);
      assert.ok(fake.verdicts.slice(1).every((v) => v === ''), 'every request after the refused one was signed right');
      const node = (await (await api()).trees()).sources.find((n) => n.label === 'Exoscale accounts');
      assert.ok(node?.children?.some((c) => c.label === 'exo (local)'));
    } finally {
      await fake.close();
      await closeAllPanels();
    }
  });

  it('adds a Cloudflare Cloudforce One account, lists its datasets under it, and queries one with the filter pushed down', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fake API is compiled into out/ beside this file
    const cf = require(path.join(repo, 'out', 'test', 'support', 'fakes', 'cloudflare.js')) as {
      startCloudflareFake(): Promise<{ base: string; events: Array<Record<string, unknown>>; close(): Promise<void> }>;
      FAKE_TOKEN: string;
      FAKE_ACCOUNT: string;
      DATASETS: ReadonlyArray<{ uuid: string; name: string }>;
      DEFAULT_DATASET: string;
    };
    const fake = await cf.startCloudflareFake();
    try {
      const base = { provider: 'cloudflare', label: 'cf (local)', endpoint: fake.base, scope: cf.FAKE_ACCOUNT };
      assert.equal(await vscode.commands.executeCommand('auditLogs.addAccount', { ...base, secret: 'not-a-token' }), undefined);
      const account = await vscode.commands.executeCommand<{ id: string }>('auditLogs.addAccount', { ...base, secret: cf.FAKE_TOKEN });
      assert.ok(account?.id);
      const node = (await (await api()).trees()).sources.find((n) => n.label === 'Cloudflare Cloudforce One accounts')?.children?.find((c) => c.label === 'cf (local)');
      for (const d of cf.DATASETS) assert.ok(node?.children?.some((c) => c.label === (d.name || d.uuid)), `dataset ${d.name} under the account`);
      const r = await vscode.commands.executeCommand<{ events: number; sentToApi: string[]; localFilter: string }>('auditLogs.query', {
        accountId: account.id,
        filter: 'actor:"APT28"',
        rangeMs: 3650 * 86_400_000,
        params: { datasetId: cf.DEFAULT_DATASET },
      });
      assert.equal(r.events, fake.events.filter((e) => e.datasetId === cf.DEFAULT_DATASET && e.attacker === 'APT28').length);
      assert.ok(r.sentToApi.some((x) => x.includes('APT28')), r.sentToApi.join());
      const panels = (await api()).panels();
      assert.equal(panels.find((p) => p.title === 'Audit Logs: cf (local)')?.events, r.events);
    } finally {
      await fake.close();
      await closeAllPanels();
    }
  });

  it('queries live AWS CloudTrail in two regions, saves the results as a file the reader opens again, and runs a Lake query', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fake API is compiled into out/ beside this file
    const ct = require(path.join(repo, 'out', 'test', 'support', 'fakes', 'awsCloudtrail.js')) as {
      startAwsCloudTrailFake(): Promise<{ url: string; records: Record<string, Array<Record<string, unknown>>>; close(): Promise<void> }>;
      FAKE_KEY_ID: string;
      FAKE_SECRET: string;
    };
    const fake = await ct.startAwsCloudTrailFake();
    try {
      const base = { provider: 'cloudtrail', label: 'aws (local)', endpoint: fake.url, region: 'us-east-1,eu-west-1' };
      assert.equal(await vscode.commands.executeCommand('auditLogs.addAccount', { ...base, secret: `${ct.FAKE_KEY_ID}:wrongSecretWrongSecret` }), undefined, 'a wrong secret is refused');
      const account = await vscode.commands.executeCommand<{ id: string }>('auditLogs.addAccount', { ...base, secret: `${ct.FAKE_KEY_ID}:${ct.FAKE_SECRET}` });
      assert.ok(account?.id);
      const node = (await (await api()).trees()).sources.find((n) => n.label === 'AWS CloudTrail accounts')?.children?.find((c) => c.label === 'aws (local)');
      assert.deepEqual(node?.children?.map((c) => c.label), ['us-east-1', 'eu-west-1'], 'the regions under the account');

      const day = 86_400_000;
      const since = Date.now() - day;
      const r = await vscode.commands.executeCommand<{ events: number; sentToApi: string[]; stoppedBy?: string }>('auditLogs.query', { accountId: account.id, filter: 'eventName:ConsoleLogin', rangeMs: day });
      const want = ['us-east-1', 'eu-west-1'].flatMap((reg) => fake.records[reg]).filter((e) => e.eventName === 'ConsoleLogin' && Date.parse(String(e.eventTime)) >= since).length;
      assert.equal(r.stoppedBy, undefined);
      assert.equal(r.events, want);
      assert.ok(r.sentToApi.includes('EventName = ConsoleLogin'), r.sentToApi.join());

      // "Save results as…": the JSON export is a file the CloudTrail reader opens with the same events.
      const out = path.join(mkdtempSync(path.join(tmpdir(), 'ale-live-')), 'live.json');
      assert.equal(await vscode.commands.executeCommand<number>('auditLogs.exportResults', 'json', vscode.Uri.file(out)), want);
      const again = await vscode.commands.executeCommand<OpenResult>('auditLogs.openFiles', [vscode.Uri.file(out)]);
      assert.equal(again.events, want);
      assert.equal(again.errors, 0);

      const lake = await vscode.commands.executeCommand<{ events: number; status?: string; bytesScanned?: number; stoppedBy?: string }>('auditLogs.lakeQuery', {
        accountId: account.id,
        sql: 'SELECT eventJson FROM eds-1234',
      });
      const total = Object.values(fake.records).reduce((n, recs) => n + recs.length, 0);
      assert.equal(lake.stoppedBy, undefined, lake.stoppedBy);
      assert.equal(lake.status, 'FINISHED');
      assert.equal(lake.events, total);
      assert.ok((lake.bytesScanned ?? 0) > 0, 'the bytes scanned are reported');
    } finally {
      await fake.close();
      await closeAllPanels();
    }
  });

  it('puts files and a live account into one timeline: merged by time, a source to filter on, counts per source in the tree', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fake API is compiled into out/ beside this file
    const fakes = require(path.join(repo, 'out', 'test', 'support', 'fakes', 'controlplane.js')) as {
      startCplnFake(): Promise<{ url: string; events: unknown[]; close(): Promise<void> }>;
      FAKE_TOKEN: string;
      FAKE_ORG: string;
    };
    const fake = await fakes.startCplnFake();
    const ext = await api();
    const testPanels = (ext as { testPanels?: () => ReadonlyArray<{ panel: vscode.WebviewPanel; sources: { sources: Array<{ label: string }>; query(q: { filter: string; sort: { field: string; dir: 'asc' | 'desc' } }): { ok: boolean; view?: { count: number; rows(o: number, n: number, f: string[]): Array<Record<string, unknown>> } } } }> }).testPanels;
    assert.ok(testPanels);
    try {
      const fixtures = path.join(repo, 'test', 'fixtures', 'shapes');
      const files = await vscode.commands.executeCommand<OpenResult>('auditLogs.openFiles', [vscode.Uri.file(path.join(fixtures, 'lookup-events-pretty.json'))]);
      const more = await vscode.commands.executeCommand<{ sources: number; events: number }>('auditLogs.addToPanel', { paths: [path.join(fixtures, 'lake-query-results.json')] });
      assert.equal(more.sources, 2);
      const account = await vscode.commands.executeCommand<{ id: string }>('auditLogs.addAccount', { provider: 'controlplane', label: 'timeline (local)', endpoint: fake.url, scope: fakes.FAKE_ORG, secret: fakes.FAKE_TOKEN });
      const r = await vscode.commands.executeCommand<{ events: number; sources: number; total: number }>('auditLogs.addToPanel', { accountId: account.id, filter: '', rangeMs: 400 * 86_400_000 });
      assert.equal(r.events, fake.events.length);
      assert.equal(r.sources, 3);
      assert.equal(r.total, files.events + (more.events - files.events) + fake.events.length);

      const panel = testPanels().find((p) => p.panel.title === 'Audit Logs: 3 sources');
      assert.ok(panel, `titles: ${testPanels().map((p) => p.panel.title).join(', ')}`);
      const live = panel.sources.query({ filter: 'source:"timeline (local)"', sort: { field: 'time', dir: 'asc' } });
      assert.equal(live.view?.count, fake.events.length, 'source: picks the live account’s events');
      const all = panel.sources.query({ filter: '', sort: { field: 'time', dir: 'asc' } });
      const times = all.view!.rows(0, all.view!.count, ['time', 'source']).map((row) => Number(row.time));
      assert.ok(times.every((t, i) => i === 0 || t >= times[i - 1]), 'one timeline, in time order across sources');
      assert.equal(new Set(all.view!.rows(0, all.view!.count, ['source']).map((row) => row.source)).size, 3);

      const node = (await ext.trees()).sources.find((n) => n.label === 'Control Plane accounts')?.children?.find((c) => c.label === 'timeline (local)');
      assert.match(node?.description ?? '', new RegExp(`${fake.events.length} events`), 'the tree shows what the panel holds from the account');
    } finally {
      await fake.close();
      await closeAllPanels();
    }
  });

  it('browses a trail bucket by its layout, opens days of a region straight from S3, and runs a filter through Athena', async () => {
    const req = (name: string) => require(path.join(repo, 'out', 'test', 'support', 'fakes', `${name}.js`)) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports -- compiled fakes in out/
    const ct = req('awsCloudtrail') as { startAwsCloudTrailFake(): Promise<{ url: string; close(): Promise<void> }>; FAKE_KEY_ID: string; FAKE_SECRET: string };
    const s3 = req('s3') as {
      startS3Fake(o: { accessKeyId: string; secretAccessKey: string; buckets: Record<string, string> }): Promise<{ url: string; put(b: string, k: string, body: Buffer): void; close(): Promise<void> }>;
      generatedLogFile(account: string, region: string, day: string, slot: number, count: number): { name: string; body: Buffer; eventIds: string[] };
    };
    const ath = req('athena') as { startAthenaFake(): Promise<{ url: string; queries: Map<string, { sql: string; database?: string }>; close(): Promise<void> }> };
    const ctFake = await ct.startAwsCloudTrailFake();
    const s3Fake = await s3.startS3Fake({ accessKeyId: ct.FAKE_KEY_ID, secretAccessKey: ct.FAKE_SECRET, buckets: { 'trail-bucket': 'us-east-1' } });
    const athFake = await ath.startAthenaFake();
    let bucketId: string | undefined;
    try {
      const want: string[] = [];
      for (const region of ['us-east-1', 'eu-west-1']) {
        for (const day of ['2026-11-01', '2026-11-02', '2026-11-03']) {
          for (const slot of [0, 1]) {
            const f = s3.generatedLogFile('111122223333', region, day, slot, 4);
            s3Fake.put('trail-bucket', `ct/AWSLogs/111122223333/CloudTrail/${region}/${day.replace(/-/g, '/')}/${f.name}`, f.body);
            if (region === 'eu-west-1' && day !== '2026-11-01') want.push(...f.eventIds);
          }
        }
      }
      const account = await vscode.commands.executeCommand<{ id: string }>('auditLogs.addAccount', { provider: 'cloudtrail', label: 'aws s3 (local)', endpoint: ctFake.url, region: 'us-east-1', secret: `${ct.FAKE_KEY_ID}:${ct.FAKE_SECRET}` });
      assert.ok(account?.id);
      const bucket = await vscode.commands.executeCommand<{ id: string }>('auditLogs.addTrailBucket', { accountId: account.id, bucket: 'trail-bucket', prefix: 'ct', endpoint: s3Fake.url });
      bucketId = bucket.id;
      const node = (await (await api()).trees()).sources.find((n) => n.label === 'AWS CloudTrail accounts')?.children?.find((c) => c.label === 'aws s3 (local)')?.children?.find((c) => c.label === 's3://trail-bucket/ct');
      assert.deepEqual(node?.children?.map((c) => [c.label, c.description]), [['111122223333', 'account']], 'the bucket lists its account folder');

      const r = await vscode.commands.executeCommand<{ events: number; objects: number; errors: number; estimate: { objects: number; bytes: number } }>('auditLogs.openS3', {
        bucketId: bucket.id,
        days: { account: '111122223333', regions: ['eu-west-1'], from: '2026-11-02', to: '2026-11-03' },
        confirmed: true,
      });
      assert.equal(r.events, want.length);
      assert.equal(r.objects, 4);
      assert.equal(r.errors, 0);
      assert.equal(r.estimate.objects, 4, 'the estimate counted the same objects');
      assert.ok(r.estimate.bytes > 0);

      const a = await vscode.commands.executeCommand<{ events: number; dataScannedBytes?: number; state?: string; sql: string }>('auditLogs.athenaQuery', {
        accountId: account.id,
        filter: 'action:ConsoleLogin',
        database: 'audit',
        rangeMs: 30 * 86_400_000,
        endpoint: athFake.url,
      });
      assert.equal(a.state, 'SUCCEEDED');
      assert.ok(a.events > 0, 'rows became events');
      assert.ok((a.dataScannedBytes ?? 0) > 0, 'the data scanned is reported');
      assert.match(a.sql, /eventname/i);
      assert.equal([...athFake.queries.values()].pop()?.database, 'audit');
    } finally {
      if (bucketId) await vscode.commands.executeCommand('auditLogs.removeTrailBucket', { bucket: { id: bucketId } });
      await Promise.all([ctFake.close(), s3Fake.close(), athFake.close()]);
      await closeAllPanels();
    }
  });

  it('loads accounts as stored before providers were descriptors (same ids), and keeps an entry of a provider this build lacks', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fake API is compiled into out/ beside this file
    const fakes = require(path.join(repo, 'out', 'test', 'support', 'fakes', 'controlplane.js')) as {
      startCplnFake(): Promise<{ url: string; close(): Promise<void> }>;
      FAKE_TOKEN: string;
      FAKE_ORG: string;
    };
    const ext = await api();
    const ctx = (ext as { testContext?: vscode.ExtensionContext }).testContext;
    assert.ok(ctx, 'a development build exposes its context');
    const before = ctx.globalState.get<unknown>('auditLogs.accounts');
    // What global state held before: 'cloudtrail' is the AWS provider's id, kept as it was.
    const stored = { id: 'stored-aws', provider: 'cloudtrail', label: 'aws (stored)', region: 'us-east-1,eu-west-1' };
    const retired = { id: 'retired-1', provider: 'retired-api', label: 'retired (stored)' };
    const fake = await fakes.startCplnFake();
    let addedId: string | undefined;
    try {
      await ctx.globalState.update('auditLogs.accounts', [stored, retired]);
      const sources = (await ext.trees()).sources;
      assert.deepEqual(sources.find((n) => n.label === 'AWS CloudTrail accounts')?.children?.map((c) => [c.label, c.description]), [['aws (stored)', 'us-east-1,eu-west-1']]);
      assert.ok(!JSON.stringify(sources).includes('retired'), 'an account of a provider this build lacks is not shown');
      assert.equal(await vscode.commands.executeCommand('auditLogs.addAccount', { provider: 'retired-api', label: 'x', secret: 'y' }), undefined, 'no account for a provider not in the list');
      const added = await vscode.commands.executeCommand<{ id: string }>('auditLogs.addAccount', { provider: 'controlplane', label: 'after (local)', endpoint: fake.url, scope: fakes.FAKE_ORG, secret: fakes.FAKE_TOKEN });
      addedId = added?.id;
      assert.ok(addedId);
      const now = ctx.globalState.get<Array<{ id: string; provider: string }>>('auditLogs.accounts') ?? [];
      assert.deepEqual(now.map((a) => [a.id, a.provider]), [['stored-aws', 'cloudtrail'], ['retired-1', 'retired-api'], [addedId, 'controlplane']], 'adding keeps every stored entry');
    } finally {
      if (addedId) await ctx.secrets.delete(`auditLogs.account.${addedId}`);
      await ctx.globalState.update('auditLogs.accounts', before);
      await fake.close();
    }
  });

  it('never lets a key out: settings, global state, the log files, the panel, exports and errors are searched for it', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the fake API is compiled into out/ beside this file
    const fakes = require(path.join(repo, 'out', 'test', 'support', 'fakes', 'controlplane.js')) as {
      startCplnFake(): Promise<{ url: string; events: unknown[]; failures: Record<string, unknown>; close(): Promise<void> }>;
      FAKE_TOKEN: string;
      FAKE_ORG: string;
    };
    const fake = await fakes.startCplnFake();
    // A careless server that repeats the Authorization header in its error bodies.
    fake.failures.echoAuth = true;
    const key = fakes.FAKE_TOKEN;
    const wrongKey = 'cpln_wrong/Key+with=chars';
    const haystacks: Array<[string, string]> = [];
    const ext = await api();
    const ctx = (ext as { testContext?: vscode.ExtensionContext }).testContext;
    const testPanels = (ext as { testPanels?: () => ReadonlyArray<{ panel: vscode.WebviewPanel; refetch(p: { filter: string }): Promise<void> }> }).testPanels;
    assert.ok(ctx && testPanels, 'a development build exposes its context and panels');
    try {
      const base = { provider: 'controlplane', label: 'leak check', endpoint: fake.url, scope: fakes.FAKE_ORG };
      const refused = await vscode.commands.executeCommand('auditLogs.addAccount', { ...base, secret: wrongKey });
      assert.equal(refused, undefined);
      const account = await vscode.commands.executeCommand<{ id: string }>('auditLogs.addAccount', { ...base, secret: key });
      assert.ok(account?.id);
      assert.equal(await ctx.secrets.get(`auditLogs.account.${account.id}`), key, 'positive control: the key is in SecretStorage');

      // Page 2 fails every time: the query stops there, with the server's echo in its error.
      fake.failures.serverError = { page: 2, times: Infinity };
      const r = await vscode.commands.executeCommand<{ events: number; stoppedBy?: string }>('auditLogs.query', { accountId: account.id, filter: '', rangeMs: 400 * 86_400_000 });
      assert.ok(r.events > 0 && r.stoppedBy, 'page 1 kept, stopped at page 2');
      assert.match(r.stoppedBy, /internal error/, 'the server’s message is shown');
      haystacks.push(['the query result and its error', JSON.stringify(r)]);

      // Everything the panel posts to its webview while fetching again.
      const panel = testPanels().find((p) => p.panel.title === 'Audit Logs: leak check');
      assert.ok(panel);
      const posted: unknown[] = [];
      const webview = panel.panel.webview;
      const post = webview.postMessage.bind(webview);
      webview.postMessage = (m: unknown) => (posted.push(m), post(m));
      await panel.refetch({ filter: 'action:delete' });
      assert.ok(posted.length > 0);
      haystacks.push(['messages to the webview', JSON.stringify(posted)]);

      const dir = mkdtempSync(path.join(tmpdir(), 'ale-leak-'));
      for (const format of ['jsonl', 'csv', 'json']) {
        const out = path.join(dir, `events.${format}`);
        await vscode.commands.executeCommand('auditLogs.exportResults', format, vscode.Uri.file(out));
        haystacks.push([`the ${format} export`, readFileSync(out, 'utf8')]);
      }

      haystacks.push(['settings', JSON.stringify(vscode.workspace.getConfiguration().inspect('auditLogs') ?? null)]);
      const userSettings = path.resolve(ctx.globalStorageUri.fsPath, '..', '..', 'settings.json');
      if (existsSync(userSettings)) haystacks.push(['settings.json', readFileSync(userSettings, 'utf8')]);
      haystacks.push(['global state', JSON.stringify(ctx.globalState.keys().map((k) => [k, ctx.globalState.get(k)]))]);

      // The log files of this extension host (the "Audit Logs" channel and the host's own log),
      // once they hold the request lines (positive control: the right files, flushed).
      const logDir = path.dirname(ctx.logUri.fsPath);
      let logs = '';
      for (let i = 0; i < 50 && !/audit\/org\/acme.*500/.test(logs); i++) {
        await new Promise((res) => setTimeout(res, 200));
        logs = readTree(logDir);
      }
      assert.match(logs, /audit\/org\/acme.*500/, `the request lines are in the log files under ${logDir}`);
      assert.match(logs, /not accepted/, 'the refused key is in the log, as a message without the key');
      haystacks.push(['the log files', logs]);

      for (const [where, text] of haystacks) {
        for (const secret of [key, wrongKey]) {
          for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) {
            assert.ok(!text.includes(form), `${where} contain${where.endsWith('s') ? '' : 's'} a key (${secret === key ? 'the saved one' : 'the refused one'})`);
          }
        }
      }
    } finally {
      await fake.close();
      await closeAllPanels();
    }
  });

  it('keeps secrets in SecretStorage: store, read back, delete', async () => {
    const ctx = (globalThis as { auditLogsTest?: { context: vscode.ExtensionContext } }).auditLogsTest?.context;
    assert.ok(ctx, 'the host runner shares the extension context');
    const key = 'auditLogs.test.secret';
    await ctx.secrets.store(key, 's3cr3t-value');
    assert.equal(await ctx.secrets.get(key), 's3cr3t-value');
    await ctx.secrets.delete(key);
    assert.equal(await ctx.secrets.get(key), undefined);
  });
});
