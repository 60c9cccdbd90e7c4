/**
 * Packs records into files the way CloudTrail delivers them to S3: per account and region, one
 * gzipped `{"Records":[…]}` every 5–15 minutes that had events, under the dated key layout.
 */
import { createHash } from 'node:crypto';
import { Rng } from './prng';
import { Rec } from './records';
import { byText, compactMinute, DAY, dayPath, gzip, MINUTE } from './util';
import { Account } from './world';

export interface SampleFile {
  path: string;
  data: Buffer;
}

/** What a digest needs to know about a delivered log file. */
export interface Delivered {
  account: Account;
  region: string;
  path: string;
  /** The time in the file name: when CloudTrail wrote it. */
  time: number;
  oldest: string;
  newest: string;
  /** SHA-256 of the uncompressed file, as digests record it. */
  sha256: string;
}

export type LogKind = 'CloudTrail' | 'CloudTrail-Insight';

function timeOf(r: Rec): number {
  return Date.parse(String(r.eventTime));
}

export function serialize(records: Rec[]): string {
  return JSON.stringify({ Records: records });
}

/**
 * Files are never split across midnight, so every event sits under the date of its file's key
 * (real CloudTrail may file a 23:59 event under the next day; a browser must cope, the samples
 * keep the simple case). The file name carries the end of its window, or 23:55 for the last one.
 */
export function deliver(rng: Rng, accounts: Account[], records: Rec[], kind: LogKind): { files: SampleFile[]; delivered: Delivered[] } {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const groups = new Map<string, Rec[]>();
  for (const r of records) {
    const t = timeOf(r);
    const key = `${String(r.recipientAccountId)}|${String(r.awsRegion)}|${t - (t % DAY)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const files: SampleFile[] = [];
  const delivered: Delivered[] = [];
  for (const key of [...groups.keys()].sort()) {
    const [acctId, region, dayText] = key.split('|');
    const account = byId.get(acctId);
    if (!account) throw new Error(`records for unknown account ${acctId}`);
    const day = Number(dayText);
    const r = rng.fork(`${kind}/${key}`);
    const recs = (groups.get(key) ?? []).sort((a, b) => timeOf(a) - timeOf(b) || byText(String(a.eventID), String(b.eventID)));
    let i = 0;
    for (let t = day; t < day + DAY && i < recs.length; ) {
      const end = Math.min(t + r.pick([5, 10, 10, 15]) * MINUTE, day + DAY);
      const batch: Rec[] = [];
      while (i < recs.length && timeOf(recs[i]) < end) batch.push(recs[i++]);
      t = end;
      if (batch.length === 0) continue;
      // CloudTrail does not order records within a file; a few neighbours swap places.
      for (let j = 0; j + 1 < batch.length; j++) {
        if (r.chance(0.15)) [batch[j], batch[j + 1]] = [batch[j + 1], batch[j]];
      }
      const stamp = end === day + DAY ? end - 5 * MINUTE : end;
      const path = `${account.trail.prefix}/${kind}/${region}/${dayPath(day)}/${account.id}_${kind}_${region}_${compactMinute(stamp)}_${r.alnum(16)}.json.gz`;
      const text = serialize(batch);
      files.push({ path, data: gzip(text) });
      const times = batch.map((x) => String(x.eventTime)).sort();
      delivered.push({
        account,
        region,
        path,
        time: stamp,
        oldest: times[0],
        newest: times[times.length - 1],
        sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
      });
    }
  }
  return { files, delivered };
}
