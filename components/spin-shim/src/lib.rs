//! `fermyon:spin/key-value@2.0.0` and `fermyon:spin/variables@2.0.0` for hosts without Spin,
//! over WASI 0.2. Nothing to initialise, so an instance costs next to nothing (it is made
//! again for every request, beside the app's).
//!
//! * The store `default` is the preopened directory `/kv/default` (any label `L` would be
//!   `/kv/L`; a label with no such directory is `no-such-store`, as in Spin). A key is one
//!   file, its name the key with every byte but `A-Z a-z 0-9 - _` written `%XX`; so no key's
//!   file starts with a dot. `set` writes a uniquely named `.tmp-…` file and renames it over
//!   the key's: concurrent instances share the directory, and a reader sees the old value or
//!   the new one, never a part.
//! * A variable `name` is the environment variable `SPIN_VARIABLE_<NAME>`; the host (see
//!   `scripts/serve.py`) sets one for each of spin.toml's variables, its default or override.

wit_bindgen::generate!({ path: ["../../wit/deps/spin", "wit"], world: "ghcr-stats:spin-shim/spin-shim@0.1.0" });

use exports::fermyon::spin::key_value::{self, Error as KvError, GuestStore};
use exports::fermyon::spin::variables::{self, Error as VarError};
use std::cell::RefCell;
use std::rc::Rc;
use wasip2::filesystem::preopens::get_directories;
use wasip2::filesystem::types::{Descriptor, DescriptorFlags, ErrorCode, OpenFlags, PathFlags};

struct Shim;

export!(Shim);

// ---- fermyon:spin/key-value@2.0.0 -------------------------------------------------------

impl key_value::Guest for Shim {
    type Store = Store;
}

/// An open store: its directory, shared by every store of its label.
struct Store {
    dir: Rc<Descriptor>,
}

thread_local! {
    /// The directories of the stores opened so far, by label: found once per instance.
    static STORES: RefCell<Vec<(String, Rc<Descriptor>)>> = const { RefCell::new(Vec::new()) };
}

fn io_error(what: &str, e: ErrorCode) -> KvError {
    KvError::Other(format!("{what}: {}", e.name()))
}

fn store_directory(label: &str) -> Result<Rc<Descriptor>, KvError> {
    if let Some(dir) = STORES.with_borrow(|s| s.iter().find(|(l, _)| l == label).map(|(_, d)| d.clone())) {
        return Ok(dir);
    }
    let wanted = format!("/kv/{label}");
    let (dir, _) = get_directories()
        .into_iter()
        .find(|(_, path)| path.trim_end_matches('/') == wanted)
        .ok_or(KvError::NoSuchStore)?;
    let dir = Rc::new(dir);
    STORES.with_borrow_mut(|s| s.push((label.to_string(), dir.clone())));
    Ok(dir)
}

/// The file name of `key`: `A-Z a-z 0-9 - _` as they are, every other byte `%XX`, and the
/// empty key `%` (which no other key gives).
fn file_name(key: &[u8]) -> Result<String, KvError> {
    if key.is_empty() {
        return Ok("%".to_string());
    }
    let mut name = String::with_capacity(key.len() * 2);
    for &b in key {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            name.push(b as char);
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    if name.len() > 255 {
        return Err(KvError::Other(format!("key too long for a file name ({} bytes encoded)", name.len())));
    }
    Ok(name)
}

fn key_of(name: &str) -> Option<String> {
    if name == "%" {
        return Some(String::new());
    }
    let b = name.as_bytes();
    let mut key = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = name.get(i + 1..i + 3)?;
            key.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            key.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(key).ok()
}

fn open(dir: &Descriptor, name: &str, how: OpenFlags, flags: DescriptorFlags) -> Result<Descriptor, ErrorCode> {
    dir.open_at(PathFlags::empty(), name, how, flags)
}

fn read_all(file: &Descriptor) -> Result<Vec<u8>, ErrorCode> {
    let mut data = Vec::new();
    loop {
        let (chunk, end) = file.read(1 << 16, data.len() as u64)?;
        data.extend_from_slice(&chunk);
        if end || chunk.is_empty() {
            return Ok(data);
        }
    }
}

fn write_all(file: &Descriptor, mut data: &[u8]) -> Result<(), ErrorCode> {
    let mut at = 0;
    while !data.is_empty() {
        let n = file.write(data, at)?;
        at += n;
        data = &data[n as usize..];
    }
    Ok(())
}

/// How often a listing is tried again after an entry vanished under it.
const LISTING_TRIES: usize = 8;

fn names(dir: &Descriptor) -> Result<Vec<String>, ErrorCode> {
    let entries = dir.read_directory()?;
    let mut names = Vec::new();
    while let Some(entry) = entries.read_directory_entry()? {
        names.push(entry.name);
    }
    Ok(names)
}

impl GuestStore for Store {
    fn open(label: String) -> Result<key_value::Store, KvError> {
        Ok(key_value::Store::new(Store { dir: store_directory(&label)? }))
    }

    fn get(&self, key: String) -> Result<Option<Vec<u8>>, KvError> {
        match open(&self.dir, &file_name(key.as_bytes())?, OpenFlags::empty(), DescriptorFlags::READ) {
            Ok(file) => read_all(&file).map(Some).map_err(|e| io_error("reading", e)),
            Err(ErrorCode::NoEntry) => Ok(None),
            Err(e) => Err(io_error("opening", e)),
        }
    }

    fn set(&self, key: String, value: Vec<u8>) -> Result<(), KvError> {
        let name = file_name(key.as_bytes())?;
        // Unique per write: every instance runs in the same process, so no pid tells them apart.
        let tmp = format!(".tmp-{:016x}", wasip2::random::random::get_random_u64());
        let written = open(&self.dir, &tmp, OpenFlags::CREATE | OpenFlags::EXCLUSIVE, DescriptorFlags::WRITE)
            .map_err(|e| io_error("creating", e))
            .and_then(|file| write_all(&file, &value).map_err(|e| io_error("writing", e)))
            .and_then(|_| self.dir.rename_at(&tmp, &self.dir, &name).map_err(|e| io_error("renaming", e)));
        if written.is_err() {
            let _ = self.dir.unlink_file_at(&tmp);
        }
        written
    }

    fn delete(&self, key: String) -> Result<(), KvError> {
        match self.dir.unlink_file_at(&file_name(key.as_bytes())?) {
            Ok(()) | Err(ErrorCode::NoEntry) => Ok(()),
            Err(e) => Err(io_error("deleting", e)),
        }
    }

    fn exists(&self, key: String) -> Result<bool, KvError> {
        match open(&self.dir, &file_name(key.as_bytes())?, OpenFlags::empty(), DescriptorFlags::READ) {
            Ok(_) => Ok(true),
            Err(ErrorCode::NoEntry) => Ok(false),
            Err(e) => Err(io_error("opening", e)),
        }
    }

    fn get_keys(&self) -> Result<Vec<String>, KvError> {
        // Wasmtime looks up each entry as it lists them: a write's temporary file, renamed by a
        // concurrent instance between the two, ends the listing with no-entry. Another listing
        // sees the directory a moment later.
        let mut tries = 0;
        let names = loop {
            match names(&self.dir) {
                Err(ErrorCode::NoEntry) if tries + 1 < LISTING_TRIES => tries += 1,
                other => break other.map_err(|e| io_error("listing", e))?,
            }
        };
        Ok(names.iter().filter(|n| !n.starts_with('.')).filter_map(|n| key_of(n)).collect())
    }
}

// ---- fermyon:spin/variables@2.0.0 -------------------------------------------------------

/// Spin's rule for variable names: lower-case ASCII letters, digits and `_`, a letter first.
fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

thread_local! {
    /// The environment, copied from the host once per instance: the app reads every setting on
    /// every request, and each copy of the environment would be a copy of all of them.
    static ENVIRONMENT: Vec<(String, String)> = wasip2::cli::environment::get_environment();
}

impl variables::Guest for Shim {
    fn get(name: String) -> Result<String, VarError> {
        if !valid_name(&name) {
            return Err(VarError::InvalidName(format!("invalid variable name {name:?}")));
        }
        let env_name = format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase());
        ENVIRONMENT
            .with(|env| env.iter().find(|(k, _)| *k == env_name).map(|(_, value)| value.clone()))
            .ok_or_else(|| VarError::Undefined(format!("no variable named {name} ({env_name} is not set)")))
    }
}
