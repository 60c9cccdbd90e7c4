// `npm start`: builds, makes the bundled sample logs with the project's own deterministic
// generator (first run only), and shows what the core reads out of them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(args) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 1) process.exit(r.status ?? 1);
  return r.status;
}

run(['esbuild.mjs']);
if (!existsSync('samples/AWSLogs')) run(['dist/generate-samples.js', '--out', 'samples']);

console.log('\n$ audit-log-explorer stats samples');
run(['dist/cli.js', 'stats', 'samples']);
console.log("\n$ audit-log-explorer query samples --filter 'eventName:Delete* OR errorCode:AccessDenied' --sort -time --limit 15 --format table");
run(['dist/cli.js', 'query', 'samples', '--filter', 'eventName:Delete* OR errorCode:AccessDenied', '--sort', '-time', '--limit', '15', '--format', 'table']);
console.log('\nTry your own: node dist/cli.js query <files or folders> --filter "…" --format table');
