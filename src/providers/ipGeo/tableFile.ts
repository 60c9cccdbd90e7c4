/**
 * Reads the shipped IP table (data/geo/, copied to dist/geo/ by esbuild.mjs) from disk: the node
 * half of core/ipGeo, which stays free of node. Never the network.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { IpTable } from '../../core/ipGeo/table';

export const IP_TABLE_FILE = 'ip-table.bin.br';

/**
 * The folder holding the table and its licence files: dist/geo next to a bundle, or the
 * repository's data/geo when running the plain transpile in out/ (unit tests, the CLI from out/).
 */
export function ipTableDir(from: string = __dirname): string | undefined {
  let dir = from;
  for (let up = 0; up < 5; up++) {
    for (const sub of ['geo', path.join('data', 'geo')]) if (existsSync(path.join(dir, sub, IP_TABLE_FILE))) return path.join(dir, sub);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** Reads and decodes the table; throws when it is missing or damaged. */
export function readIpTable(dir: string | undefined = ipTableDir()): IpTable {
  if (!dir) throw new Error(`The IP table (${IP_TABLE_FILE}) is not installed next to the extension.`);
  return new IpTable(brotliDecompressSync(readFileSync(path.join(dir, IP_TABLE_FILE))));
}
