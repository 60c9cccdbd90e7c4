import assert from 'node:assert/strict';
import { z } from 'zod';
import { ApiError } from '../../src/core/errors';
import { decodeStoredCredentials, storedSecrets, type CredentialFormat } from '../../src/providers/storedCredentials';
import { decodeAwsCredentials, secretsOf } from '../../src/providers/awsCloudtrail/credentials';
import { decodeExoscaleCredentials } from '../../src/providers/exoscale/credentials';

const SECRET = 'pa55-w0rd-SECRET';

/** A made-up format: JSON {"user","pass"}, or `user/pass` pasted. */
const FORMAT: CredentialFormat<{ user: string; pass: string }> = {
  provider: 'Test',
  what: 'The test credentials',
  help: 'Give USER/PASS.',
  schema: z.object({ user: z.string({ error: 'the user is missing' }).min(1, 'the user is missing'), pass: z.string({ error: 'the password is missing' }).min(1, 'the password is missing') }),
  fromText: (t) => (t.includes('/') ? { user: t.slice(0, t.indexOf('/')), pass: t.slice(t.indexOf('/') + 1) } : undefined),
  unknownText: 'it is not USER/PASS',
  secrets: (c) => [c.pass],
};

function refusal(input: string): ApiError {
  try {
    decodeStoredCredentials(FORMAT, input);
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return e;
  }
  assert.fail(`accepted ${input}`);
}

describe('storedCredentials: one decoder for stored secrets, a zod schema per provider', () => {
  it('reads the JSON form and the pasted text form into the same value', () => {
    assert.deepEqual(decodeStoredCredentials(FORMAT, ` {"user":"bob","pass":"${SECRET}","extra":1} `), { user: 'bob', pass: SECRET });
    assert.deepEqual(decodeStoredCredentials(FORMAT, `bob/${SECRET}\n`), { user: 'bob', pass: SECRET });
  });

  it('refuses with an auth error naming what is wrong and the help, never echoing the input', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /nothing was given/],
      [`{"user":"bob","pass":"${SECRET}"`, /looks like JSON but does not parse/],
      [`{"pass":"${SECRET}"}`, /the user is missing/],
      [`bob/`, /the password is missing/],
      [SECRET, /it is not USER\/PASS/],
    ];
    for (const [input, why] of cases) {
      const e = refusal(input);
      assert.equal(e.kind, 'auth');
      assert.equal(e.provider, 'Test');
      assert.match(e.message, /^The test credentials are not usable: /);
      assert.match(e.message, why);
      assert.match(e.message, /Give USER\/PASS\.$/);
      assert.ok(!e.message.includes(SECRET), e.message);
    }
  });

  it('lists the whole string and its secret parts for redaction, or only the string when it does not decode', () => {
    assert.deepEqual(new Set(storedSecrets(FORMAT, ` bob/${SECRET} `)), new Set([` bob/${SECRET} `, `bob/${SECRET}`, SECRET]));
    assert.deepEqual(storedSecrets(FORMAT, 'garbage'), ['garbage']);
  });

  it('AWS and Exoscale decode through it: the first problem in field order is the one named', () => {
    assert.throws(() => decodeAwsCredentials('{"type":"keys","accessKeyId":"bad id"}'), /the secret access key is missing/);
    assert.throws(() => decodeAwsCredentials('{"type":"keys","accessKeyId":"bad id","secretAccessKey":"x"}'), /access key id should be 16 or more/);
    assert.throws(() => decodeAwsCredentials('{"type":"nope"}'), /"type" must be "profile", "default" or "keys"/);
    assert.deepEqual(decodeAwsCredentials('{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","secretAccessKey":"s3c","sessionToken":" "}'), {
      type: 'keys',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 's3c',
    });
    assert.ok(secretsOf('AKIAIOSFODNN7EXAMPLE:s3c:t0k').includes('t0k'));
    assert.throws(() => decodeExoscaleCredentials('{"key":"EXO 1"}'), /the API secret is missing/);
    assert.deepEqual(decodeExoscaleCredentials('{"api_key":"EXO1","api_secret":"s"}'), { key: 'EXO1', secret: 's' });
  });
});
