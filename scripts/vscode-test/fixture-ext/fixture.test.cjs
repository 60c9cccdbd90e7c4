// Mocha suite the harness runs inside the code-server extension host for the fixture extension.
// It is loaded from the repository (outside the installed extension), as a real suite would be.
/* global describe, it, setTimeout, clearTimeout, Buffer */
const assert = require('node:assert/strict');
const vscode = require('vscode');

const { context } = globalThis.auditLogsTest;

describe('code-server extension host (fixture)', () => {
  it('reaches the host with the launcher environment', () => {
    assert.ok(process.env.AUDIT_LOGS_TEST_RUN, 'AUDIT_LOGS_TEST_RUN not set in the host');
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    assert.equal(vscode.extensions.getExtension('ale-test.ale-harness-fixture')?.isActive, true);
  });

  it('runs its own command through executeCommand', async () => {
    const r = await vscode.commands.executeCommand('aleFixture.ping', 42);
    assert.equal(r.pong, true);
    assert.equal(r.arg, 42);
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('aleFixture.ping'));
  });

  it('sees the workspace folder the launcher opened', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, `workspaceFolders: ${JSON.stringify(folders.map((f) => f.uri.toString()))}`);
    const marker = vscode.Uri.joinPath(folders[0].uri, 'harness-marker.txt');
    const text = Buffer.from(await vscode.workspace.fs.readFile(marker)).toString('utf8');
    assert.equal(text.trim(), 'audit-log-explorer harness');
  });

  it('round-trips SecretStorage', async () => {
    const key = 'ale-harness-secret';
    const value = `s3cr3t-${Date.now()}`;
    await context.secrets.store(key, value);
    assert.equal(await context.secrets.get(key), value);
    await context.secrets.delete(key);
    assert.equal(await context.secrets.get(key), undefined);
  });

  it('renders a webview that runs script and posts back', async () => {
    const panel = vscode.window.createWebviewPanel('aleFixture.panel', 'ALE harness webview', vscode.ViewColumn.One, {
      enableScripts: true,
    });
    const got = new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no message from the webview within 60 s')), 60_000);
      panel.webview.onDidReceiveMessage((m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
    panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';">
</head><body style="font-family: sans-serif"><h1>ALE harness webview</h1><p id="p">waiting…</p>
<script>
  const vscode = acquireVsCodeApi();
  document.getElementById('p').textContent = 'script ran: ' + navigator.userAgent;
  vscode.postMessage({ ready: true, ua: navigator.userAgent });
</script></body></html>`;
    const m = await got;
    assert.equal(m.ready, true);
    assert.match(m.ua, /Chrome\//);
    // The panel stays open so the launcher's screenshot shows it.
  });
});
