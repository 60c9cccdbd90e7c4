/**
 * Imported first by every entry point (extension, CLI), before any module builds a zod schema.
 *
 * zod 4 compiles object parsers with `new Function` unless told not to, and decides whether it may
 * by probing `navigator.userAgent` when the first object schema is built. In VS Code's extension
 * host `navigator` is a getter that logs "navigator is now a global in nodejs…" on every read, so
 * every activation logged it. `jitless` skips the probe (and the eval): parsing a message or an API
 * page stays fast enough without it.
 */
import { config } from 'zod';

config({ jitless: true });
