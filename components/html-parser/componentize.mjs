// Core wasm module + WIT world -> component.
// Usage: node componentize.mjs <core.wasm> <wit-dir> <world> <out.wasm>
// Uses `wasm-tools component embed` + `component new` where wasm-tools is installed, else
// the same functions from jco's JS API (the module imports nothing, so no WASI adapter).
import { execFileSync } from 'node:child_process';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const [core, witDir, world, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node componentize.mjs <core.wasm> <wit-dir> <world> <out.wasm>');
  process.exit(2);
}

function hasWasmTools() {
  try {
    execFileSync('wasm-tools', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (hasWasmTools()) {
  const embedded = `${out}.embedded.wasm`;
  execFileSync('wasm-tools', ['component', 'embed', witDir, '--world', world, core, '-o', embedded], { stdio: 'inherit' });
  execFileSync('wasm-tools', ['component', 'new', embedded, '-o', out], { stdio: 'inherit' });
  execFileSync('rm', ['-f', embedded]);
} else {
  const { componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  // The WIT files as one source (jco's witPath needs a preopened directory it lacks here).
  const files = (await readdir(witDir)).filter((f) => f.endsWith('.wit')).sort();
  const witSource = (await Promise.all(files.map((f) => readFile(join(witDir, f), 'utf8')))).join('\n');
  const binary = new Uint8Array(await readFile(core));
  const embedded = await componentEmbed({ binary, witSource, world });
  await writeFile(out, await componentNew(embedded, []));
}
