// What the panel asks of the Cloudflare provider beyond fetching: more of one event (read by id,
// raw data, related events), server-side counts, and the writes a threat analyst makes while
// browsing (tags, a saved query) — against the local fake API on 127.0.0.1.
import assert from 'node:assert/strict';
import type { AccountConfig } from '../../src/providers/provider';
import { createCloudflareProvider } from '../../src/providers/cloudflare/index';
import * as cf from '../support/fakes/cloudflare';

describe('Cloudflare: detail, aggregates and actions for the panel', function () {
  this.timeout(30_000);
  let fake: cf.CfFake;
  let account: AccountConfig;
  const provider = createCloudflareProvider({ perSecond: 1000 });

  beforeEach(async () => {
    fake = await cf.startCloudflareFake();
    account = { id: 'a1', provider: 'cloudflare', label: 'cf test', endpoint: fake.base, scope: cf.FAKE_ACCOUNT };
  });
  afterEach(() => fake.close());

  const firstEvent = () => {
    const raw = fake.events.find((e) => e.datasetId === cf.DEFAULT_DATASET) as Record<string, unknown>;
    return { id: String(raw.uuid), raw };
  };

  it('reads an event by id, its raw data and its related events as detail sections', async () => {
    const ev = firstEvent();
    const sections = await provider.expandEvent!(account, cf.FAKE_TOKEN, ev);
    assert.deepEqual(sections.map((s) => s.title), ['Event (read by id)', 'Raw data', 'Related events']);
    assert.equal((sections[0].json as { uuid: string }).uuid, ev.id);
    assert.match(JSON.stringify(sections[1].json), new RegExp(`raw of ${ev.id}`));
    assert.ok(Array.isArray(sections[2].json));
  });

  it('keeps the other sections when one cannot be read, and says why without the token', async () => {
    const ev = firstEvent();
    fake.knobs.failures = [{ from: 2, times: 1, status: 403, errors: [{ code: 10000, message: 'not allowed to read raw data' }] }];
    const sections = await provider.expandEvent!(account, cf.FAKE_TOKEN, ev);
    assert.equal(sections.length, 3);
    assert.equal(sections[1].title, 'Raw data (not available)');
    assert.match(String(sections[1].json), /10000/);
    assert.ok(!JSON.stringify(sections).includes(cf.FAKE_TOKEN));
    await assert.rejects(provider.expandEvent!(account, cf.FAKE_TOKEN, { id: '', raw: {} }), /no dataset id or uuid/);
  });

  it('counts server-side by the panel’s facet fields and by day, and says what the counts cover', async () => {
    const from = cf.START;
    const to = cf.START + 30 * 86_400_000;
    const agg = await provider.aggregate!(account, cf.FAKE_TOKEN, { filter: 'actor:"APT28"', from, to, params: { datasetId: cf.DEFAULT_DATASET } });
    const inDataset = fake.events.filter((e) => e.datasetId === cf.DEFAULT_DATASET && Date.parse(String(e.date)) >= from && Date.parse(String(e.date)) < to + 86_400_000);
    assert.equal(agg.total, inDataset.length, 'the histogram covers the dataset and range');
    const apt = agg.facets.actor.find((v) => v.value === 'APT28');
    assert.equal(apt?.count, inDataset.filter((e) => e.attacker === 'APT28').length);
    assert.deepEqual(Object.keys(agg.facets).sort(), ['action', 'actor', 'region', 'service']);
    assert.equal(agg.histogram?.bucketMs, 86_400_000);
    assert.ok(agg.histogram!.buckets.every((b, i, all) => i === 0 || b.time > all[i - 1].time));
    assert.match(agg.note, /not applied/, 'the note says the filter terms are not in these counts');
  });

  it('adds and removes tags on an event, and saves the pushed-down part of a filter as a Cloudflare saved query', async () => {
    const ev = firstEvent();
    const add = provider.eventActions!.find((a) => a.id === 'cloudflare.addTags')!;
    const msg = await add.run(account, cf.FAKE_TOKEN, ev, ' reviewed, campaign-x ,reviewed');
    assert.match(msg, /reviewed, campaign-x/);
    const tags = fake.events.find((e) => e.uuid === ev.id)!.tags as string[];
    assert.ok(tags.includes('reviewed') && tags.includes('campaign-x'));
    const remove = provider.eventActions!.find((a) => a.id === 'cloudflare.removeTags')!;
    await remove.run(account, cf.FAKE_TOKEN, ev, 'reviewed');
    assert.ok(!(fake.events.find((e) => e.uuid === ev.id)!.tags as string[]).includes('reviewed'));
    await assert.rejects(add.run(account, cf.FAKE_TOKEN, ev, ' , '), /at least one tag/);
    // A read-only token is refused, with Cloudflare's code and what to do.
    await assert.rejects(add.run(account, cf.READ_ONLY_TOKEN, ev, 'x'), (e: Error) => /Write/.test(e.message) && !e.message.includes(cf.READ_ONLY_TOKEN));

    const save = provider.queryActions!.find((a) => a.id === 'cloudflare.saveQuery')!;
    const saved = await save.run(account, cf.FAKE_TOKEN, { filter: 'actor:"APT28" -action:scan', params: { datasetId: cf.DEFAULT_DATASET } }, 'apt28 watch');
    assert.match(saved, /Saved "apt28 watch" in Cloudflare \(id \d+\)\. Applied only here, not saved: .*scan/);
    const q = fake.queries.find((x) => x.name === 'apt28 watch');
    assert.ok(q);
    const body = JSON.parse(q.query_json) as { search: Array<{ field: string; value: unknown }>; datasetId: string[] };
    assert.deepEqual(body.datasetId, [cf.DEFAULT_DATASET]);
    assert.ok(body.search.some((c) => c.field === 'attacker' && c.value === 'APT28'));
    assert.equal(q.alert_enabled, false);
  });
});
