/**
 * Session chains (src/core/sessionChains.ts, credentialMints.ts): every link kind, across accounts
 * and files, chains that leave the loaded data, and hostile shapes (10k chained roles, a key minted
 * twice, a key minted by its own use, masked keys, missing fields, huge strings).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { chainOf, MAX_STEPS, OUTSIDE } from '../../src/core/sessionChains';
import { EventStore } from '../../src/core/store';
import { loadFiles } from '../../src/providers/logFiles/files';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';
import {
  ACCT_A,
  ACCT_B,
  ATTACKER_IP,
  BACKUP_KEY,
  DEPLOYER_KEY,
  ORG_KEY,
  event,
  keyChain,
  outsideChain,
  recordsFile,
  ssoChain,
} from '../support/chains';

const DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');
type Rec = Record<string, unknown>;

function storeOf(...files: Rec[][]): EventStore {
  const store = new EventStore();
  files.forEach((records, i) => append(store, records, `f${i}.json`));
  return store;
}

function append(store: EventStore, records: Rec[], name = 'more.json'): void {
  const r = readLogBuffer(name, Buffer.from(recordsFile(records)), 'test');
  assert.deepEqual(r.problems.filter((p) => !p.message.includes('not an ISO 8601')), []);
  assert.ok(r.batch);
  store.appendBatch(r.batch);
}

/** The store row of the event with this id. */
function rowOf(store: EventStore, e: Rec): number {
  for (let r = 0; r < store.size; r++) if (store.idOf(r) === e.eventID) return r;
  throw new Error(`no event ${String(e.eventID)}`);
}

const labels = (store: EventStore, e: Rec) => chainOf(store, rowOf(store, e)).steps.map((s) => s.label);

describe('session chains', () => {
  it('SSO user → role → cross-account role, across files, each step linking its event', () => {
    const { grc, assume, work } = ssoChain();
    const store = storeOf([grc], [assume], [work]);
    assert.equal(store.value(rowOf(store, work), 'origin'), 'alice@corp (SSO)');
    assert.equal(store.value(rowOf(store, work), 'principal'), 'OrgAdmin/alice-session');
    const chain = chainOf(store, rowOf(store, work));
    assert.equal(chain.end, 'origin');
    assert.deepEqual(chain.steps.map((s) => s.label), ['alice@corp (SSO)', `AdminAccess in ${ACCT_A}`, `AssumeRole OrgAdmin in ${ACCT_B}`, 'this event']);
    assert.deepEqual(chain.steps.map((s) => s.row), [rowOf(store, grc), rowOf(store, grc), rowOf(store, assume), rowOf(store, work)]);
    assert.equal(store.query('origin:alice*').count, 3, 'every event of sessions that trace back to alice');
    assert.equal(store.query(`session:${ORG_KEY}`).count, 2, 'the minting AssumeRole and the session’s own event');
  });

  it('without Identity Center’s event, the SSO role session still names its user, and links where it first shows', () => {
    const { assume, work } = ssoChain();
    const store = storeOf([assume, work]);
    const chain = chainOf(store, rowOf(store, work));
    assert.equal(chain.end, 'origin');
    assert.deepEqual(chain.steps.map((s) => s.label), ['alice@corp (SSO)', `AdminAccess in ${ACCT_A}`, `AssumeRole OrgAdmin in ${ACCT_B}`, 'this event']);
    assert.deepEqual(chain.steps.map((s) => s.row), [-1, rowOf(store, assume), rowOf(store, assume), rowOf(store, work)]);
  });

  it('a chain is linked again when the minting event arrives in a later file (store scope)', () => {
    const { assume, work } = outsideChain();
    const store = storeOf([work]);
    const { chained } = outsideChain();
    append(store, [chained]);
    assert.equal(store.value(rowOf(store, chained), 'origin'), `Reader/ci-run-7${OUTSIDE}`);
    append(store, [assume]);
    assert.equal(store.value(rowOf(store, chained), 'origin'), `Deployer/ci-run-7${OUTSIDE}`, 'now it reaches the Deployer session');
  });

  it('a key created during the incident and used from another IP leads to the person who created it', () => {
    const { grc, assume } = ssoChain();
    const { create, use } = keyChain();
    const store = storeOf([grc, assume], [create, use]);
    const row = rowOf(store, use);
    assert.equal(store.value(row, 'sourceIp'), ATTACKER_IP);
    assert.equal(store.value(row, 'principal'), 'backup-svc');
    assert.equal(store.value(row, 'origin'), 'alice@corp (SSO)');
    assert.deepEqual(labels(store, use), ['alice@corp (SSO)', `AdminAccess in ${ACCT_A}`, `CreateAccessKey for backup-svc in ${ACCT_A}`, 'this event']);
    assert.equal(store.query(`sourceIp:${ATTACKER_IP} origin:alice*`).count, 1);
    assert.equal(store.query(`session:${BACKUP_KEY}`).count, 2);
  });

  it('says where a chain leaves the loaded data instead of guessing', () => {
    const { work, assume, chained } = outsideChain();
    const store = storeOf([work, assume, chained]);
    const chain = chainOf(store, rowOf(store, chained));
    assert.equal(chain.end, 'outside');
    assert.equal(chain.outsideKey, DEPLOYER_KEY);
    assert.equal(chain.origin, `Deployer/ci-run-7${OUTSIDE}`);
    assert.deepEqual(chain.steps.map((s) => s.label), [`Deployer/ci-run-7${OUTSIDE}`, `Deployer in ${ACCT_A}`, `AssumeRole Reader in ${ACCT_B}`, 'this event']);
    assert.equal(chain.steps[1].row, rowOf(store, work), 'the session links where it first shows');
    assert.equal(store.query('origin:Deployer*').count, 3);
  });

  it('names the source identity a chain that leaves the data was started with', () => {
    const { work } = outsideChain();
    const ui = work.userIdentity as Rec;
    ui.sessionContext = { ...(ui.sessionContext as Rec), sourceIdentity: 'carol@corp' };
    const store = storeOf([work]);
    assert.equal(store.value(0, 'origin'), 'carol@corp (source identity)');
    assert.equal(chainOf(store, 0).end, 'outside', 'still said to leave the data');
  });

  it('links every other minting kind: SAML, web identity, session and federation tokens, Federate, and by ARN without a key', () => {
    const acct = { accountId: ACCT_A };
    const samlCaller = { type: 'SAMLUser', principalId: 'idp:bob', userName: 'bob@corp', identityProvider: 'idp', ...acct };
    const saml = event('AssumeRoleWithSAML', '2024-05-01T08:00:00Z', samlCaller, { responseElements: { credentials: { accessKeyId: 'ASIASAML0000000001' }, assumedRoleUser: { arn: `arn:aws:sts::${ACCT_A}:assumed-role/SamlRole/bob@corp` } } });
    const samlUse = event('ListUsers', '2024-05-01T08:01:00Z', { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT_A}:assumed-role/SamlRole/bob@corp`, accessKeyId: 'ASIASAML0000000001', ...acct });
    const web = event('AssumeRoleWithWebIdentity', '2024-05-01T08:00:00Z', { type: 'WebIdentityUser', userName: 'repo:org/app:ref:refs/heads/main', identityProvider: 'token.actions.githubusercontent.com', ...acct }, { responseElements: { credentials: { accessKeyId: 'ASIAWEB00000000001' }, assumedRoleUser: { arn: `arn:aws:sts::${ACCT_A}:assumed-role/GitHubDeploy/gh-1` } } });
    const webUse = event('PutObject', '2024-05-01T08:02:00Z', { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT_A}:assumed-role/GitHubDeploy/gh-1`, accessKeyId: 'ASIAWEB00000000001', ...acct });
    const carol = { type: 'IAMUser', arn: `arn:aws:iam::${ACCT_A}:user/carol`, userName: 'carol', accessKeyId: 'AKIACAROL000000001', ...acct };
    const gst = event('GetSessionToken', '2024-05-01T08:00:00Z', carol, { responseElements: { credentials: { accessKeyId: 'ASIACAROLTMP000001' } } });
    const gstUse = event('DescribeInstances', '2024-05-01T08:03:00Z', { ...carol, accessKeyId: 'ASIACAROLTMP000001' });
    const gft = event('GetFederationToken', '2024-05-01T08:00:00Z', carol, { requestParameters: { name: 'contractor' }, responseElements: { credentials: { accessKeyId: 'ASIAFED00000000001' }, federatedUser: { arn: `arn:aws:sts::${ACCT_A}:federated-user/contractor` } } });
    const gftUse = event('GetCallerIdentity', '2024-05-01T08:04:00Z', { type: 'FederatedUser', arn: `arn:aws:sts::${ACCT_A}:federated-user/contractor`, accessKeyId: 'ASIAFED00000000001', sessionContext: { sessionIssuer: { userName: 'carol' } }, ...acct });
    const federate = event('Federate', '2024-05-01T08:00:00Z', { type: 'IdentityCenterUser', userName: 'dave@corp', ...acct }, { eventSource: 'sso.amazonaws.com', requestParameters: { roleName: 'ReadOnly', accountId: ACCT_B } });
    const federateUse = event('DescribeTrails', '2024-05-01T08:05:00Z', { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT_B}:assumed-role/AWSReservedSSO_ReadOnly_00aa11bb22cc33dd/dave@corp`, accessKeyId: 'ASIADAVE0000000001', accountId: ACCT_B });
    const byArn = event('AssumeRole', '2024-05-01T08:00:00Z', carol, { responseElements: { assumedRoleUser: { arn: `arn:aws:sts::${ACCT_A}:assumed-role/NoKey/s1` } } });
    const byArnUse = event('GetObject', '2024-05-01T08:06:00Z', { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT_A}:assumed-role/NoKey/s1`, ...acct });
    const store = storeOf([saml, samlUse, web, webUse, gst, gstUse], [gft, gftUse, federate, federateUse, byArn, byArnUse]);
    assert.equal(store.value(rowOf(store, samlUse), 'origin'), 'bob@corp (SAML)');
    assert.equal(store.value(rowOf(store, webUse), 'origin'), 'repo:org/app:ref:refs/heads/main (web identity)');
    assert.equal(store.value(rowOf(store, gstUse), 'origin'), 'carol');
    assert.deepEqual(labels(store, gstUse), ['carol', `GetSessionToken in ${ACCT_A}`, 'this event']);
    assert.equal(store.value(rowOf(store, gftUse), 'origin'), 'carol');
    assert.deepEqual(labels(store, gftUse), ['carol', `GetFederationToken contractor in ${ACCT_A}`, 'this event']);
    assert.equal(store.value(rowOf(store, federateUse), 'origin'), 'dave@corp (SSO)');
    assert.deepEqual(chainOf(store, rowOf(store, federateUse)).steps.map((s) => s.row).slice(0, 2), [rowOf(store, federate), rowOf(store, federate)]);
    assert.equal(store.value(rowOf(store, byArnUse), 'origin'), 'carol');
    assert.deepEqual(labels(store, byArnUse), ['carol', `AssumeRole NoKey in ${ACCT_A}`, 'this event']);
  });

  it('survives hostile chains: 10k chained roles, a key minted twice, a key minted by its own use, masked keys, missing fields', () => {
    const records: Rec[] = [];
    const user = { type: 'IAMUser', arn: `arn:aws:iam::${ACCT_A}:user/root-of-it`, userName: 'root-of-it', accessKeyId: 'AKIAROOT0000000001', accountId: ACCT_A };
    let caller: Rec = user;
    const N = 10_000;
    for (let i = 0; i < N; i++) {
      const key = `ASIACHAIN${String(i).padStart(10, '0')}`;
      const t = new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString();
      records.push(event('AssumeRole', t, caller, { responseElements: { credentials: { accessKeyId: key }, assumedRoleUser: { arn: `arn:aws:sts::${ACCT_A}:assumed-role/Hop/${i}` } } }));
      caller = { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT_A}:assumed-role/Hop/${i}`, accessKeyId: key, accountId: ACCT_A };
    }
    const last = event('DeleteBucket', '2024-05-02T00:00:00Z', caller);
    // A key minted twice: each use links to the latest minting before it.
    const twiceA = event('AssumeRole', '2024-05-03T10:00:00Z', { ...user, userName: 'first', arn: `arn:aws:iam::${ACCT_A}:user/first` }, { responseElements: { credentials: { accessKeyId: 'ASIATWICE000000001' } } });
    const useA = event('GetObject', '2024-05-03T10:30:00Z', { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT_A}:assumed-role/R/x`, accessKeyId: 'ASIATWICE000000001' });
    const twiceB = event('AssumeRole', '2024-05-03T11:00:00Z', { ...user, userName: 'second', arn: `arn:aws:iam::${ACCT_A}:user/second` }, { responseElements: { credentials: { accessKeyId: 'ASIATWICE000000001' } } });
    const useB = event('GetObject', '2024-05-03T11:30:00Z', { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT_A}:assumed-role/R/x`, accessKeyId: 'ASIATWICE000000001' });
    // Minted by its own use: no self-loop.
    const self = event('AssumeRole', '2024-05-04T10:00:00Z', { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT_A}:assumed-role/Loop/l`, accessKeyId: 'ASIALOOP0000000001' }, { responseElements: { credentials: { accessKeyId: 'ASIALOOP0000000001' } } });
    // Masked keys (as in published samples) link nothing.
    const masked = event('AssumeRole', '2024-05-04T10:00:00Z', user, { responseElements: { credentials: { accessKeyId: 'ASIA****************' } } });
    const maskedUse = event('GetObject', '2024-05-04T11:00:00Z', { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT_A}:assumed-role/M/m`, accessKeyId: 'ASIA****************' });
    const broken = [
      event('AssumeRole', '2024-05-04T10:00:00Z', user, { responseElements: null }),
      event('AssumeRole', '2024-05-04T10:00:00Z', user, { responseElements: { credentials: 'nope', assumedRoleUser: [1, 2] } }),
      event('CreateAccessKey', '2024-05-04T10:00:00Z', user, { responseElements: { accessKey: { accessKeyId: { x: 1 } } } }),
      event('GetRoleCredentials', '2024-05-04T10:00:00Z', {}, { requestParameters: { roleName: 'x'.repeat(500_000) } }),
      event('AssumeRole', 'not a time', 'not an identity' as unknown as Rec, { responseElements: { credentials: { accessKeyId: 'ASIANOTIME00000001' } } }),
      event('AssumeRole', '2024-05-04T10:00:00Z', user, { responseElements: { assumedRoleUser: { arn: `arn:aws:sts::${ACCT_A}:assumed-role/${'R'.repeat(300_000)}/s` } } }),
    ];
    const store = storeOf(records, [last, twiceA, useA, twiceB, useB, self, masked, maskedUse, ...broken]);
    assert.equal(store.value(rowOf(store, last), 'origin'), 'root-of-it');
    const chain = chainOf(store, rowOf(store, last));
    assert.equal(chain.omitted, N - MAX_STEPS);
    assert.equal(chain.steps.length, MAX_STEPS + 2);
    assert.equal(chain.steps[0].label, 'root-of-it');
    assert.equal(chain.steps.at(-2)?.label, `AssumeRole Hop in ${ACCT_A}`);
    assert.equal(store.value(rowOf(store, useA), 'origin'), 'first');
    assert.equal(store.value(rowOf(store, useB), 'origin'), 'second');
    assert.equal(store.value(rowOf(store, self), 'origin'), `Loop/l${OUTSIDE}`);
    assert.deepEqual(labels(store, self), [`Loop/l${OUTSIDE}`, `Loop in ${ACCT_A}`, 'this event']);
    assert.equal(store.value(rowOf(store, maskedUse), 'origin'), `M/m${OUTSIDE}`);
    assert.equal(store.query('session:"ASIA****************"').count, 0, 'a masked key is no session');
    for (const b of broken) assert.ok(store.value(rowOf(store, b), 'origin').length <= 400);
  });

  it('links the real GetFederationToken in the shared data to the IAM user who called it', async function () {
    const file = path.join(DATA, 'stratus-red-team-detonation-logs/docs/detonation-logs/aws.persistence.sts-federation-token.json');
    if (!existsSync(file)) return this.skip();
    const store = new EventStore();
    await loadFiles([file, path.join(DATA, 'invictus-ir-aws-dataset')], store, { workers: 0 });
    const fed = store.query('principal:"stratus_red_team (federated)"');
    assert.ok(fed.count >= 1);
    const row = fed.order[0];
    assert.equal(store.value(row, 'origin'), 'stratus-red-team-user-federation-user');
    const chain = chainOf(store, row);
    assert.deepEqual(chain.steps.map((s) => s.label), ['stratus-red-team-user-federation-user', 'GetFederationToken stratus_red_team in 742491224508', 'this event']);
    assert.equal(store.value(chain.steps[1].row, 'action'), 'GetFederationToken');
    assert.equal(store.query('session:ASIASTJKC5GCM7ZE6LUP').count, fed.count + 1);
    assert.ok(store.query('origin:"AWSServiceRoleForAmazonInspector2 (AWS service)"').count > 0, 'a service-linked role’s origin is its service');
    assert.ok(store.query('origin:bert-jan userIdentity.type:AssumedRole').count > 0, 'role sessions Invictus’s user started');
  });
});
