/**
 * principal, origin and session are computed from the loaded events: no live provider may send them
 * to its API or SQL as if they were fields of the records; they stay in the local filter.
 */
import assert from 'node:assert/strict';
import { filterToSql } from '../../src/providers/athena/translate';
import { pushDown as lookupPushDown } from '../../src/providers/awsCloudtrail/pushdown';
import { pushDownText as cloudflarePushDown } from '../../src/providers/cloudflare/pushdown';
import { pushDownText as conformityPushDown } from '../../src/providers/conformity/pushdown';
import { pushDown as cplnPushDown } from '../../src/providers/controlplane/pushdown';
import { pushDown as exoPushDown } from '../../src/providers/exoscale/pushdown';

const NOW = Date.UTC(2024, 4, 1);
const TERMS = ['principal:alice', 'origin:"alice@corp (SSO)"', 'session:ASIAORGADMIN00000001', 'PRINCIPAL:alice*'];

describe('derived fields stay local in every live provider', () => {
  for (const term of TERMS) {
    it(`keeps ${term} local`, () => {
      const lookup = lookupPushDown(`${term} action:AssumeRole`, {}, NOW);
      assert.deepEqual(lookup.attribute, { AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }, 'the other term still goes');
      assert.match(lookup.localFilter, /principal|origin|session/i);
      const alone = lookupPushDown(term, {}, NOW);
      assert.equal(alone.attribute, undefined);

      const sql = filterToSql(`${term} action:AssumeRole`, { table: 'audit.cloudtrail_logs', limit: 500, now: NOW });
      assert.doesNotMatch(sql.sql, /principal|origin|"session|session\b/i, sql.sql);
      assert.match(sql.localFilter, /principal|origin|session/i);
      assert.ok(sql.untranslated.some((u) => /computed from the loaded events/.test(JSON.stringify(u))), JSON.stringify(sql.untranslated));

      for (const p of [conformityPushDown(term, {}, NOW), cloudflarePushDown(term, { now: NOW }), cplnPushDown(term, {}, NOW), exoPushDown(term, {}, NOW)]) {
        assert.match(p.localFilter, /principal|origin|session/i);
        assert.doesNotMatch(p.sentToApi.join(' '), /alice|ASIA/i);
      }
    });
  }

  it('still sends the access key path itself', () => {
    const sql = filterToSql('raw.userIdentity.accessKeyId:ASIAORGADMIN00000001', { table: 'audit.cloudtrail_logs', limit: 500, now: NOW });
    assert.match(sql.sql, /accesskeyid/);
    assert.equal(lookupPushDown('userIdentity.accessKeyId:ASIAORGADMIN00000001', {}, NOW).attribute?.AttributeKey, 'AccessKeyId');
  });
});
