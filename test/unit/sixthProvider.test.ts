/**
 * Done-when for issue 13 item 3, the CLI half: a provider that exists only in the tests (one folder,
 * test/support/sixthProvider, and one registry line, test/e2e/sixth/providers.ts) is in the CLI's
 * usage and help and is fetched from its API with its own flags, through the real CLI code and a
 * real HTTP server on 127.0.0.1. The VS Code half is test/e2e/sixth.e2e.mjs.
 */
import assert from 'node:assert/strict';
import { main } from '../../src/cli';
import type { OutputWriter } from '../../src/core/formats';
import type { ProviderDescriptor } from '../../src/providers/descriptor';
import { PROVIDERS } from '../../src/providers/registry';
import { SIXTH_PROVIDERS } from '../e2e/sixth/providers';
import { generateSixthEvents, SIXTH_TENANT, SIXTH_TOKEN, startSixthApi } from '../support/sixthProvider/api';
import { SIXTH_TOKEN_ENV } from '../support/sixthProvider/descriptor';

function writer(): OutputWriter & { text: () => string } {
  const parts: string[] = [];
  return { write: (c) => parts.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8')), text: () => parts.join('') };
}

async function cli(args: string[], providers: readonly ProviderDescriptor[] = SIXTH_PROVIDERS): Promise<{ code: number; out: string; err: string }> {
  const out = writer();
  const err = writer();
  const code = await main(args, out, err, providers);
  return { code, out: out.text(), err: err.text() };
}

describe('a sixth provider from the test folder, on the command line', () => {
  const saved = process.env[SIXTH_TOKEN_ENV];
  const events = generateSixthEvents(65, Date.now());
  let api: Awaited<ReturnType<typeof startSixthApi>>;
  before(async () => {
    api = await startSixthApi(events);
  });
  after(async () => {
    await api.close();
    if (saved === undefined) delete process.env[SIXTH_TOKEN_ENV];
    else process.env[SIXTH_TOKEN_ENV] = saved;
  });

  it('is in the usage line and the help, with its credentials and flags; the shipped list does not have it', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /fetch <cloudtrail\|conformity\|controlplane\|exoscale\|cloudflare\|sixth>/);
    assert.match(help.out, /\[--tenant T\]/);
    assert.match(help.out, /^ {12}sixth {9}Sixth Audit API\n {26}credentials: SIXTH_API_TOKEN\n {26}--site S +the site \(north, south, east\)\n {26}--tenant T +the tenant\n {26}--verb V +only events/m);
    const shipped = await cli(['--help'], PROVIDERS);
    assert.doesNotMatch(shipped.out, /sixth|--tenant/i);
  });

  it('fetches from its API with its own flags: --tenant, --site and --verb, the token from the environment', async () => {
    process.env[SIXTH_TOKEN_ENV] = SIXTH_TOKEN;
    const base = ['fetch', 'sixth', '--endpoint', api.url, '--site', 'north', '--tenant', SIXTH_TENANT, '--from', '-24h'];
    const all = await cli([...base, '--format', 'count']);
    assert.equal(all.code, 0, all.err);
    assert.equal(all.out.trim(), String(events.length));
    assert.match(all.err, /^Sixth Audit API: 4 pages, 65 events; sent to the API: time range/m);

    const before = api.requests.length;
    const exports = await cli([...base, '--verb', 'export', '--format', 'csv', '--fields', 'action,account,region,outcome']);
    assert.equal(exports.code, 0, exports.err);
    const lines = exports.out.trim().split(/\r?\n/);
    assert.equal(lines[0], 'action,account,region,outcome');
    assert.equal(lines.length - 1, events.filter((e) => e.verb === 'export').length);
    assert.ok(lines.slice(1).every((l) => l.startsWith(`export,${SIXTH_TENANT},`)), lines.slice(0, 3).join(' | '));
    assert.ok(api.requests.slice(before).every((r) => /[?&]verb=export/.test(r.url) && r.headers.authorization === `Bearer ${SIXTH_TOKEN}`));

    const deletes = await cli([...base, '--filter', 'action:delete', '--format', 'count']);
    assert.equal(deletes.out.trim(), String(events.filter((e) => e.verb === 'delete').length));
    assert.match(deletes.err, /sent to the API: time range, action: delete/);
  });

  it('refuses another provider’s flag and a missing token, as usage errors', async () => {
    process.env[SIXTH_TOKEN_ENV] = SIXTH_TOKEN;
    const zone = await cli(['fetch', 'sixth', '--endpoint', api.url, '--tenant', SIXTH_TENANT, '--zone', 'de-fra-1']);
    assert.equal(zone.code, 2);
    assert.match(zone.err, /fetch sixth does not take --zone \(it takes --site, --tenant, --verb\)/);
    const twice = await cli(['fetch', 'sixth', '--tenant', 'a', '--tenant', 'b']);
    assert.equal(twice.code, 2);
    assert.match(twice.err, /--tenant takes one value for sixth/);
    delete process.env[SIXTH_TOKEN_ENV];
    const missing = await cli(['fetch', 'sixth', '--endpoint', api.url, '--tenant', SIXTH_TENANT]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /set SIXTH_API_TOKEN in the environment/);
  });
});
