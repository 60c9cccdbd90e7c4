// Trims AWS's Smithy JSON models (github.com/aws/api-models-aws) to the operations this project
// calls and every shape they reference, so contracts/smithy/ holds a small, reviewable, pinned copy
// that the fake AWS servers check the wire against (test/support/smithy/).
//
//   node scripts/contracts/trimSmithy.mjs <checkout of aws/api-models-aws> [--check]
//
// The output is deterministic (shape ids sorted, the model's own key order inside each shape), so
// running it again on the same commit rewrites identical files; --check compares instead of writing
// and exits 1 on any difference. Dropped: documentation, examples, endpoint rule sets and tests,
// smoke tests and waiters (prose and client-side machinery, not wire shapes); every other trait stays.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const HERE = import.meta.dirname;
const OUT = path.resolve(HERE, '../../contracts/smithy');

/** Each service: where its model sits in the checkout, and the operations our clients send. */
export const SERVICES = {
  cloudtrail: {
    model: 'models/cloudtrail/service/2013-11-01/cloudtrail-2013-11-01.json',
    // src/providers/awsCloudtrail (LookupEvents; Lake: StartQuery, DescribeQuery, GetQueryResults,
    // CancelQuery) and src/providers/s3Trail/list.ts (DescribeTrails).
    operations: ['CancelQuery', 'DescribeQuery', 'DescribeTrails', 'GetQueryResults', 'LookupEvents', 'StartQuery'],
  },
  athena: {
    model: 'models/athena/service/2017-05-18/athena-2017-05-18.json',
    // src/providers/athena/run.ts
    operations: ['GetQueryExecution', 'GetQueryResults', 'StartQueryExecution', 'StopQueryExecution'],
  },
  s3: {
    model: 'models/s3/service/2006-03-01/s3-2006-03-01.json',
    // src/providers/s3Trail/list.ts (ListObjectsV2, HeadBucket) and load.ts (GetObject).
    operations: ['GetObject', 'HeadBucket', 'ListObjectsV2'],
  },
};

const DROP_TRAITS = new Set([
  'smithy.api#documentation',
  'smithy.api#examples',
  'smithy.api#externalDocumentation',
  'smithy.rules#endpointRuleSet',
  'smithy.rules#endpointTests',
  'smithy.test#smokeTests',
  'smithy.waiters#waitable',
  'smithy.api#suppress',
]);

function cleanTraits(traits) {
  if (!traits) return traits;
  const out = {};
  for (const [k, v] of Object.entries(traits)) if (!DROP_TRAITS.has(k)) out[k] = v;
  return out;
}

function cleanShape(shape) {
  const out = {};
  for (const [k, v] of Object.entries(shape)) {
    if (k === 'traits') out.traits = cleanTraits(v);
    else if (k === 'members') out.members = Object.fromEntries(Object.entries(v).map(([name, m]) => [name, m.traits ? { ...m, traits: cleanTraits(m.traits) } : m]));
    else if ((k === 'member' || k === 'key' || k === 'value') && v && v.traits) out[k] = { ...v, traits: cleanTraits(v.traits) };
    else out[k] = v;
  }
  return out;
}

/** Every shape id a shape points at (prelude `smithy.api#` shapes are built in and not copied). */
function targetsOf(shape) {
  const ids = [];
  for (const ref of [shape.input, shape.output, shape.member, shape.key, shape.value]) if (ref) ids.push(ref.target);
  for (const e of shape.errors ?? []) ids.push(e.target);
  for (const m of Object.values(shape.members ?? {})) ids.push(m.target);
  return ids.filter((id) => !id.startsWith('smithy.api#'));
}

export function trim(model, operations) {
  const shapes = model.shapes;
  const [serviceId, service] = Object.entries(shapes).find(([, s]) => s.type === 'service') ?? [];
  if (!serviceId) throw new Error('no service shape in the model');
  const ns = serviceId.split('#')[0];
  const opIds = operations.map((op) => `${ns}#${op}`);
  for (const id of opIds) if (shapes[id]?.type !== 'operation') throw new Error(`${id} is not an operation of ${serviceId}`);
  const kept = { ...service, operations: opIds.map((target) => ({ target })) };
  delete kept.resources;
  const out = { [serviceId]: cleanShape(kept) };
  const todo = [...opIds, ...(service.errors ?? []).map((e) => e.target)];
  while (todo.length) {
    const id = todo.pop();
    if (out[id]) continue;
    const shape = shapes[id];
    if (!shape) throw new Error(`${id} is referenced but not in the model`);
    out[id] = cleanShape(shape);
    todo.push(...targetsOf(shape));
  }
  const sorted = Object.fromEntries(Object.keys(out).sort().map((id) => [id, out[id]]));
  return { smithy: model.smithy, metadata: { trimmedTo: operations }, shapes: sorted };
}

function main() {
  const [checkout, flag] = process.argv.slice(2);
  if (!checkout) {
    console.error('usage: node scripts/contracts/trimSmithy.mjs <checkout of aws/api-models-aws> [--check]');
    process.exit(2);
  }
  let differs = 0;
  for (const [name, svc] of Object.entries(SERVICES)) {
    const model = JSON.parse(readFileSync(path.join(checkout, svc.model), 'utf8'));
    const text = `${JSON.stringify(trim(model, svc.operations), null, 2)}\n`;
    const file = path.join(OUT, `${name}.json`);
    if (flag === '--check') {
      const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (old !== text) {
        differs++;
        console.error(`${file} differs from the trim of ${svc.model}`);
      }
    } else {
      writeFileSync(file, text);
      console.log(`${file}: ${Object.keys(JSON.parse(text).shapes).length} shapes, ${svc.operations.join(', ')}`);
    }
  }
  process.exit(differs ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
