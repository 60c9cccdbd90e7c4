import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startFakeConformity } from '../support/fakes/conformity';
import { FAKE_ORG, FAKE_TOKEN, startCplnFake } from '../support/fakes/controlplane';
import * as ath from '../support/fakes/athena';
import * as ct from '../support/fakes/awsCloudtrail';
import * as s3 from '../support/fakes/s3';
import * as cf from '../support/fakes/cloudflare';
import * as exo from '../support/fakes/exoscale';

const cli = path.resolve(__dirname, '../../../dist/cli.js');

/** Runs the built CLI without blocking this process, whose event loop serves the fake API. */
function run(args: string[], env: Record<string, string>, onStdout?: () => void): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('CLI: fetch from live APIs', function () {
  this.timeout(60_000);

  it('fetches Control Plane events with the token from CPLN_TOKEN, pushing the filter down', async () => {
    const fake = await startCplnFake();
    try {
      const base = ['fetch', 'controlplane', '--endpoint', fake.url, '--org', FAKE_ORG, '--from', '2025-12-01', '--to', '2026-12-31'];
      const all = await run([...base, '--format', 'count'], { CPLN_TOKEN: FAKE_TOKEN });
      assert.equal(all.code, 0, all.stderr);
      assert.equal(Number(all.stdout.trim()), fake.events.length);

      const deletes = await run([...base, '--filter', 'action:delete', '--format', 'jsonl', '--verbose'], { CPLN_TOKEN: FAKE_TOKEN });
      assert.equal(deletes.code, 0, deletes.stderr);
      const lines = deletes.stdout.trim().split('\n');
      const expected = fake.events.filter((e) => (e as { action: { type: string } }).action.type === 'delete').length;
      assert.equal(lines.length, expected);
      for (const l of lines) assert.equal((JSON.parse(l) as { action: { type: string } }).action.type, 'delete');
      assert.match(deletes.stderr, /sent to the API: .*delete/i);
      assert.match(deletes.stderr, /GET http:\/\/127\.0\.0\.1:\d+\/audit\/org\/acme/, '--verbose logs each request');
      assert.ok(!deletes.stderr.includes(FAKE_TOKEN) && !deletes.stdout.includes(FAKE_TOKEN), 'the token is never printed');
    } finally {
      await fake.close();
    }
  });

  it('streams jsonl and csv page by page: the first events are out while later pages are still being fetched', async () => {
    const fake = await startCplnFake();
    fake.failures.slowMs = 250;
    try {
      const base = ['fetch', 'controlplane', '--endpoint', fake.url, '--org', FAKE_ORG, '--from', '2025-12-01', '--to', '2026-12-31'];
      for (const format of ['jsonl', 'csv']) {
        const before = fake.requests.length;
        let requestsAtFirstOutput: number | undefined;
        const r = await run([...base, '--format', format], { CPLN_TOKEN: FAKE_TOKEN }, () => (requestsAtFirstOutput ??= fake.requests.length - before));
        assert.equal(r.code, 0, r.stderr);
        const pages = fake.requests.length - before;
        assert.ok(pages >= 3, `${pages} pages`);
        assert.ok(requestsAtFirstOutput !== undefined && requestsAtFirstOutput < pages, `${format}: first output after ${requestsAtFirstOutput} of ${pages} requests`);
        const lines = r.stdout.trim().split(/\r?\n/);
        assert.equal(lines.length, fake.events.length + (format === 'csv' ? 1 : 0), 'every event once, one CSV header');
        if (format === 'csv') assert.equal(lines.filter((l) => l.startsWith('time,')).length, 1);
      }
    } finally {
      await fake.close();
    }
  });

  it('says what went wrong with a refused token, prints no secret, and exits 1', async () => {
    const fake = await startCplnFake();
    try {
      const r = await run(['fetch', 'controlplane', '--endpoint', fake.url, '--org', FAKE_ORG, '--format', 'count'], { CPLN_TOKEN: 'not-the-token-123' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /401|rejected|token|key/i);
      assert.ok(!r.stderr.includes('not-the-token-123'));
      assert.equal(r.stdout.trim(), '0');
    } finally {
      await fake.close();
    }
  });

  it('fetches Conformity events with CONFORMITY_API_KEY, limited to an account', async () => {
    const fake = await startFakeConformity({ count: 300 });
    try {
      const r = await run(
        ['fetch', 'conformity', '--endpoint', fake.url, '--account', 'acc-B', '--from', '2025-12-01', '--to', '2026-12-31', '--format', 'csv', '--fields', 'account,action'],
        { CONFORMITY_API_KEY: 'good-key' },
      );
      assert.equal(r.code, 0, r.stderr);
      const rows = r.stdout.trim().split('\r\n').slice(1);
      assert.ok(rows.length > 0);
      for (const row of rows) assert.match(row, /^acc-B,/);
      assert.ok(fake.requests.some((q) => q.query.get('accountIds') === 'acc-B'), 'the account went to the API');
    } finally {
      await fake.close();
    }
  });

  it('takes credentials only from the environment, and rejects a bad time', async () => {
    const missing = await run(['fetch', 'controlplane', '--org', 'x'], {});
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /set CPLN_TOKEN in the environment/);
    const badTime = await run(['fetch', 'controlplane', '--org', 'x', '--from', 'yesterday-ish'], { CPLN_TOKEN: 't' });
    assert.equal(badTime.code, 2);
    assert.match(badTime.stderr, /--from takes a date/);
    const noProvider = await run(['fetch'], {});
    assert.equal(noProvider.code, 2);
  });
  it('fetches Exoscale events a window at a time, signed with EXOSCALE_API_KEY and EXOSCALE_API_SECRET', async () => {
    const fake = await exo.startExoscaleFake();
    try {
      const from = new Date(exo.START).toISOString();
      const to = new Date(exo.START + 2 * 86_400_000).toISOString();
      const env = { EXOSCALE_API_KEY: exo.FAKE_KEY, EXOSCALE_API_SECRET: exo.FAKE_SECRET };
      const r = await run(['fetch', 'exoscale', '--endpoint', fake.endpoint, '--zone', 'de-fra-1', '--from', from, '--to', to, '--format', 'jsonl'], env);
      assert.equal(r.code, 0, r.stderr);
      const want = fake.events.filter((e) => {
        const t = Date.parse(String(e.timestamp));
        return t >= exo.START && t < exo.START + 2 * 86_400_000;
      }).length;
      assert.equal(r.stdout.trim().split('\n').length, want);
      assert.ok(fake.verdicts.every((v) => v === ''), 'every request carried a valid signature');
      assert.ok(fake.requests.length >= 8, `${fake.requests.length} windows of 6 h for 2 days`);
      for (const out of [r.stdout, r.stderr]) assert.ok(!out.includes(exo.FAKE_SECRET));

      const missing = await run(['fetch', 'exoscale', '--endpoint', fake.endpoint], { EXOSCALE_API_KEY: exo.FAKE_KEY });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /EXOSCALE_API_KEY and EXOSCALE_API_SECRET/);

      const wrong = await run(['fetch', 'exoscale', '--endpoint', fake.endpoint, '--from', from, '--to', to, '--format', 'count'], { ...env, EXOSCALE_API_SECRET: 'not-the-secret' });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /signature/i);
      assert.ok(!wrong.stderr.includes('not-the-secret'));
    } finally {
      await fake.close();
    }
  });

  it('fetches Cloudflare threat events with CLOUDFLARE_API_TOKEN for --account and --dataset, pushing the filter down', async () => {
    const fake = await cf.startCloudflareFake();
    try {
      const base = ['fetch', 'cloudflare', '--endpoint', fake.base, '--account', cf.FAKE_ACCOUNT, '--from', '2025-12-01', '--to', '2026-12-31'];
      const env = { CLOUDFLARE_API_TOKEN: cf.FAKE_TOKEN };
      const all = await run([...base, '--dataset', cf.DEFAULT_DATASET, '--format', 'count'], env);
      assert.equal(all.code, 0, all.stderr);
      const inDataset = fake.events.filter((e) => e.datasetId === cf.DEFAULT_DATASET);
      assert.equal(Number(all.stdout.trim()), inDataset.length);

      const apt = await run([...base, '--dataset', cf.DEFAULT_DATASET, '--filter', 'actor:"APT28"', '--format', 'jsonl'], env);
      assert.equal(apt.code, 0, apt.stderr);
      const lines = apt.stdout.trim().split('\n');
      assert.equal(lines.length, inDataset.filter((e) => e.attacker === 'APT28').length);
      assert.match(apt.stderr, /sent to the API: .*APT28/);
      assert.ok(fake.lists.some((l) => l.search?.some((c) => c.field === 'attacker' && c.value === 'APT28')), 'the attacker condition went to the API');

      const refused = await run([...base, '--format', 'count'], { CLOUDFLARE_API_TOKEN: 'nope-token-123' });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /Cloudflare error \d+/);
      assert.ok(!refused.stderr.includes('nope-token-123'));
    } finally {
      await fake.close();
    }
  });
  it('fetches live CloudTrail with the AWS default chain (environment keys), several --region, one attribute pushed down', async () => {
    const fake = await ct.startAwsCloudTrailFake();
    try {
      const env = { AWS_ACCESS_KEY_ID: ct.FAKE_KEY_ID, AWS_SECRET_ACCESS_KEY: ct.FAKE_SECRET, AWS_EC2_METADATA_DISABLED: 'true' };
      const base = ['fetch', 'cloudtrail', '--endpoint', fake.url, '--region', 'us-east-1', '--region', 'eu-west-1', '--from', '-30d'];
      const all = await run([...base, '--format', 'count'], env);
      assert.equal(all.code, 0, all.stderr);
      const inRange = (recs: Record<string, unknown>[]) => recs.filter((r) => Date.parse(String(r.eventTime)) >= Date.now() - 30 * 86_400_000).length;
      assert.equal(Number(all.stdout.trim()), inRange(fake.records['us-east-1']) + inRange(fake.records['eu-west-1']));

      const logins = await run([...base, '--filter', 'eventName:ConsoleLogin', '--format', 'jsonl'], env);
      assert.equal(logins.code, 0, logins.stderr);
      const lines = logins.stdout.trim().split('\n').map((l) => JSON.parse(l) as { eventName: string; awsRegion: string });
      assert.ok(lines.length > 0 && lines.every((r) => r.eventName === 'ConsoleLogin'));
      assert.deepEqual([...new Set(lines.map((r) => r.awsRegion))].sort(), ['eu-west-1', 'us-east-1']);
      assert.match(logins.stderr, /sent to the API: .*EventName = ConsoleLogin/);
      for (const out of [all.stderr, logins.stderr, logins.stdout]) assert.ok(!out.includes(ct.FAKE_SECRET));

      const wrong = await run([...base, '--format', 'count'], { ...env, AWS_SECRET_ACCESS_KEY: 'wrongSecretValue0123456789' });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /signature|secret/i);
      assert.ok(!wrong.stderr.includes('wrongSecretValue0123456789'));
    } finally {
      await fake.close();
    }
  });
  it('fetch s3 streams a trail bucket’s objects for a range of days and regions, skipping digests', async () => {
    const fake = await s3.startS3Fake({ buckets: { 'trail-bucket': 'us-east-1' } });
    try {
      const ids: string[] = [];
      const days = ['2026-11-01', '2026-11-02', '2026-11-03'];
      for (const region of ['us-east-1', 'eu-west-1']) {
        for (const day of days) {
          const f = s3.generatedLogFile('111122223333', region, day, 0, 5);
          fake.put('trail-bucket', `ct/AWSLogs/111122223333/CloudTrail/${region}/${day.replace(/-/g, '/')}/${f.name}`, f.body);
          if (region === 'us-east-1' && day !== '2026-11-03') ids.push(...f.eventIds);
        }
      }
      fake.put('trail-bucket', s3.digestKey('ct/AWSLogs', '111122223333', 'us-east-1', '2026-11-01', 'main'), s3.digestBody('111122223333'));
      const env = { AWS_ACCESS_KEY_ID: s3.S3_KEY_ID, AWS_SECRET_ACCESS_KEY: s3.S3_SECRET, AWS_EC2_METADATA_DISABLED: 'true' };
      const r = await run(['fetch', 's3', '--endpoint', fake.url, '--bucket', 'trail-bucket', '--prefix', 'ct', '--region', 'us-east-1', '--from', '2026-11-01', '--to', '2026-11-02'], env);
      assert.equal(r.code, 0, r.stderr);
      const got = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { eventID: string }).eventID);
      assert.deepEqual(got.sort(), ids.sort(), 'the two days of us-east-1, every event once');
      assert.match(r.stderr, /111122223333: 2 objects, \d+ bytes, 10 events, 0 duplicates, \d+ skipped/);
      assert.ok(!r.stderr.includes(s3.S3_SECRET));

      const denied = await run(['fetch', 's3', '--endpoint', fake.url, '--bucket', 'trail-bucket', '--prefix', 'ct', '--region', 'us-east-1', '--from', '2026-11-01'], { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-secret-key-0123' });
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /signature|credentials|secret/i);
      assert.ok(!denied.stderr.includes('not-the-secret-key-0123'));
    } finally {
      await fake.close();
    }
  });

  it('athena runs a filter as SQL, prints the rows and the bytes scanned, and says what stayed local', async () => {
    const fake = await ath.startAthenaFake();
    try {
      const env = { AWS_ACCESS_KEY_ID: ath.FAKE_KEY_ID, AWS_SECRET_ACCESS_KEY: ath.FAKE_SECRET, AWS_EC2_METADATA_DISABLED: 'true' };
      const r = await run(['athena', '--endpoint', fake.url, '--region', 'us-east-1', '--database', 'audit', '--table', 'cloudtrail_logs', '--filter', 'action:ConsoleLogin "needle"', '--from', '-30d', '--format', 'count'], env);
      assert.equal(r.code, 0, r.stderr);
      const q = [...fake.queries.values()].pop();
      const sql = q?.sql ?? '';
      assert.equal(q?.database, 'audit');
      assert.match(sql, /FROM "cloudtrail_logs"/);
      assert.match(sql, /eventname/i);
      assert.match(r.stderr, /SQL: SELECT/);
      assert.match(r.stderr, /applied here, not in SQL: .*needle/);
      assert.match(r.stderr, /SUCCEEDED, \d+ events, \d+ bytes scanned/);

      const bad = await run(['athena', '--endpoint', fake.url, '--region', 'us-east-1', '--database', 'audit'], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--sql SQL or --filter EXPR/);
    } finally {
      await fake.close();
    }
  });
});
