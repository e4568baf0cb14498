// The dev host: serves the built ghcr-stats components where the Spin CLI is not installed.
//
//   node host/serve.mjs --app build/app-js/app.js --parser build/parser-js/parser.js \
//        --variables build/variables.json [--listen 127.0.0.1:3000] [--kv-file F] [--reuse-instance]
//
// Both components come transpiled by jco (`jco transpile`; the app with --instantiation sync).
// Like Spin, each request gets a fresh instance of the app (core modules compiled once), with
// the parser component linked to its `ghcr-stats:html/parser` import and host/spin.mjs
// providing the Spin interfaces. `jco serve --isolate-requests` would do the first part, but
// jco 1.35 gives isolated instances only WASI imports, so the mapped ones go missing.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { HTTPServer } from '@bytecodealliance/preview2-shim/http';
import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';
import { createSpinHost, unsupportedImports } from './spin.mjs';

const { values: opts } = parseArgs({
  options: {
    app: { type: 'string' },
    parser: { type: 'string' },
    variables: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:3000' },
    'kv-file': { type: 'string' },
    'reuse-instance': { type: 'boolean', default: false },
  },
});
for (const required of ['app', 'parser', 'variables']) {
  if (!opts[required]) throw new Error(`--${required} is required`);
}

const appUrl = pathToFileURL(resolve(opts.app));
const { instantiate } = await import(appUrl);
const { parser } = await import(pathToFileURL(resolve(opts.parser)));
const spin = createSpinHost({
  variables: JSON.parse(readFileSync(opts.variables, 'utf8')),
  kvFile: opts['kv-file'] ?? null,
});

const modules = new Map();
const getCoreModule = (path) => {
  if (!modules.has(path)) modules.set(path, new WebAssembly.Module(readFileSync(new URL(path, appUrl))));
  return modules.get(path);
};
const newInstance = () => instantiate(getCoreModule, {
  ...new WASIShim().getImportObject(),
  ...unsupportedImports(),
  'fermyon:spin/key-value': spin['fermyon:spin/key-value'],
  'fermyon:spin/variables': spin['fermyon:spin/variables'],
  'ghcr-stats:html/parser': parser,
});

// Instantiating the app costs ~170 ms of jco glue, so the next request's instance is made
// ahead, once the current request has been handed over (Spin pre-instantiates likewise).
let shared = opts['reuse-instance'] ? newInstance() : null;
let spare = shared ? null : newInstance();
let refilling = false;
const refill = () => {
  if (refilling || spare) return;
  refilling = true;
  setImmediate(() => {
    spare = newInstance();
    refilling = false;
  });
};
const server = new HTTPServer({
  handle(request, responseOut) {
    let instance = shared;
    if (!instance) {
      instance = spare ?? newInstance();
      spare = null;
      refill();
    }
    return instance.incomingHandler.handle(request, responseOut);
  },
});
// A trap ends its request, not the server (as in Spin): jco rethrows it outside any handler.
process.on('uncaughtException', (error) => {
  console.error('request failed:', error);
  if (shared) shared = newInstance(); // a trapped instance cannot be used again
});

const [host, port] = opts.listen.split(/:(?=\d+$)/);
server.listen(Number(port), host);
console.error(`ghcr-stats dev host listening on http://${host}:${port} ` +
  `(${shared ? 'one instance reused' : 'a fresh instance per request'})`);
