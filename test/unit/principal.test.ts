/**
 * principal (src/core/principal.ts): one short label per identity type, for every source, computed
 * per distinct identity, on hand-made records and the shared real data.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_LABEL, principalOf, type IdentityInput } from '../../src/core/principal';
import { EventStore } from '../../src/core/store';
import { loadFiles } from '../../src/providers/logFiles/files';
import { readLogBuffer } from '../../src/providers/logFiles/fileReader';
import { event, recordsFile } from '../support/chains';

const DATA = path.resolve(__dirname, '../../../../shared/data/cloudtrail');

const blank: IdentityInput = { type: '', arn: '', userName: '', issuerUserName: '', accountId: '', actor: '', service: '' };
const p = (i: Partial<IdentityInput>): string => principalOf({ ...blank, ...i });

describe('principal', () => {
  it('labels every CloudTrail identity type by its own rule', () => {
    assert.equal(p({ type: 'IAMUser', arn: 'arn:aws:iam::1:user/ops/alice', userName: 'alice' }), 'alice');
    assert.equal(p({ type: 'IAMUser', arn: 'arn:aws:iam::1:user/ops/bob' }), 'bob', 'from the ARN without a user name');
    assert.equal(p({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/Deployer/ci-run-7', issuerUserName: 'Deployer' }), 'Deployer/ci-run-7');
    assert.equal(p({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/AWSReservedSSO_AdministratorAccess_1b74cd717d47002b/alice@corp' }), 'alice@corp (SSO)');
    assert.equal(p({ type: 'AssumedRole', issuerUserName: 'Deployer' }), 'Deployer', 'without an ARN, the issuing role');
    assert.equal(p({ type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' }), 'root (111122223333)');
    assert.equal(p({ type: 'Root', arn: 'arn:aws:iam::111122223333:root' }), 'root (111122223333)');
    assert.equal(p({ type: 'AWSService', actor: 'cloudtrail.amazonaws.com' }), 'cloudtrail.amazonaws.com');
    assert.equal(p({ type: 'AWSAccount', accountId: '444455556666', actor: 'AIDAEXAMPLE' }), 'account 444455556666');
    assert.equal(p({ type: 'FederatedUser', arn: 'arn:aws:sts::1:federated-user/stratus_red_team', issuerUserName: 'fed-user' }), 'stratus_red_team (federated)');
    assert.equal(p({ type: 'SAMLUser', userName: 'alice@corp.example' }), 'alice@corp.example (SAML)');
    assert.equal(p({ type: 'WebIdentityUser', userName: 'accounts.google.com:1234' }), 'accounts.google.com:1234 (web identity)');
    assert.equal(p({ type: 'IdentityCenterUser', userName: 'alice@corp' }), 'alice@corp (SSO)');
    assert.equal(p({ type: 'IdentityCenterUser', actor: '906744a1-0000-4000-8000-000000000000' }), '906744a1-0000-4000-8000-000000000000 (SSO)');
    assert.equal(p({ type: 'Unknown', userName: 'alice@corp', service: 'sso.amazonaws.com' }), 'alice@corp (SSO)', 'Identity Center calls its users Unknown');
    assert.equal(p({ type: 'Unknown', arn: 'arn:aws:sts::1:assumed-role/AWSReservedSSO_X_1b74cd717d47002b/AdanAlvarez' }), 'AdanAlvarez (SSO)');
    assert.equal(p({ type: 'Unknown', userName: 'someone', service: 's3.amazonaws.com' }), 'someone (unknown type)');
    assert.equal(p({ type: 'Unknown' }), 'unknown');
    assert.equal(p({ type: 'Directory', userName: 'x' }), 'x (Directory)', 'a type AWS adds later still says what it is');
  });

  it('maps the other sources’ actor fields', () => {
    assert.equal(p({ actor: 'alice@example.com' }), 'alice@example.com', 'Exoscale, Control Plane: an email');
    assert.equal(p({ actor: 'arn:aws:iam::123456789012:user/conformity-admin' }), 'conformity-admin', 'Conformity: an ARN, cut to its name');
    assert.equal(p({ actor: 'arn:aws:sts::123456789012:assumed-role/Ops/jo' }), 'Ops/jo');
    assert.equal(p({ actor: 'arn:aws:iam::123456789012:root' }), 'root (123456789012)');
    assert.equal(p({ actor: 'evil-domain.example' }), 'evil-domain.example', 'Cloudflare: the attacker');
    assert.equal(p({}), '');
  });

  it('cuts hostile lengths and keeps markup as text', () => {
    const long = p({ type: 'IAMUser', userName: 'a'.repeat(1_000_000) });
    assert.equal(long.length, MAX_LABEL);
    assert.equal(p({ type: 'IAMUser', userName: '<img src=x onerror=alert(1)>' }), '<img src=x onerror=alert(1)>');
    assert.equal(p({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/' }), 'assumed role');
    assert.equal(p({ type: 'IAMUser', arn: 'arn:' }), 'IAM user');
  });

  it('is a field of the store: filtered, computed once per distinct identity', () => {
    const users = ['alice', 'bob', 'carol'];
    const records = [];
    for (let i = 0; i < 3000; i++) {
      const u = users[i % 3];
      records.push(event('GetObject', '2024-05-01T10:00:00Z', { type: 'IAMUser', arn: `arn:aws:iam::1:user/${u}`, userName: u, accountId: '111122223333' }));
    }
    records.push(event('ConsoleLogin', '2024-05-01T10:00:00Z', { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' }));
    const r = readLogBuffer('a.json', Buffer.from(recordsFile(records)), 'test');
    assert.ok(r.batch);
    const store = new EventStore();
    store.appendBatch(r.batch);
    assert.equal(store.query('principal:alice').count, 1000);
    assert.equal(store.query('principal:"root (111122223333)"').count, 1);
    const col = store.resolveColumn('principal');
    assert.notEqual(col, 'time');
    if (col !== 'time') assert.equal(col.dict.size, 5, 'the empty value and four labels');
    assert.equal(store.value(0, 'actor'), 'arn:aws:iam::1:user/alice', 'actor keeps the full ARN');
  });

  it('labels the shared real data (SSO roles, federated users, root, services)', async function () {
    if (!existsSync(DATA)) return this.skip();
    const store = new EventStore();
    await loadFiles(
      [path.join(DATA, 'traildiscover/events/Marketplace/AcceptAgreementRequest.json.cloudtrail'), path.join(DATA, 'stratus-red-team-detonation-logs/docs/detonation-logs/aws.persistence.sts-federation-token.json'), path.join(DATA, 'invictus-ir-aws-dataset')],
      store,
      { workers: 0 },
    );
    assert.equal(store.query('principal:"AdanAlvarez (SSO)"').count, 1, 'an SSO role of type Unknown');
    assert.ok(store.query('principal:"stratus_red_team (federated)"').count >= 1);
    assert.ok(store.query('principal:stratus-red-team-user-federation-user').count >= 1);
    const col = store.resolveColumn('principal');
    if (col === 'time') throw new Error('unreachable');
    for (let row = 0; row < store.size; row++) {
      const type = store.value(row, 'userIdentity.type');
      if (type) assert.notEqual(col.dict.values[col.ids[row]], '', `row ${row} (${type}) has a principal`);
    }
  });
});
