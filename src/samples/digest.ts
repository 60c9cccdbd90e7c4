/**
 * Hourly CloudTrail digest files: one per account and region per hour, each naming the log files
 * delivered in its hour with their SHA-256 and chaining to the previous digest by hash. The chain
 * is real; the signatures cannot be (no private key), so they are seeded random hex of the right size.
 */
import { createHash } from 'node:crypto';
import { Delivered, SampleFile } from './delivery';
import { hash32, Rng } from './prng';
import { byText, compactSecond, dayPath, gzip, HOUR, isoSeconds, Json } from './util';
import { Account, REGIONS } from './world';

export function makeDigests(rng: Rng, accounts: Account[], delivered: Delivered[], from: number, days: number): SampleFile[] {
  const files: SampleFile[] = [];
  for (const account of accounts) {
    for (const region of REGIONS) {
      const r = rng.fork(`digest/${account.id}/${region}`);
      const mine = delivered.filter((d) => d.account.id === account.id && d.region === region).sort((a, b) => a.time - b.time || byText(a.path, b.path));
      // Each trail starts its digest hour at its own minute and second.
      const offset = (hash32(`${account.id}/${region}`) % 3600) * 1000;
      const fingerprint = r.hex(32);
      let previous: { path: string; sha256: string; signature: string } | undefined;
      for (let start = from + offset - HOUR; start < from + days * 24 * HOUR; start += HOUR) {
        const end = start + HOUR;
        if (end <= from) continue;
        const logs = mine.filter((d) => d.time >= start && d.time < end);
        const name = `${account.id}_CloudTrail-Digest_${region}_${account.trail.name}_us-east-1_${compactSecond(end)}.json.gz`;
        const path = `${account.trail.prefix}/CloudTrail-Digest/${region}/${dayPath(end)}/${name}`;
        const newest = logs.length ? logs.map((l) => l.newest).sort()[logs.length - 1] : null;
        const oldest = logs.length ? logs.map((l) => l.oldest).sort()[0] : null;
        const body: { [k: string]: Json } = {
          awsAccountId: account.id,
          digestStartTime: isoSeconds(start),
          digestEndTime: isoSeconds(end),
          digestS3Bucket: account.trail.bucket,
          digestS3Object: path,
          digestPublicKeyFingerprint: fingerprint,
          digestSignatureAlgorithm: 'SHA256withRSA',
          newestEventTime: newest,
          oldestEventTime: oldest,
          previousDigestS3Bucket: previous ? account.trail.bucket : null,
          previousDigestS3Object: previous ? previous.path : null,
          previousDigestHashValue: previous ? previous.sha256 : null,
          previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
          previousDigestSignature: previous ? previous.signature : null,
          logFiles: logs.map((l) => ({
            s3Bucket: account.trail.bucket,
            s3Object: l.path,
            hashValue: l.sha256,
            hashAlgorithm: 'SHA-256',
            newestEventTime: l.newest,
            oldestEventTime: l.oldest,
          })),
        };
        const text = JSON.stringify(body);
        files.push({ path, data: gzip(text) });
        previous = { path, sha256: createHash('sha256').update(text, 'utf8').digest('hex'), signature: r.hex(512) };
      }
    }
  }
  return files;
}

