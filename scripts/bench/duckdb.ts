/**
 * The anchor: DuckDB's `read_json` one-shot filter over the same gzipped files, counting what our
 * `query --format count` counts (and every event, to check both read the same data). DuckDB is a
 * dev dependency of the bench only: never bundled (esbuild marks it external) and never shipped.
 */
import { listLogFiles } from './generate';
import { cpuMsSince, type Result } from './phases';

/** What DuckDB is asked; its filter is OUR_FILTER (eventName:Delete* region:us-east-1). */
export function duckdbSql(files: readonly string[]): string {
  const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(',');
  // Only the two fields the filter needs are typed (yyjson still parses each record whole);
  // inferring a struct over every CloudTrail shape would measure schema inference, not reading.
  return (
    `SELECT count(*) AS events, ` +
    `count(*) FILTER (WHERE starts_with(r.eventName, 'Delete') AND r.awsRegion = 'us-east-1') AS matches ` +
    `FROM (SELECT unnest(Records) AS r FROM read_json([${list}], ` +
    `columns = {Records: 'STRUCT(eventName VARCHAR, awsRegion VARCHAR)[]'}, format = 'auto'))`
  );
}

interface DuckDbApi {
  DuckDBInstance: {
    create(path: string): Promise<{
      connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRowObjects(): Array<Record<string, unknown>> }>; closeSync?(): void }>;
    }>;
  };
  version?: () => string;
}

function loadDuckDb(): DuckDbApi {
  try {
    // A plain require, resolved at run time: the native addon is not bundled.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@duckdb/node-api') as DuckDbApi;
  } catch (e) {
    throw new Error(`@duckdb/node-api is not installed (npm ci installs it as a dev dependency): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** In-process time: instance, connection and query; the parent also times the whole process. */
export async function duckdbPhase(logsDir: string): Promise<Result> {
  const files = listLogFiles(logsDir);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const duckdb = loadDuckDb();
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll(duckdbSql(files))).getRowObjects();
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu0);
  const threads = (await connection.runAndReadAll(`SELECT current_setting('threads') AS t, version() AS v`)).getRowObjects()[0];
  return {
    name: 'duckdb',
    ms: Math.round(ms),
    cpuMs,
    events: Number(rows[0]?.events),
    matches: Number(rows[0]?.matches),
    files: files.length,
    threads: Number(threads?.t),
    duckdb: String(threads?.v),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
