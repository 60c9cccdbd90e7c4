/** The provider list and what is derived from it: ids, the providers the descriptors create, the CLI's flags. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeCapabilities } from '../../src/providers/descriptor';
import { fetchUsage, flagsToAccount, providerFlags } from '../../src/providers/cliFlags';
import { createProviders, findDescriptor, PROVIDERS, providerIds, type BuiltInProviderId } from '../../src/providers/registry';

describe('provider registry: one descriptor per provider, everything else derived', () => {
  it('keeps the ids stored in global state since the first release (no rename, so no migration)', () => {
    const ids: BuiltInProviderId[] = ['cloudtrail', 'conformity', 'controlplane', 'exoscale', 'cloudflare'];
    assert.deepEqual(providerIds(PROVIDERS), ids);
  });

  it('creates each provider with the descriptor’s id and name, and refuses two providers with one id', () => {
    const lines: string[] = [];
    const entries = createProviders(PROVIDERS, { log: (l) => lines.push(l) });
    for (const d of PROVIDERS) {
      const e = entries.get(d.id);
      assert.equal(e?.descriptor, d);
      assert.equal(e?.provider.id, d.id);
      assert.equal(e?.provider.displayName, d.displayName);
    }
    assert.throws(() => createProviders([PROVIDERS[0], PROVIDERS[0]]), /two providers share the id 'cloudtrail'/);
    assert.equal(findDescriptor(PROVIDERS, 'exoscale')?.displayName, 'Exoscale');
    assert.equal(findDescriptor(PROVIDERS, 'nope'), undefined);
  });

  it('asks for what each API needs when adding an account, and says what it can do', () => {
    for (const d of PROVIDERS) {
      assert.ok(d.credentialKinds.length > 0, d.id);
      assert.ok(typeof d.account.secretPrompt === 'string' || d.account.secretPrompt.length > 0, d.id);
      assert.match(d.account.defaultEndpoint(d.account.regionPrompt?.items[0]), /^https:\/\//, d.id);
      assert.ok(d.cli.env.length > 0, d.id);
    }
    assert.equal(describeCapabilities(findDescriptor(PROVIDERS, 'cloudflare')!.capabilities), 'filters sent to the API · lists what the key can see · server-side counts · actions');
    assert.equal(describeCapabilities(findDescriptor(PROVIDERS, 'cloudtrail')!.capabilities), 'filters sent to the API · lists what the key can see · one or more regions');
  });

  it('says which accounts hold AWS credentials by a capability, so the host names no provider id', () => {
    assert.deepEqual(PROVIDERS.filter((d) => d.capabilities.awsCredentials === true).map((d) => d.id), ['cloudtrail']);
    // Trail buckets, Lake and Athena pick their accounts by that capability: no literal id in the host's code.
    const code = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const);
    for (const [file, text] of [...code('src/vscode'), ...code('src/session')]) {
      const lines = text.split('\n').filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l));
      for (const d of PROVIDERS) assert.ok(!lines.some((l) => l.includes(`'${d.id}'`)), `${file} names the provider id '${d.id}'`);
    }
  });

  it('turns each provider’s flags into its account and query parameters, refusing the others’ flags', () => {
    const flags = (pairs: Array<[string, string[]]>) => new Map(pairs);
    const aws = findDescriptor(PROVIDERS, 'cloudtrail')!;
    assert.deepEqual(flagsToAccount(aws, flags([['region', ['us-east-1', 'eu-west-1']], ['account', ['123456789012']]])), { region: 'us-east-1,eu-west-1', scope: '123456789012', params: {} });
    const conformity = findDescriptor(PROVIDERS, 'conformity')!;
    assert.deepEqual(flagsToAccount(conformity, flags([['account', ['a,b']], ['region', ['eu-west-1']]])), { region: 'eu-west-1', params: { accountIds: 'a,b' } });
    assert.equal(flagsToAccount(conformity, flags([['region', ['a', 'b']]])), '--region takes one value for conformity');
    const exoscale = findDescriptor(PROVIDERS, 'exoscale')!;
    assert.deepEqual(flagsToAccount(exoscale, flags([['zone', ['de-fra-1']], ['org', ['o']], ['region', []]])), { region: 'de-fra-1', scope: 'o', params: {} });
    assert.equal(flagsToAccount(exoscale, flags([['region', ['x']]])), 'fetch exoscale does not take --region (it takes --zone, --org)');
    const cloudflare = findDescriptor(PROVIDERS, 'cloudflare')!;
    assert.deepEqual(flagsToAccount(cloudflare, flags([['account', ['acc']], ['dataset', ['d1']]])), { scope: 'acc', params: { datasetId: 'd1' } });
    // One option per name across the list, repeatable when any provider repeats it.
    assert.deepEqual(providerFlags(PROVIDERS).map((f) => `${f.name}${f.multiple ? '…' : ''}`), ['region…', 'account', 'org', 'zone', 'dataset']);
    for (const line of fetchUsage(PROVIDERS).split('\n')) assert.ok(line.length <= 104, line);
  });
});
