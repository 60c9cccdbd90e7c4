/**
 * The `run()` entry @vscode/test-electron calls inside a desktop VS Code: runs the same mocha files
 * as the code-server launcher (test/integration/*.test.js), so the suite is host-agnostic.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

type MochaCtor = new (opts: { ui: string; timeout: number; color: boolean }) => {
  addFile(f: string): void;
  run(cb: (failures: number) => void): void;
};

export async function run(): Promise<void> {
  // The extension's context, for the SecretStorage test (development builds export it).
  const ext = vscode.extensions.getExtension<{ testContext?: vscode.ExtensionContext }>('audit-log-explorer.audit-log-explorer');
  const exportsApi = ext ? (ext.isActive ? ext.exports : await ext.activate()) : undefined;
  (globalThis as { auditLogsTest?: { context?: vscode.ExtensionContext } }).auditLogsTest = { context: exportsApi?.testContext };

  const mochaDir = path.dirname(require.resolve('mocha/package.json'));
  const cjs = path.join(mochaDir, 'lib', 'mocha.cjs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha's CommonJS build, resolved at run time
  const Mocha = require(fs.existsSync(cjs) ? cjs : mochaDir) as MochaCtor;
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: true });
  const dir = path.resolve(__dirname, '../integration');
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(dir, f));
  await new Promise<void>((resolve, reject) => mocha.run((failures) => (failures ? reject(new Error(`${failures} integration tests failed`)) : resolve())));
}
