// The Spin interfaces ghcr-stats uses, for the dev host: key-value and variables.
//
// Spin gives each app a `default` key-value store (SQLite under `spin up`, Redis on SpinKube)
// and variables from spin.toml, overridable by SPIN_VARIABLE_<NAME>. This module does the
// same in memory, optionally persisted to a JSON file, shared by every instance of the app
// so that what one request stores the next one reads.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

class SpinError extends Error {
  constructor(tag, val) {
    super(val === undefined ? tag : `${tag}: ${val}`);
    this.payload = val === undefined ? { tag } : { tag, val };
  }
}

export function createSpinHost({ variables = {}, kvFile = null } = {}) {
  const data = new Map();
  if (kvFile) {
    try {
      for (const [k, v] of Object.entries(JSON.parse(readFileSync(kvFile, 'utf8')))) {
        data.set(k, Buffer.from(v, 'base64'));
      }
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
  }
  let flushPending = false;
  const persist = () => {
    if (!kvFile || flushPending) return;
    flushPending = true;
    setImmediate(() => {
      flushPending = false;
      const obj = Object.fromEntries([...data].map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
      writeFileSync(`${kvFile}.tmp`, JSON.stringify(obj));
      renameSync(`${kvFile}.tmp`, kvFile); // atomic: a crash never leaves half a file
    });
  };

  class Store {
    static open(label) {
      if (label !== 'default') throw new SpinError('no-such-store');
      return new Store();
    }
    get(key) {
      const v = data.get(key);
      return v === undefined ? undefined : new Uint8Array(v);
    }
    set(key, value) {
      data.set(key, Uint8Array.from(value));
      persist();
    }
    delete(key) {
      data.delete(key);
      persist();
    }
    exists(key) {
      return data.has(key);
    }
    getKeys() {
      return [...data.keys()];
    }
  }

  const values = { ...variables };
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('SPIN_VARIABLE_')) values[name.slice(14).toLowerCase()] = value;
  }
  const get = (name) => {
    if (!(name in values)) throw new SpinError('undefined', `no variable named ${name}`);
    return values[name];
  };

  return {
    'fermyon:spin/key-value': { Store },
    'fermyon:spin/variables': { get },
    kv: data,
  };
}

// Every other interface the Spin SDK's world imports: present so the app instantiates,
// failing loudly if the app ever calls one (it does not).
const unsupported = (iface) => new Proxy({}, {
  get: (_, name) => {
    const fail = () => { throw new Error(`${iface}.${String(name)} is not provided by the dev host`); };
    return Object.assign(fail, { open: fail });
  },
});

export const UNSUPPORTED = [
  'fermyon:spin/llm', 'fermyon:spin/mqtt', 'fermyon:spin/mysql', 'fermyon:spin/postgres',
  'fermyon:spin/redis', 'fermyon:spin/sqlite', 'spin:postgres/postgres', 'spin:sqlite/sqlite',
  'wasi:config/store', 'wasi:keyvalue/atomics', 'wasi:keyvalue/batch', 'wasi:keyvalue/store',
];

export function unsupportedImports() {
  return Object.fromEntries(UNSUPPORTED.map((iface) => [iface, unsupported(iface)]));
}
