// `npm run icon`: media/icon.png, the 128×128 Marketplace/Open VSX icon, rendered from the activity
// bar's media/audit-logs.svg by the same headless Chromium the e2e suites drive (playwright-core and
// the browser from scripts/vscode-test/setup.mjs). The SVG stays the activity bar icon (VS Code
// tints it); the listing needs a PNG with its own background, so the glyph is drawn white on a
// rounded square in the gallery banner's colour. The PNG is committed; run this after changing
// the SVG or the colours.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PATHS, REPO } from './vscode-test/lib.mjs';
import { closeBrowser, launchChromium, makeTempRoot } from './vscode-test/workbench.mjs';

const SIZE = 128;
const svg = readFileSync(join(REPO, 'media', 'audit-logs.svg'), 'utf8')
  .replace(/\swidth="24"/, ' width="88"')
  .replace(/\sheight="24"/, ' height="88"')
  .replace('stroke-width="1.5"', 'stroke-width="1.6"');
const { galleryBanner } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const html = `<!doctype html><html><head><style>
  html, body { margin: 0; background: transparent; }
  .tile { width: ${SIZE}px; height: ${SIZE}px; border-radius: 24px; display: grid; place-items: center; color: #ffffff;
          background: linear-gradient(145deg, #2f6fb3 0%, ${galleryBanner.color} 100%); }
</style></head><body><div class="tile">${svg}</div></body></html>`;

const out = join(REPO, 'media', 'icon.png');
const home = makeTempRoot('ale-icon-');
const browser = await launchChromium({ home });
try {
  const page = await (await browser.newContext({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 })).newPage();
  await page.setContent(html);
  await page.locator('.tile').screenshot({ path: out, omitBackground: true });
} finally {
  await closeBrowser(browser);
  rmSync(home, { recursive: true, force: true });
}
console.log(`${out}: ${SIZE}×${SIZE}, ${statSync(out).size} bytes (chromium ${PATHS.chromium})`);
