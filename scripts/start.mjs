// `npm start`: builds, makes the bundled sample logs with the project's own deterministic
// generator (first run only), and shows what the core reads out of them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(args, capture = false) {
  const r = spawnSync(process.execPath, args, { stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  // Exit 1 means "read with problems": the edge-case samples have some on purpose.
  if (r.status !== 0 && r.status !== 1) process.exit(r.status ?? 1);
  return r.stdout;
}

function show(title, args) {
  console.log(`\n$ audit-log-explorer ${title}`);
  run(['dist/cli.js', ...args]);
}

run(['esbuild.mjs']);
if (!existsSync('samples/AWSLogs')) run(['dist/generate-samples.js', '--out', 'samples']);

console.log('\n$ audit-log-explorer stats samples   (summarised: the full output lists every skipped file)');
const stats = JSON.parse(run(['dist/cli.js', 'stats', 'samples'], true));
const reasons = {};
for (const s of stats.skipped) reasons[s.reason] = (reasons[s.reason] ?? 0) + 1;
console.log(JSON.stringify({ ...stats, skipped: reasons, errors: stats.errors.map((e) => `${e.path}${e.position ? `:${e.position.line}:${e.position.column}` : ''}: ${e.message}`) }, null, 2));

show("query samples/AWSLogs --filter 'sourceIp:203.0.113.250' --format table --limit 12", ['query', 'samples/AWSLogs', '--filter', 'sourceIp:203.0.113.250', '--format', 'table', '--limit', '12']);
show("query samples/AWSLogs --filter 'eventName:StopLogging OR eventName:DeleteTrail' --format table", ['query', 'samples/AWSLogs', '--filter', 'eventName:StopLogging OR eventName:DeleteTrail', '--format', 'table']);
show("query samples/AWSLogs --filter 'userAgent:*hostile-fixture*' --fields time,action,userAgent --format table", ['query', 'samples/AWSLogs', '--filter', 'userAgent:*hostile-fixture*', '--fields', 'time,action,userAgent', '--format', 'table']);
console.log('\nTry your own: node dist/cli.js query <files or folders> --filter "…" --format table   (node dist/cli.js --help)');
