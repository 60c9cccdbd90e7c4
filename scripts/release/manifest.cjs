// What a release ships differs from the committed package.json in two ways, decided here so that
// test/unit/releaseManifest.test.ts can check them without packaging anything:
//
// - Activation. The committed manifest starts at onStartupFinished because development builds have
//   work at start-up (npm start opens $AUDIT_LOGS_OPEN, the integration suite starts in the host).
//   A release build has none: VS Code (1.74+) activates it for its views, its commands and a
//   restored panel (onWebviewPanel), so a window where it is never used never loads it.
// - Repository, homepage, bugs. There is no public repository yet, so the committed manifest names
//   none rather than a guess; REPOSITORY_URL (https) supplies them at packaging time, and the
//   README's relative images and links are rewritten against it (vsce's --baseContentUrl and
//   --baseImagesUrl). Without it the package is a local one: no repository field, links left as
//   they are (the images live in docs/, which the .vsix does not carry).
//
// publishPlan decides whether `npm run publish` may run at all: never under CI, never without a
// repository URL (the Marketplace page would have broken images), only for the registries whose
// token the user supplied.
'use strict';

/** Activation events only development builds need (see above). */
const DEV_ONLY_ACTIVATION = ['onStartupFinished'];

/** The repository named by env.REPOSITORY_URL, with the URLs derived from it; undefined when unset. */
function repositoryFrom(env) {
  const raw = (env.REPOSITORY_URL ?? '').trim();
  if (!raw) return undefined;
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`REPOSITORY_URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:') throw new Error(`REPOSITORY_URL must be an https:// URL (the Marketplace loads the README's images from it), not ${url.protocol}`);
  if (url.username || url.password || url.search || url.hash) throw new Error('REPOSITORY_URL must be a plain repository URL: no credentials, query or fragment');
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\.git$/, '')}`;
  if (base === url.origin) throw new Error('REPOSITORY_URL names a host, not a repository');
  const ref = (env.REPOSITORY_REF ?? '').trim() || 'HEAD';
  if (!/^[\w.\-/]+$/.test(ref)) throw new Error(`REPOSITORY_REF is not a branch, tag or commit: ${JSON.stringify(ref)}`);
  const host = url.hostname.toLowerCase();
  const gitlab = host === 'gitlab.com';
  const github = host === 'github.com';
  const content = (env.REPOSITORY_CONTENT_URL ?? '').trim() || (github ? `${base}/blob/${ref}` : gitlab ? `${base}/-/blob/${ref}` : '');
  const images = (env.REPOSITORY_IMAGES_URL ?? '').trim() || (github ? `${base}/raw/${ref}` : gitlab ? `${base}/-/raw/${ref}` : '');
  if (!content || !images) {
    throw new Error(`REPOSITORY_URL is on ${host}: set REPOSITORY_CONTENT_URL and REPOSITORY_IMAGES_URL to where its files and raw images are served`);
  }
  for (const [name, u] of [['REPOSITORY_CONTENT_URL', content], ['REPOSITORY_IMAGES_URL', images]]) {
    if (!/^https:\/\/[^\s]+$/.test(u)) throw new Error(`${name} must be an https:// URL: ${JSON.stringify(u)}`);
  }
  const bugs = (env.BUGS_URL ?? '').trim() || (github ? `${base}/issues` : gitlab ? `${base}/-/issues` : undefined);
  return { url: base, homepage: `${base}#readme`, bugs, content, images };
}

/**
 * The manifest to package and the vsce arguments that go with it.
 * Returns { manifest, vsceArgs, notes } and never changes `pkg`.
 */
function releaseManifest(pkg, env) {
  const manifest = JSON.parse(JSON.stringify(pkg));
  manifest.activationEvents = (manifest.activationEvents ?? []).filter((e) => !DEV_ONLY_ACTIVATION.includes(e));
  const repo = repositoryFrom(env);
  if (!repo) {
    delete manifest.repository;
    delete manifest.homepage;
    delete manifest.bugs;
    return {
      manifest,
      vsceArgs: ['--allow-missing-repository', '--no-rewrite-relative-links'],
      notes: ['no REPOSITORY_URL: a local package, without a repository link; the README\'s images (docs/images/, not in the .vsix) show only where the repository is browsed'],
    };
  }
  manifest.repository = { type: 'git', url: repo.url };
  manifest.homepage = repo.homepage;
  if (repo.bugs) manifest.bugs = { url: repo.bugs };
  return {
    manifest,
    vsceArgs: ['--baseContentUrl', repo.content, '--baseImagesUrl', repo.images],
    notes: [`repository ${repo.url}; README links against ${repo.content}, images against ${repo.images}`],
  };
}

/** Whether `npm run publish` may run, and to which registries: { refuse } or { targets }. */
function publishPlan(env) {
  if ((env.CI ?? '') !== '') return { refuse: 'CI is set: publishing runs only by hand, with tokens you supply, never in CI' };
  if (!(env.REPOSITORY_URL ?? '').trim()) return { refuse: 'REPOSITORY_URL is not set: the Marketplace page would link nowhere and its README images would be broken' };
  const targets = [];
  if ((env.VSCE_PAT ?? '') !== '') targets.push('marketplace');
  if ((env.OVSX_PAT ?? '') !== '') targets.push('open-vsx');
  if (targets.length === 0) return { refuse: 'no token: set VSCE_PAT (Visual Studio Marketplace) and/or OVSX_PAT (Open VSX)' };
  return { targets };
}

module.exports = { DEV_ONLY_ACTIVATION, releaseManifest, publishPlan, repositoryFrom };
