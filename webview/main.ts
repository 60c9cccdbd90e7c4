/**
 * The events panel's webview (bundled by esbuild.mjs into dist/webview.js, an ES module).
 *
 * The page is `<ale-app></ale-app>` under a strict CSP (no inline script or style, no eval): all
 * styles are Lit constructable stylesheets or linked files, and event data is only ever rendered
 * through text bindings.
 */
// Page-level theming. esbuild emits it next to the bundle as dist/webview.css (inside the panel's
// localResourceRoots); the page links it.
import './styles.css';
// Before any component: their strings are looked up in the page's translations.
import './l10nSetup';
import { HostIpc } from './ipc';
import { AppState } from './state';
import { AeApp } from './components/ae-app';
import { markOnce } from './marks';

// Every module of the bundle is evaluated by now (esbuild.mjs marks the bundle's first line).
markOnce('ale:main');
const ipc = new HostIpc(acquireVsCodeApi());
const state = new AppState(ipc);
AeApp.defaultState = state;

// The page's root element; `ae-app` is the same component under its own name.
customElements.define('ale-app', class extends AeApp {});

window.addEventListener('pagehide', () => state.persist());
state.start();
