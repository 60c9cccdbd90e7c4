import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

interface Plan {
  refuse?: string;
  targets?: string[];
}
interface Release {
  manifest: Record<string, unknown> & { activationEvents: string[]; repository?: { url: string }; homepage?: string; bugs?: { url: string } };
  vsceArgs: string[];
  notes: string[];
}
type Env = Record<string, string | undefined>;
// scripts/release/manifest.cjs is plain CommonJS so that scripts/package.mjs and publish.mjs load it without a build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const release = require(path.join(root, 'scripts/release/manifest.cjs')) as {
  DEV_ONLY_ACTIVATION: string[];
  releaseManifest(pkg: unknown, env: Env): Release;
  publishPlan(env: Env): Plan;
};

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown> & {
  activationEvents: string[];
  icon: string;
  galleryBanner: { color: string; theme: string };
  categories: string[];
  keywords: string[];
  license: string;
};

/** Width and height from a PNG's IHDR chunk (throws when the bytes are not a PNG). */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  assert.equal(b.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is not a PNG`);
  assert.equal(b.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('release manifest (scripts/release/manifest.cjs)', () => {
  it('drops start-up activation from a release and keeps the restored panel’s event', () => {
    const { manifest } = release.releaseManifest(pkg, {});
    assert.ok(pkg.activationEvents.includes('onStartupFinished'), 'development builds still start at onStartupFinished');
    assert.deepEqual(manifest.activationEvents, pkg.activationEvents.filter((e) => e !== 'onStartupFinished'));
    assert.ok(manifest.activationEvents.includes('onWebviewPanel:auditLogs.events'));
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.deepEqual(pkg.activationEvents, JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).activationEvents, 'the input is not changed');
  });

  it('without REPOSITORY_URL: a local package, no repository field, links left alone', () => {
    const r = release.releaseManifest({ ...pkg, repository: 'https://example.invalid/x', homepage: 'h', bugs: 'b' }, { REPOSITORY_URL: '  ' });
    assert.equal(r.manifest.repository, undefined);
    assert.equal(r.manifest.homepage, undefined);
    assert.equal(r.manifest.bugs, undefined);
    assert.deepEqual(r.vsceArgs, ['--allow-missing-repository', '--no-rewrite-relative-links']);
  });

  it('with a GitHub REPOSITORY_URL: repository, homepage, bugs and the README base URLs', () => {
    const r = release.releaseManifest(pkg, { REPOSITORY_URL: 'https://github.com/owner/audit-log-explorer.git/', REPOSITORY_REF: 'v0.1.0' });
    assert.deepEqual(r.manifest.repository, { type: 'git', url: 'https://github.com/owner/audit-log-explorer' });
    assert.equal(r.manifest.homepage, 'https://github.com/owner/audit-log-explorer#readme');
    assert.deepEqual(r.manifest.bugs, { url: 'https://github.com/owner/audit-log-explorer/issues' });
    assert.deepEqual(r.vsceArgs, [
      '--baseContentUrl', 'https://github.com/owner/audit-log-explorer/blob/v0.1.0',
      '--baseImagesUrl', 'https://github.com/owner/audit-log-explorer/raw/v0.1.0',
    ]);
  });

  it('another host needs its content and image URLs; bad URLs are refused, never guessed', () => {
    assert.throws(() => release.releaseManifest(pkg, { REPOSITORY_URL: 'https://git.example.org/team/ale' }), /REPOSITORY_CONTENT_URL/);
    const r = release.releaseManifest(pkg, {
      REPOSITORY_URL: 'https://git.example.org/team/ale',
      REPOSITORY_CONTENT_URL: 'https://git.example.org/team/ale/src/main',
      REPOSITORY_IMAGES_URL: 'https://git.example.org/team/ale/raw/main',
    });
    assert.equal(r.manifest.bugs, undefined);
    assert.equal(r.vsceArgs[3], 'https://git.example.org/team/ale/raw/main');
    for (const bad of ['http://github.com/o/r', 'https://user:token@github.com/o/r', 'https://github.com/', 'github.com/o/r', 'https://github.com/o/r?x=1']) {
      assert.throws(() => release.releaseManifest(pkg, { REPOSITORY_URL: bad }), Error, bad);
    }
    assert.throws(() => release.releaseManifest(pkg, { REPOSITORY_URL: 'https://github.com/o/r', REPOSITORY_REF: 'main; rm -rf' }), /REPOSITORY_REF/);
  });
});

describe('npm run publish: when it may run (publishPlan)', () => {
  const repo = { REPOSITORY_URL: 'https://github.com/owner/audit-log-explorer' };
  it('refuses under CI whatever tokens are given', () => {
    const p = release.publishPlan({ ...repo, CI: 'true', VSCE_PAT: 'x', OVSX_PAT: 'y' });
    assert.match(p.refuse ?? '', /CI is set/);
    assert.equal(p.targets, undefined);
  });
  it('refuses without a repository URL or without any token', () => {
    assert.match(release.publishPlan({ VSCE_PAT: 'x' }).refuse ?? '', /REPOSITORY_URL/);
    assert.match(release.publishPlan({ ...repo }).refuse ?? '', /VSCE_PAT.*OVSX_PAT/);
    assert.match(release.publishPlan({ ...repo, VSCE_PAT: '', OVSX_PAT: '' }).refuse ?? '', /no token/);
  });
  it('publishes to each registry whose token the user supplied, and only those', () => {
    assert.deepEqual(release.publishPlan({ ...repo, VSCE_PAT: 'x' }).targets, ['marketplace']);
    assert.deepEqual(release.publishPlan({ ...repo, OVSX_PAT: 'y' }).targets, ['open-vsx']);
    assert.deepEqual(release.publishPlan({ ...repo, VSCE_PAT: 'x', OVSX_PAT: 'y' }).targets, ['marketplace', 'open-vsx']);
  });
});

describe('the Marketplace listing', () => {
  it('has a 128×128 PNG icon, a banner, known categories and at most 30 keywords', () => {
    assert.deepEqual(pngSize(path.join(root, pkg.icon)), { width: 128, height: 128 });
    assert.match(pkg.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(pkg.galleryBanner.theme));
    const known = ['Programming Languages', 'Snippets', 'Linters', 'Themes', 'Debuggers', 'Formatters', 'Keymaps', 'SCM Providers', 'Other', 'Extension Packs', 'Language Packs', 'Data Science', 'Machine Learning', 'Visualization', 'Notebooks', 'Education', 'Testing', 'AI', 'Chat'];
    for (const c of pkg.categories) assert.ok(known.includes(c), `category ${c}`);
    assert.ok(pkg.keywords.length <= 30, `${pkg.keywords.length} keywords`);
    assert.equal(new Set(pkg.keywords).size, pkg.keywords.length, 'no keyword twice');
    for (const k of ['cloudtrail', 'audit log', 'siem', 'security', 'aws', 'threat hunting']) assert.ok(pkg.keywords.includes(k), k);
  });

  it('ships the licence the manifest names and a changelog', () => {
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License/);
    assert.match(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), /^# Changelog[\s\S]*## 0\.1\.0/);
  });

  it('README: no markdown link to a command: URI; every image is a PNG in docs/images of at most 300 KB', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    assert.doesNotMatch(readme, /\]\(\s*command:/i);
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 5, `${images.length} images`);
    for (const src of images) {
      assert.match(src, /^docs\/images\/[\w.-]+\.png$/, src);
      const file = path.join(root, src);
      assert.ok(existsSync(file), `${src} exists`);
      pngSize(file);
      assert.ok(statSync(file).size <= 300 * 1024, `${src} is ${statSync(file).size} bytes`);
    }
  });
});
