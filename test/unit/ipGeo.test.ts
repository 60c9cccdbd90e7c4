/**
 * Issue 15, part 4 ("where from"): parsing and labelling sourceIPAddress values, the shipped IP
 * table (data/geo, read as the extension reads it), a small hand-made table for the edges, and the
 * derived fields country / asn / asOrg / ipClass through the store: filters, facets, hostile values.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { classifyIp, classifySource, parseIp } from '../../src/core/ipGeo/address';
import { GEO_FIELDS, ipTable, provideIpTable, sourceGeo } from '../../src/core/ipGeo/fields';
import { IpTable } from '../../src/core/ipGeo/table';
import { EventStore } from '../../src/core/store';
import { IP_DATA_ATTRIBUTION } from '../../src/protocol';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';
import { ipTableDir, readIpTable } from '../../src/providers/ipGeo/tableFile';

const ROOT = path.resolve(__dirname, '../../..');
const WHERE = path.join(ROOT, 'test/fixtures/geo/where.json');

// ---- a hand-made table, encoded as scripts/geo/build-ip-table.mjs encodes ----------------------

function varints(out: number[], ...ns: number[]): void {
  for (let n of ns) {
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
  }
}

type V4 = Array<[number, number]>; // [start, value]
type V6 = Array<[number, number, number]>; // [hi, lo, value]

function v4Section(entries: V4): number[] {
  const out: number[] = [];
  let prev = 0;
  for (const [start, v] of entries) {
    varints(out, start - prev, v);
    prev = start;
  }
  return out;
}

function v6Section(entries: V6): number[] {
  const out: number[] = [];
  let ph = 0;
  let pl = 0;
  for (const [hi, lo, v] of entries) {
    varints(out, hi - ph, hi === ph ? lo - pl : lo, v);
    ph = hi;
    pl = lo;
  }
  return out;
}

function tableBytes(p: { countries: string[]; asns: number[]; orgs: string[]; v4c: V4; v6c: V6; v4a: V4; v6a: V6 }, patch?: (h: Record<string, unknown>) => void, orgText?: string): Uint8Array {
  const asns: number[] = [];
  varints(asns, ...p.asns);
  const orgs = [...Buffer.from(orgText ?? p.orgs.map((o) => `${o}\n`).join(''), 'utf8')];
  const secs = [v4Section(p.v4c), v6Section(p.v6c), v4Section(p.v4a), v6Section(p.v6a), asns, orgs];
  const names = ['v4country', 'v6country', 'v4asn', 'v6asn', 'asns', 'orgs'];
  const sections: Record<string, { offset: number; length: number }> = {};
  let offset = 0;
  secs.forEach((s, i) => {
    sections[names[i]] = { offset, length: s.length };
    offset += s.length;
  });
  const header: Record<string, unknown> = { dataDate: '2020-01-02', sources: [], countries: p.countries, asnCount: p.asns.length, sections };
  patch?.(header);
  const h = Buffer.from(JSON.stringify(header));
  const fixed = Buffer.alloc(12);
  fixed.write('ALXG', 0, 'latin1');
  fixed.writeUInt32LE(2, 4);
  fixed.writeUInt32LE(h.length, 8);
  return new Uint8Array(Buffer.concat([fixed, h, Buffer.from(secs.flat())]));
}

const ip4 = (s: string) => {
  const ip = parseIp(s);
  assert.ok(ip && ip.v === 4, s);
  return ip.n;
};

/** 1.0.0.0-1.0.0.255 AU/AS1, 1.0.1.0-1.0.1.255 nothing, 1.0.2.0-255.255.255.255 CN/AS2; 2001:db9::/32 JP, the /64 2001:dba::/64 DE/AS3. */
const SMALL = {
  countries: ['AU', 'CN', 'JP', 'DE'],
  asns: [1, 2, 3],
  orgs: ['One', 'Two, Inc.', 'Three'],
  v4c: [
    [0, 0],
    [ip4('1.0.0.0'), 1],
    [ip4('1.0.1.0'), 0],
    [ip4('1.0.2.0'), 2],
  ] as V4,
  v4a: [
    [0, 0],
    [ip4('1.0.0.0'), 1],
    [ip4('1.0.1.0'), 0],
    [ip4('1.0.2.0'), 2],
  ] as V4,
  v6c: [
    [0, 0, 0],
    [0x20010db9, 0, 3],
    [0x20010dba, 0, 4],
    [0x20010dba, 1, 0],
  ] as V6,
  v6a: [
    [0, 0, 0],
    [0x20010dba, 0, 3],
    [0x20010dba, 1, 0],
  ] as V6,
};

function at(t: IpTable, s: string): string {
  const ip = parseIp(s);
  assert.ok(ip, s);
  const g = t.lookup(ip);
  return `${g.country}/${g.asn}/${g.org}`;
}

type Rec = Record<string, unknown>;

function storeOf(records: Rec[]): EventStore {
  const r = readLogBuffer('where.json', Buffer.from(JSON.stringify({ Records: records })), 'geo-test');
  assert.deepEqual(r.problems, []);
  assert.ok(r.batch);
  const store = new EventStore({ derivedFields: GEO_FIELDS });
  store.appendBatch(r.batch);
  return store;
}

function whereStore(): EventStore {
  return storeOf((JSON.parse(readFileSync(WHERE, 'utf8')) as { Records: Rec[] }).Records);
}

describe('where from: IP addresses (issue 15, part 4)', () => {
  describe('parseIp', () => {
    it('reads dotted-quad IPv4 and nothing a lenient parser would read two ways', () => {
      assert.deepEqual(parseIp('0.0.0.0'), { v: 4, n: 0 });
      assert.deepEqual(parseIp('255.255.255.255'), { v: 4, n: 0xffffffff });
      assert.deepEqual(parseIp('1.2.3.4'), { v: 4, n: 0x01020304 });
      for (const bad of ['01.2.3.4', '1.2.3.04', '1.2.3.00', '256.1.1.1', '1.2.3', '1.2.3.4.', '.1.2.3.4', '1..2.3', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.-4', '1.2.3.4/32', '1.2.3.4:80', '0x1.2.3.4', '1e2.1.1.1', '１.2.3.4', '1.2.3.4%eth0', '']) {
        assert.equal(parseIp(bad), undefined, JSON.stringify(bad));
      }
    });

    it('reads IPv6 in its written forms, IPv4-mapped as IPv4, and cuts a zone id', () => {
      assert.deepEqual(parseIp('::'), { v: 6, w: [0, 0, 0, 0] });
      assert.deepEqual(parseIp('::1'), { v: 6, w: [0, 0, 0, 1] });
      assert.deepEqual(parseIp('1::'), { v: 6, w: [0x00010000, 0, 0, 0] });
      assert.deepEqual(parseIp('2001:DB8::a:b'), { v: 6, w: [0x20010db8, 0, 0, 0x000a000b] });
      assert.deepEqual(parseIp('1:2:3:4:5:6:7:8'), { v: 6, w: [0x00010002, 0x00030004, 0x00050006, 0x00070008] });
      assert.deepEqual(parseIp('1:2:3:4:5:6::8'), { v: 6, w: [0x00010002, 0x00030004, 0x00050006, 0x00000008] });
      assert.deepEqual(parseIp('::ffff:1.2.3.4'), { v: 4, n: 0x01020304 });
      assert.deepEqual(parseIp('::FFFF:0102:0304'), { v: 4, n: 0x01020304 });
      assert.deepEqual(parseIp('64:ff9b::1.2.3.4'), { v: 6, w: [0x0064ff9b, 0, 0, 0x01020304] });
      assert.deepEqual(parseIp('fe80::1%eth0'), { v: 6, w: [0xfe800000, 0, 0, 1] });
      for (const bad of [':', ':::', '1:::2', '1::2::3', ':1::', '1::2:', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7::8', '12345::', 'g::1', '::ffff:1.2.3', '::ffff:1.2.3.4:5', '1.2.3.4::', '::1%', '::1%a b', 'fe80::1%eth0%1', '::ffff:01.2.3.4']) {
        assert.equal(parseIp(bad), undefined, JSON.stringify(bad));
      }
    });

    it('rejects a huge string at once instead of walking it', () => {
      const huge = '1'.repeat(50_000_000);
      assert.equal(parseIp(huge), undefined);
      assert.equal(parseIp(`::${'1:'.repeat(1_000_000)}1`), undefined);
      assert.equal(classifySource(`${'a.'.repeat(1_000_000)}com`), 'invalid');
    });
  });

  describe('labels', () => {
    const cls = (s: string) => classifySource(s);
    it('labels private, loopback, link-local, CGNAT, documentation, multicast and reserved addresses', () => {
      for (const s of ['10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1', 'fc00::1', 'fd12:3456::1']) assert.equal(cls(s), 'private', s);
      for (const s of ['172.15.255.255', '172.32.0.0', '11.0.0.0', '9.255.255.255', '192.169.0.0', 'fe00::1']) assert.equal(cls(s), 'public', s);
      for (const s of ['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1']) assert.equal(cls(s), 'loopback', s);
      for (const s of ['169.254.169.254', 'fe80::1', 'febf::1', 'fe80::1%eth0']) assert.equal(cls(s), 'link-local', s);
      for (const s of ['100.64.0.0', '100.127.255.255']) assert.equal(cls(s), 'cgnat', s);
      assert.equal(cls('100.128.0.0'), 'public');
      for (const s of ['192.0.2.1', '198.51.100.7', '203.0.113.255', '2001:db8::1', '3fff::1']) assert.equal(cls(s), 'documentation', s);
      for (const s of ['224.0.0.1', '239.255.255.255', 'ff02::1']) assert.equal(cls(s), 'multicast', s);
      for (const s of ['0.0.0.0', '240.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.0.8', '::', '100::1']) assert.equal(cls(s), 'reserved', s);
    });

    it('labels AWS Internal, service names, garbage, and nothing for an empty value', () => {
      assert.equal(cls('AWS Internal'), 'aws-internal');
      assert.equal(cls('aws internal'), 'aws-internal');
      for (const s of ['s3.amazonaws.com', 'ec2.amazonaws.com', 'ssm.us-east-1.amazonaws.com', 'cloudtrail.amazonaws.com']) assert.equal(cls(s), 'service', s);
      for (const s of ['<script>alert(1)</script>', 'AWS', 'localhost', '1.2.3.4.5', '-a.com', 'a..com', 'a.com.', 'x'.repeat(300), '\u202e1.2.3.4', '08.8.8.8', 'a.b.123']) assert.equal(cls(s), 'invalid', JSON.stringify(s));
      assert.equal(cls(''), '');
      const mapped = parseIp('::ffff:10.1.2.3');
      assert.ok(mapped);
      assert.equal(classifyIp(mapped), 'private', 'an IPv4-mapped address is the IPv4 address');
    });
  });

  describe('a hand-made table', () => {
    it('finds each range up to its last address, gaps as nothing, IPv6 by its /64', () => {
      const t = new IpTable(tableBytes(SMALL));
      assert.equal(t.dataDate, '2020-01-02');
      assert.equal(at(t, '0.255.255.255'), '/0/');
      assert.equal(at(t, '1.0.0.0'), 'AU/1/One');
      assert.equal(at(t, '1.0.0.255'), 'AU/1/One');
      assert.equal(at(t, '1.0.1.0'), '/0/');
      assert.equal(at(t, '1.0.1.255'), '/0/');
      assert.equal(at(t, '1.0.2.0'), 'CN/2/Two, Inc.');
      assert.equal(at(t, '255.255.255.255'), 'CN/2/Two, Inc.');
      assert.equal(at(t, '::ffff:1.0.0.7'), 'AU/1/One');
      assert.equal(at(t, '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), '/0/');
      assert.equal(at(t, '2001:db9::'), 'JP/0/');
      assert.equal(at(t, '2001:db9:ffff:ffff:ffff:ffff:ffff:ffff'), 'JP/0/');
      assert.equal(at(t, '2001:dba::1'), 'DE/3/Three');
      assert.equal(at(t, '2001:dba:0:0:ffff:ffff:ffff:ffff'), 'DE/3/Three');
      assert.equal(at(t, '2001:dba:0:1::'), '/0/');
      assert.equal(at(t, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), '/0/');
    });

    it('refuses bytes that are not a table, or a damaged one', () => {
      const good = tableBytes(SMALL);
      assert.throws(() => new IpTable(new Uint8Array(0)), /Not an IP table/);
      assert.throws(() => new IpTable(Buffer.from('PK\u0003\u0004 not a table at all')), /Not an IP table/);
      assert.throws(() => new IpTable(good.subarray(0, good.length - 1)), /truncated/);
      const v3 = Uint8Array.from(good);
      v3[4] = 3;
      assert.throws(() => new IpTable(v3), /version 3/);
      assert.throws(() => new IpTable(tableBytes({ ...SMALL, v4c: [[0, 0], [5, 1], [5, 2]] })), /not sorted/);
      assert.throws(() => new IpTable(tableBytes({ ...SMALL, v4c: [[0, 0], [5, 9]] })), /out of range/);
      assert.throws(() => new IpTable(tableBytes(SMALL, (h) => (h.asnCount = 2))), /wrong length/);
      assert.throws(() => new IpTable(tableBytes(SMALL, undefined, 'One\nTwo\n')), /organization list of the wrong length/);
      assert.throws(() => new IpTable(tableBytes(SMALL, undefined, 'One\nTwo\nThree')), /organization list of the wrong length/);
      assert.throws(() => new IpTable(tableBytes({ ...SMALL, v6c: [[0, 0, 0], [5, 7, 1], [5, 7, 2]] })), /not sorted/, 'IPv6 damage shows when the table is read');
      assert.throws(() => new IpTable(tableBytes(SMALL, (h) => (h.countries = 'AU'))));
    });
  });

  describe('the shipped table', () => {
    let real: IpTable;
    before(() => {
      real = readIpTable();
    });

    it('is found next to the code, with its licences and SOURCE note, and decodes', () => {
      const dir = ipTableDir();
      assert.ok(dir, 'data/geo (or dist/geo) holds the table');
      for (const f of ['SOURCE.md', 'NRO-LICENSE', 'DBIP-LICENSE', 'ROUTEVIEWS-LICENSE', 'ASN-MODIFICATIONS']) assert.ok(existsSync(path.join(dir, f)), f);
      const counts = real.entryCounts;
      assert.ok(counts.v4country > 100_000 && counts.v4asn > 100_000 && counts.v6country > 10_000 && counts.v6asn > 10_000, JSON.stringify(counts));
      assert.match(real.dataDate, /^\d{4}-\d{2}-\d{2}$/);
      const source = readFileSync(path.join(dir, 'SOURCE.md'), 'utf8');
      for (const s of real.sources) {
        assert.ok(source.includes(s.package) && source.includes(s.version), `SOURCE.md names ${s.package}@${s.version}`);
        assert.equal(s.licence, 'CC BY 4.0');
      }
      assert.ok(source.includes(real.dataDate), 'SOURCE.md gives the data date');
      for (const who of ['NRO', 'RouteViews', 'DB-IP']) {
        assert.ok(source.includes(who), `SOURCE.md credits ${who}`);
        assert.ok(IP_DATA_ATTRIBUTION.includes(who), `the panel credits ${who}`);
      }
    });

    it('knows well-known networks, over IPv4, IPv6 and IPv4-mapped IPv6', () => {
      assert.equal(at(real, '8.8.8.8'), 'US/15169/Google LLC');
      assert.equal(at(real, '::ffff:8.8.8.8'), 'US/15169/Google LLC');
      assert.equal(at(real, '2001:4860:4860::8888'), 'US/15169/Google LLC');
      assert.match(at(real, '77.88.8.8'), /^RU\/13238\/YANDEX/);
      assert.match(at(real, '2a02:6b8::1'), /^RU\/13238\/YANDEX/);
      assert.match(at(real, '52.95.110.1'), /^US\/16509\/Amazon/);
      assert.match(at(real, '2600:1f18::1'), /^US\/14618\/Amazon/);
      assert.equal(at(real, '0.0.0.0'), '/0/');
      assert.doesNotThrow(() => at(real, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'));
    });
  });

  describe('the derived fields through the store', () => {
    // What session/nodeIo.ts provides; left so for the tests that run after these.
    before(() => provideIpTable(() => readIpTable()));
    after(() => provideIpTable(() => readIpTable()));

    it('filter on country, asn, asOrg and ipClass; hostile and non-address values stay text and get no country', () => {
      const store = whereStore();
      assert.equal(store.query('country:RU').count, 4, '77.88.8.8 twice, 2a02:6b8::1, ::ffff:77.88.8.8');
      assert.equal(store.query('country:ru').count, 4);
      assert.equal(store.query('country:US').count, 5);
      assert.equal(store.query('asn:16509').count, 2);
      assert.equal(store.query('asn:15169 OR asn:13238').count, 7);
      assert.equal(store.query('asOrg:"Google LLC"').count, 3);
      assert.equal(store.query('ipClass:private').count, 1);
      assert.equal(store.query('ipClass:documentation').count, 1);
      assert.equal(store.query('ipClass:aws-internal').count, 1);
      assert.equal(store.query('ipClass:service').count, 2);
      assert.equal(store.query('ipClass:invalid').count, 2, 'the script tag and 08.8.8.8');
      assert.equal(store.query('ipClass:link-local').count, 1);
      assert.equal(store.query('ipClass:cgnat').count, 1);
      assert.equal(store.query('ipClass:public').count, 9);
      assert.equal(store.query('-country:RU -country:US').count, 9);
      const hostile = store.query('sourceIp:"<script>alert(1)</script>"');
      assert.equal(hostile.count, 1);
      const row = hostile.order[0];
      assert.equal(store.value(row, 'country'), '');
      assert.equal(store.value(row, 'ipClass'), 'invalid');
      assert.equal(store.value(row, 'sourceIp'), '<script>alert(1)</script>');
    });

    it('are facets and columns like any field', () => {
      const store = whereStore();
      const facets = store.query('').facets(['country', 'asn', 'ipClass'], 10);
      assert.deepEqual(
        facets.country?.filter((f) => f.value !== '').map((f) => [f.value, f.count]),
        [
          ['US', 5],
          ['RU', 4],
        ],
      );
      assert.deepEqual(facets.asn?.find((f) => f.value === '16509')?.count, 2);
      assert.equal(facets.ipClass?.[0]?.value, 'public');
      for (const f of ['country', 'asn', 'asOrg', 'ipClass']) assert.ok(store.columnNames().includes(f), f);
    });

    it('look each distinct address up once, not each event, and only new addresses after an append', () => {
      const real = readIpTable();
      let lookups = 0;
      const counting = Object.create(real) as IpTable;
      counting.lookup = (ip) => {
        lookups++;
        return real.lookup(ip);
      };
      provideIpTable(() => counting);
      const rec = (i: number, ip: string): Rec => ({ eventID: `e${i}`, eventTime: '2024-05-01T10:00:00Z', eventName: 'GetObject', eventSource: 's3.amazonaws.com', sourceIPAddress: ip });
      const ips = ['8.8.8.8', '1.1.1.1', '77.88.8.8', '10.0.0.1'];
      const store = storeOf(Array.from({ length: 2000 }, (_, i) => rec(i, ips[i % ips.length])));
      assert.equal(store.query('country:US').count, 500);
      assert.equal(lookups, 3, 'three public addresses, one lookup each; the private one needs none');
      const r = readLogBuffer('more.json', Buffer.from(JSON.stringify({ Records: [rec(5000, '8.8.8.8'), rec(5001, '2a02:6b8::1')] })), 'geo-test');
      assert.ok(r.batch);
      store.appendBatch(r.batch);
      assert.equal(store.query('country:RU').count, 501);
      assert.equal(lookups, 4, 'only the new address');
      provideIpTable(() => readIpTable());
    });

    it('leave country and AS empty, never fail, when the table cannot be read; ipClass still works', () => {
      provideIpTable(() => {
        throw new Error('no table here');
      });
      const store = whereStore();
      assert.equal(store.query('country:US').count, 0);
      assert.equal(store.query('ipClass:private').count, 1);
      assert.equal(ipTable(), undefined);
      assert.equal(sourceGeo('8.8.8.8').country, '');
      provideIpTable(() => readIpTable());
      assert.equal(sourceGeo('8.8.8.8').country, 'US');
    });
  });
});
