// Trims a vendor's OpenAPI document down to the operations this project calls, plus every component
// they reference (transitively), so the pinned copy under contracts/openapi/<vendor>/ stays small and
// reviewable. Deterministic: the same input gives byte-identical output (keys keep the source order,
// components are sorted by name, two-space JSON, trailing newline).
//
//   node scripts/contracts/extract-openapi.mjs <vendor>  --in <vendor's openapi.json|yaml>
//
// The vendor's entry in scripts/contracts/specs.json names the operations and the output file; the
// input is the file named there (repository, path, commit), fetched by whoever refreshes the copy.
// Nothing is downloaded here: the tests read only the committed copy.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function usage(msg) {
  console.error(`${msg}\nusage: node scripts/contracts/extract-openapi.mjs <vendor> --in <openapi.json|yaml>`);
  process.exit(2);
}

const [vendor, flag, input] = process.argv.slice(2);
if (!vendor || flag !== '--in' || !input) usage('missing arguments');
const specs = JSON.parse(readFileSync(join(HERE, 'specs.json'), 'utf8'));
const entry = specs[vendor];
if (!entry) usage(`unknown vendor "${vendor}" (known: ${Object.keys(specs).join(', ')})`);

const text = readFileSync(input, 'utf8');
const doc = /\.ya?ml$/i.test(input) ? parseYaml(text) : JSON.parse(text);

/** Every `#/components/...` pointer under `node`. */
function refsIn(node, out) {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        if (!v.startsWith('#/components/')) throw new Error(`unsupported $ref ${v} (only local #/components/ refs)`);
        out.add(v);
      } else refsIn(v, out);
    }
  }
  return out;
}

function resolvePointer(ptr) {
  let node = doc;
  for (const raw of ptr.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(key in node)) throw new Error(`dangling $ref ${ptr}`);
    node = node[key];
  }
  return node;
}

const paths = {};
for (const op of entry.operations) {
  const [method, path] = op.split(' ');
  const m = method.toLowerCase();
  if (!METHODS.includes(m)) throw new Error(`bad method in "${op}"`);
  const item = doc.paths?.[path];
  if (!item?.[m]) throw new Error(`the source has no operation ${op}`);
  paths[path] ??= Object.fromEntries(Object.entries(item).filter(([k]) => !METHODS.includes(k)));
  paths[path][m] = item[m];
}

// Close over the references: each component pulled in may name further ones.
const wanted = new Set();
const queue = [...refsIn(paths, new Set())];
if (doc.security) refsIn(doc.security, new Set()).forEach((r) => queue.push(r));
while (queue.length) {
  const ref = queue.pop();
  if (wanted.has(ref)) continue;
  wanted.add(ref);
  for (const r of refsIn(resolvePointer(ref), new Set())) if (!wanted.has(r)) queue.push(r);
}
// Security schemes are named, not referenced: keep the ones the kept operations (or the document) require.
const schemes = new Set();
for (const req of [...(doc.security ?? []), ...Object.values(paths).flatMap((item) => METHODS.flatMap((m) => item[m]?.security ?? []))]) {
  Object.keys(req).forEach((k) => schemes.add(k));
}

const components = {};
for (const ref of [...wanted].sort()) {
  const [, , section, ...rest] = ref.split('/');
  const name = rest.join('/').replace(/~1/g, '/').replace(/~0/g, '~');
  (components[section] ??= {})[name] = resolvePointer(ref);
}
for (const s of [...schemes].sort()) {
  const def = doc.components?.securitySchemes?.[s];
  if (def) (components.securitySchemes ??= {})[s] = def;
}
for (const section of Object.keys(components)) {
  components[section] = Object.fromEntries(Object.entries(components[section]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const out = {
  openapi: doc.openapi,
  info: { ...doc.info, 'x-trimmed': `Only the operations ${entry.operations.join(', ')} and the components they reference; see SOURCE.md.` },
  ...(doc.servers ? { servers: doc.servers } : {}),
  ...(doc.security ? { security: doc.security } : {}),
  paths,
  components: Object.fromEntries(Object.entries(components).sort(([a], [b]) => (a < b ? -1 : 1))),
};
const target = join(ROOT, entry.output);
writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
console.log(`${vendor}: ${entry.operations.length} operation(s), ${wanted.size} component(s) -> ${entry.output}`);
