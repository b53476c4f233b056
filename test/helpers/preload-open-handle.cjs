/* global process, require, setInterval */
// Preloaded with `node --require` in a spawned pinbot. An interval keeps the event loop busy, as a
// server or socket left open would. With FAKE_NATIVE_MISMATCH=1, better-sqlite3's addon also fails
// to load exactly as one built for another Node.js does (Node's own ERR_DLOPEN_FAILED text); with
// FAKE_NATIVE_FAILURE=<text>, it fails with that text, as an unexpected error would.
'use strict';

// NODE_OPTIONS reaches worker threads too; only the main thread is pinbot's process.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload, run before any loader
const { isMainThread } = require('node:worker_threads');

if (isMainThread) setInterval(() => undefined, 60_000);

if (isMainThread && process.env.FAKE_NATIVE_MISMATCH === '1') {
  const realDlopen = process.dlopen;
  process.dlopen = function dlopen(module, filename, ...rest) {
    if (String(filename).endsWith('better_sqlite3.node')) {
      const error = new Error(
        `The module '${filename}'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 137. This version of Node.js requires\n`
          + `NODE_MODULE_VERSION ${process.versions.modules}. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`,
      );
      error.code = 'ERR_DLOPEN_FAILED';
      throw error;
    }
    return realDlopen.call(this, module, filename, ...rest);
  };
}

if (isMainThread && process.env.FAKE_NATIVE_FAILURE !== undefined) {
  const realDlopen = process.dlopen;
  process.dlopen = function dlopen(module, filename, ...rest) {
    if (String(filename).endsWith('better_sqlite3.node')) throw new Error(process.env.FAKE_NATIVE_FAILURE);
    return realDlopen.call(this, module, filename, ...rest);
  };
}
