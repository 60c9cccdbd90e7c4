/**
 * Events carrying strings that break naive renderers: HTML/script injection, template syntax,
 * terminal escapes, bidi overrides, invisible characters, astral emoji, a 10,000-character value,
 * path traversal and NUL. They sit where real attacker-controlled text lands in CloudTrail (user
 * agents, request parameters, S3 object keys and therefore resource ARNs). Every one has
 * `hostile-fixture` in its userAgent so tests and demos can find them with one filter.
 */
import { Action } from './action';
import { objectResources, s3Additional, s3Host } from './actionsS3';
import { Actor, findActor } from './actors';
import { findAction } from './background';
import { Rng } from './prng';
import { buildRecord, Rec } from './records';
import { HOUR, Json, MINUTE } from './util';
import { Account, STAGING } from './world';

export const LONG_STRING = 'hostile-long-'.padEnd(10_000, '0123456789abcdef');

/** Each string, and a name for it. */
export const HOSTILE_STRINGS: ReadonlyArray<readonly [string, string]> = [
  ['html-img', '<img src=x onerror=alert(1)>'],
  ['script-close', '</script><script>alert(document.domain)</script>'],
  ['attr-break', '"><svg/onload=alert(1)>'],
  ['js-url', 'javascript:alert(1)'],
  ['template', '${7*7}{{7*7}}'],
  ['ansi', '\u001b[31mRED\u001b[0m \u001b]0;pwned\u0007'],
  ['rtl-override', 'invoice-\u202egpj.exe'],
  ['zero-width', 'ad\u200bmin\u200c\u200d\ufeff'],
  ['emoji', '🔥🚀 👩‍💻 🏳️‍🌈 𝕏'],
  ['long', LONG_STRING],
  ['traversal', '../../etc/passwd'],
  ['nul', 'nul\u0000byte'],
  ['line-separators', 'line\u2028separator\u2029paragraph'],
];

export function makeHostile(rng: Rng, accounts: Account[], actors: Actor[], day: number): Rec[] {
  const staging = accounts.find((a) => a.id === STAGING);
  if (!staging) throw new Error('hostile fixtures need the staging account');
  const dave = findActor(actors, STAGING, 'IAMUser', 'dave');
  const res = staging.resources['us-east-1'];
  const r = rng.fork('hostile');
  const out: Rec[] = [];
  let t = day + 10 * HOUR + 31 * MINUTE;
  const put = findAction('s3', 'PutObject');
  const tags = findAction('ec2', 'CreateTags');
  const sg = findAction('ec2', 'CreateSecurityGroup');
  const subscribe = findAction('sns', 'Subscribe');
  const param = findAction('ssm', 'PutParameter');

  const one = (name: string, value: string, action: Action, request: Json, extra?: { key: string }): void => {
    t += r.range(20, 90) * 1000;
    const ctx = { rng: r, actor: dave, account: staging, region: 'us-east-1' as const, res, time: t };
    const bucket = res.buckets[0];
    out.push(
      buildRecord({
        rng: r,
        actor: dave,
        action,
        account: staging,
        region: 'us-east-1',
        time: t,
        // The long string stays out of the user agent so the table row stays readable.
        userAgent: `hostile-fixture/${name} ${name === 'long' ? 'long value in requestParameters' : value}`,
        request,
        ...(extra
          ? {
              resources: objectResources(ctx, bucket, extra.key),
              extra: { additionalEventData: s3Additional(ctx, r.range(100, 9000), 0) },
            }
          : {}),
      }),
    );
  };
  const bucket = res.buckets[0];
  for (const [name, value] of HOSTILE_STRINGS) {
    switch (name) {
      case 'html-img':
      case 'attr-break':
      case 'rtl-override':
      case 'traversal':
      case 'nul': {
        const key = `uploads/${value}`;
        one(name, value, put, { bucketName: bucket, Host: s3Host(bucket, 'us-east-1'), key }, { key });
        break;
      }
      case 'script-close':
      case 'template':
      case 'emoji':
      case 'zero-width':
        one(name, value, tags, {
          resourcesSet: { items: [{ resourceId: res.instances[0] }] },
          tagSet: { items: [{ key: name === 'zero-width' ? value : 'Name', value }] },
        });
        break;
      case 'js-url':
        one(name, value, subscribe, { topicArn: `arn:aws:sns:us-east-1:${STAGING}:${res.topics[0]}`, protocol: 'https', endpoint: value });
        break;
      case 'long':
        one(name, value, sg, { groupName: 'hostile-long-description', groupDescription: value, vpcId: res.vpcs[0] });
        break;
      default:
        one(name, value, param, { name: `/staging/hostile/${name}`, type: 'String', overwrite: true, description: value });
    }
  }
  return out;
}
