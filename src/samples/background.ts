/**
 * The everyday traffic: who acts, when in the day, in which region, calling what, and how often
 * it fails. Volume follows office hours and weekdays so the timeline has a visible rhythm.
 */
import { Action } from './action';
import { COMPUTE } from './actionsCompute';
import { IDENTITY } from './actionsIdentity';
import { STORAGE } from './actionsS3';
import { Actor, Profile, Rhythm } from './actors';
import { Rng } from './prng';
import { buildRecord, failureFor, Rec } from './records';
import { DAY, HOUR } from './util';
import { Account, Region, REGION_WEIGHT, REGIONS } from './world';

export const CATALOG: Action[] = [...COMPUTE, ...IDENTITY, ...STORAGE];

export function findAction(source: string, name: string): Action {
  const a = CATALOG.find((x) => x.name === name && x.source.startsWith(source));
  if (!a) throw new Error(`no catalog entry ${source} ${name}`);
  return a;
}

/** Relative activity per UTC hour. */
const HOURS: Record<Rhythm, number[]> = {
  office: [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.4, 1.5, 4, 7, 8, 8, 6, 7, 8, 8, 7, 5, 3, 1.5, 0.8, 0.5, 0.3, 0.2],
  ci: [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 2, 5, 7, 9, 8, 5, 7, 9, 9, 8, 6, 3, 1, 0.5, 0.4, 0.3, 0.2],
  flat: [0.7, 0.65, 0.6, 0.6, 0.6, 0.65, 0.8, 1, 1.2, 1.3, 1.35, 1.4, 1.4, 1.4, 1.4, 1.35, 1.3, 1.2, 1.1, 1, 0.9, 0.85, 0.8, 0.75],
};

/** Weekends: people stay home, pipelines mostly idle, services carry on. */
const WEEKEND: Record<Rhythm, number> = { office: 0.12, ci: 0.2, flat: 0.9 };

const HUMANISH: Profile[] = ['admin', 'developer', 'security', 'readonly'];

function actionsFor(actor: Actor): Action[] {
  if (actor.type === 'AWSService') return CATALOG.filter((a) => a.who.includes('service') && (!a.services || a.services.includes(actor.service ?? '')));
  if (actor.profile === 'readonly') return CATALOG.filter((a) => a.readOnly && !a.data && a.who.some((w) => HUMANISH.includes(w)));
  if (actor.profile === 'root') return CATALOG.filter((a) => a.name === 'ConsoleLogin' || (a.readOnly && a.global));
  const uses = actor.uses;
  return CATALOG.filter((a) => a.who.includes(actor.profile) && (!uses || uses.includes(a.source.split('.')[0])));
}

export interface DayPlan {
  /** UTC midnight of the day. */
  day: number;
  events: number;
  /** Drops an event before it is drawn, e.g. while the story has a trail stopped. */
  keep?: (account: Account, action: Action, time: number) => boolean;
}

/** Error rates are per call that can fail at all; about one call in twenty fails overall. */
const FAIL_RATE = 0.085;

export function backgroundDay(rng: Rng, actors: Actor[], plan: DayPlan): Rec[] {
  const weekday = new Date(plan.day).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  const active = actors.filter((a) => a.weight > 0);
  const tables = new Map<string, Action[]>();
  for (const a of active) tables.set(a.key, actionsFor(a));
  const actorWeight = (a: Actor): number => a.weight * a.account.weight * (weekend ? WEEKEND[a.rhythm] : 1);
  const out: Rec[] = [];
  for (let i = 0; i < plan.events; i++) {
    const actor = rng.weighted(active, actorWeight);
    const table = tables.get(actor.key) ?? [];
    if (table.length === 0) continue;
    const action = rng.weighted(table, (a) => a.weight);
    const hour = rng.weighted(HOURS[actor.rhythm].map((w, h) => [h, w] as const), (x) => x[1])[0];
    const time = plan.day + hour * HOUR + rng.int(HOUR / 1000) * 1000;
    if (time >= plan.day + DAY) continue;
    const region: Region = action.global ? 'us-east-1' : (actor.regions ? rng.pick(actor.regions) : rng.weighted(REGIONS, (r) => REGION_WEIGHT[r]));
    if (plan.keep && !plan.keep(actor.account, action, time)) continue;
    let failure;
    if (action.name === 'ConsoleLogin') {
      if (rng.chance(0.05)) failure = { code: null, message: 'Failed authentication' };
    } else if (action.errors && action.errors.length > 0 && rng.chance(FAIL_RATE)) {
      const kind = rng.chance(0.6) ? action.errors[0] : rng.pick(action.errors);
      failure = failureFor(kind, action, actor, { rng, region, account: actor.account.id });
    }
    out.push(buildRecord({ rng, actor, action, account: actor.account, region, time, failure }));
  }
  return out;
}
