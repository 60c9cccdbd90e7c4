/** The shape of one catalog entry: an API call and how to fill in its record. */
import { Actor, Profile } from './actors';
import { Rng } from './prng';
import { Json, JsonObject } from './util';
import { Account, Region, Resources } from './world';

/** Everything a builder may draw on for one event. */
export interface Ctx {
  rng: Rng;
  actor: Actor;
  account: Account;
  region: Region;
  res: Resources;
  time: number;
}

export type ErrorKind = 'denied' | 'throttle' | 'nobucket' | 'notfound';

export interface Action {
  source: string;
  name: string;
  readOnly: boolean;
  /** Relative frequency among the actions an actor may call. */
  weight: number;
  who: Profile[];
  /** AWSService actors that make this call (service principal names); others never see it. */
  services?: string[];
  /** IAM, Organizations, Route 53 and sign-in log in us-east-1 whatever the caller's region. */
  global?: boolean;
  /** S3 object-level calls: managementEvent false, eventCategory Data. */
  data?: boolean;
  eventType?: string;
  apiVersion?: string;
  /** Errors this call plausibly returns; the first is the likeliest. */
  errors?: ErrorKind[];
  req?: (c: Ctx) => Json;
  resp?: (c: Ctx) => Json;
  extra?: (c: Ctx) => JsonObject;
  resources?: (c: Ctx) => Json[];
}

export const HUMAN: Profile[] = ['admin', 'developer'];
export const OPS: Profile[] = ['admin', 'developer', 'ci', 'terraform'];
export const BUILD: Profile[] = ['ci', 'terraform'];
export const LOOKERS: Profile[] = ['admin', 'developer', 'security', 'linked', 'terraform'];

export function act(source: string, name: string, readOnly: boolean, weight: number, who: Profile[], more: Partial<Action> = {}): Action {
  return { source, name, readOnly, weight, who, ...more };
}

export function pick<T>(c: Ctx, items: readonly T[]): T {
  return c.rng.pick(items);
}

/** CloudTrail's time shape, under the short name the catalog uses everywhere. */
export { isoSeconds as iso } from './util';

export function kmsArn(c: Ctx, key?: string): string {
  return `arn:aws:kms:${c.region}:${c.account.id}:key/${key ?? pick(c, c.res.kmsKeys)}`;
}

export function roleArn(c: Ctx, role?: string): string {
  return `arn:aws:iam::${c.account.id}:role/${role ?? pick(c, c.res.roles)}`;
}
