/**
 * Issue 15, part 4 through the built command line (dist/cli.js): the geo fields of sourceIp come
 * from the store, so `query --filter country:RU` and `--fields country,asn,asOrg,ipClass` work
 * offline, from the table shipped in dist/geo.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const WHERE = path.join(ROOT, 'test/fixtures/geo/where.json');

function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('where from on the command line (issue 15, part 4)', () => {
  it('ships the table and its licences next to the CLI', () => {
    for (const f of ['ip-table.bin.br', 'SOURCE.md', 'NRO-LICENSE', 'DBIP-LICENSE', 'ROUTEVIEWS-LICENSE']) assert.ok(existsSync(path.join(ROOT, 'dist/geo', f)), `dist/geo/${f}`);
  });

  it('query --filter country:RU --fields …,country,asn,asOrg,ipClass', () => {
    const r = cli('query', WHERE, '--filter', 'country:RU', '--format', 'csv', '--fields', 'sourceIp,country,asn,asOrg,ipClass');
    assert.equal(r.status, 0, r.err);
    assert.equal(r.err, '');
    assert.deepEqual(r.out.trim().split('\r\n'), [
      'sourceIp,country,asn,asOrg,ipClass',
      '77.88.8.8,RU,13238,YANDEX LLC,public',
      '77.88.8.8,RU,13238,YANDEX LLC,public',
      '2a02:6b8::1,RU,13238,YANDEX LLC,public',
      '::ffff:77.88.8.8,RU,13238,YANDEX LLC,public',
    ]);
  });

  it('asn: and ipClass: filters count, and a hostile sourceIp stays text with no country', () => {
    assert.equal(cli('query', WHERE, '--filter', 'asn:16509', '--format', 'count').out.trim(), '2');
    assert.equal(cli('query', WHERE, '--filter', 'ipClass:service OR ipClass:aws-internal', '--format', 'count').out.trim(), '3');
    const r = cli('query', WHERE, '--filter', 'ipClass:invalid', '--format', 'csv', '--fields', 'sourceIp,country,ipClass');
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(r.out.trim().split('\r\n'), ['sourceIp,country,ipClass', '<script>alert(1)</script>,,invalid', '08.8.8.8,,invalid']);
  });
});
