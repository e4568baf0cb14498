//! `fermyon:spin/key-value@2.0.0` and `fermyon:spin/variables@2.0.0` for hosts without Spin,
//! over WASI 0.2 (`wit/world.wit`), with the canonical-ABI glue written by hand: no
//! wit-bindgen, no WASI adapter, nothing to initialise, so an instance costs next to nothing
//! (it is made again for every request, beside the app's).
//!
//! * The store `default` is the preopened directory `/kv/default` (any label `L` would be
//!   `/kv/L`; a label with no such directory is `no-such-store`, as in Spin). A key is one
//!   file, its name the key with every byte but `A-Z a-z 0-9 - _` written `%XX`; so no key's
//!   file starts with a dot. `set` writes a uniquely named `.tmp-…` file and renames it over
//!   the key's: concurrent instances share the directory, and a reader sees the old value or
//!   the new one, never a part.
//! * A variable `name` is the environment variable `SPIN_VARIABLE_<NAME>`; the host (see
//!   `scripts/serve.py`) sets one for each of spin.toml's variables, its default or override.
//!
//! Exports take their strings and lists from memory the host allocated with `cabi_realloc`
//! (taken over here and freed on return) and return a pointer to a static return area; what
//! that area points to lives until the host's `cabi_post_…` call.

use cabi::wasi::{self, Errno, Fd};
use cabi::Global;

#[repr(C, align(4))]
struct RetArea([u8; 16]);

static RET: Global<RetArea> = Global::new(RetArea([0; 16]));

/// What the last result points to, kept until post-return.
struct Kept {
    bytes: Vec<Vec<u8>>,
    words: Vec<Vec<u32>>,
}

static KEPT: Global<Kept> = Global::new(Kept { bytes: Vec::new(), words: Vec::new() });

unsafe fn ret() -> *mut u8 {
    let p = (*RET.get()).0.as_mut_ptr();
    core::ptr::write_bytes(p, 0, 16);
    p
}

unsafe fn put_u8(r: *mut u8, at: usize, v: u8) {
    *r.add(at) = v;
}

unsafe fn put_u32(r: *mut u8, at: usize, v: u32) {
    *(r.add(at) as *mut u32) = v;
}

/// Writes a `string`/`list<u8>` (ptr, len) at `at`, keeping its memory until post-return.
unsafe fn put_bytes(r: *mut u8, at: usize, v: Vec<u8>) {
    put_u32(r, at, v.as_ptr() as u32);
    put_u32(r, at + 4, v.len() as u32);
    (*KEPT.get()).bytes.push(v);
}

unsafe fn put_words(r: *mut u8, at: usize, v: Vec<u32>, elems: usize) {
    put_u32(r, at, v.as_ptr() as u32);
    put_u32(r, at + 4, elems as u32);
    (*KEPT.get()).words.push(v);
}

unsafe fn release() {
    let kept = &mut *KEPT.get();
    kept.bytes.clear();
    kept.words.clear();
}

/// Takes over an argument string the host allocated.
unsafe fn arg(ptr: *mut u8, len: usize) -> Vec<u8> {
    if len == 0 {
        return Vec::new();
    }
    Vec::from_raw_parts(ptr, len, len)
}

// ---- fermyon:spin/key-value@2.0.0 -------------------------------------------------------

enum KvError {
    NoSuchStore,
    Other(String),
}

fn io_error(what: &str, errno: Errno) -> KvError {
    KvError::Other(format!("{what}: {}", wasi::describe(errno)))
}

/// `result<T, error>` with T's payload at 4: case @0; the error's case @4, `other`'s string @8.
unsafe fn put_err(r: *mut u8, e: KvError) -> *mut u8 {
    put_u8(r, 0, 1);
    match e {
        KvError::NoSuchStore => put_u8(r, 4, 1),
        KvError::Other(message) => {
            put_u8(r, 4, 3);
            put_bytes(r, 8, message.into_bytes());
        }
    }
    r
}

#[link(wasm_import_module = "[export]fermyon:spin/key-value@2.0.0")]
extern "C" {
    #[link_name = "[resource-new]store"]
    fn store_resource_new(rep: i32) -> i32;
}

/// The directories of the stores opened so far: (label, preopen), found once per instance.
static STORES: Global<Vec<(String, Fd)>> = Global::new(Vec::new());

fn store_directory(label: &str) -> Result<Fd, KvError> {
    let stores = unsafe { &mut *STORES.get() };
    if let Some((_, fd)) = stores.iter().find(|(l, _)| l == label) {
        return Ok(*fd);
    }
    let wanted = format!("/kv/{label}");
    let mut found = None;
    for (fd, path) in wasi::preopens() {
        if found.is_none() && path.trim_end_matches('/') == wanted {
            found = Some(fd);
        } else {
            drop(wasi::Descriptor::from_handle(fd));
        }
    }
    let fd = found.ok_or(KvError::NoSuchStore)?;
    stores.push((label.to_string(), fd));
    Ok(fd)
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
            name.push('%');
            name.push(char::from_digit((b >> 4) as u32, 16).unwrap().to_ascii_uppercase());
            name.push(char::from_digit((b & 15) as u32, 16).unwrap().to_ascii_uppercase());
        }
    }
    if name.len() > 255 {
        return Err(KvError::Other(format!("key too long for a file name ({} bytes encoded)", name.len())));
    }
    Ok(name)
}

fn key_of(name: &str) -> Option<Vec<u8>> {
    if name == "%" {
        return Some(Vec::new());
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
    Some(key)
}

fn kv_get(dir: Fd, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
    let name = file_name(key)?;
    match wasi::open_at(dir, &name, 0, wasi::READ) {
        Ok(file) => file.read_all().map(Some).map_err(|e| io_error("reading", e)),
        Err(wasi::NO_ENTRY) => Ok(None),
        Err(e) => Err(io_error("opening", e)),
    }
}

fn kv_set(dir: Fd, key: &[u8], value: &[u8]) -> Result<(), KvError> {
    let name = file_name(key)?;
    // Unique per write: every instance runs in the same process, so no pid tells them apart.
    let tmp = format!(".tmp-{:016x}", wasi::random_u64());
    let written = wasi::open_at(dir, &tmp, wasi::CREATE | wasi::EXCLUSIVE, wasi::WRITE)
        .map_err(|e| io_error("creating", e))
        .and_then(|file| file.write_all(value).map_err(|e| io_error("writing", e)))
        .and_then(|_| wasi::rename_at(dir, &tmp, &name).map_err(|e| io_error("renaming", e)));
    if written.is_err() {
        let _ = wasi::unlink_file_at(dir, &tmp);
    }
    written
}

fn kv_delete(dir: Fd, key: &[u8]) -> Result<(), KvError> {
    match wasi::unlink_file_at(dir, &file_name(key)?) {
        Ok(()) | Err(wasi::NO_ENTRY) => Ok(()),
        Err(e) => Err(io_error("deleting", e)),
    }
}

fn kv_exists(dir: Fd, key: &[u8]) -> Result<bool, KvError> {
    match wasi::open_at(dir, &file_name(key)?, 0, wasi::READ) {
        Ok(_) => Ok(true),
        Err(wasi::NO_ENTRY) => Ok(false),
        Err(e) => Err(io_error("opening", e)),
    }
}

/// How often a listing is tried again after an entry vanished under it.
const LISTING_TRIES: usize = 8;

fn kv_keys(dir: Fd) -> Result<Vec<Vec<u8>>, KvError> {
    // Wasmtime looks up each entry as it lists them: a write's temporary file, renamed by a
    // concurrent instance between the two, ends the listing with no-entry. Another listing
    // sees the directory a moment later.
    let mut tries = 0;
    let names = loop {
        match wasi::read_directory(dir) {
            Err(wasi::NO_ENTRY) if tries + 1 < LISTING_TRIES => tries += 1,
            other => break other.map_err(|e| io_error("listing", e))?,
        }
    };
    Ok(names.iter().filter(|n| !n.starts_with('.')).filter_map(|n| key_of(n)).collect())
}

#[export_name = "fermyon:spin/key-value@2.0.0#[static]store.open"]
pub unsafe extern "C" fn store_open(label: *mut u8, len: usize) -> *mut u8 {
    let label = String::from_utf8_unchecked(arg(label, len));
    let r = ret();
    match store_directory(&label) {
        // The rep is the directory's descriptor: stores of one label share it.
        Ok(fd) => put_u32(r, 4, store_resource_new(fd) as u32),
        Err(e) => return put_err(r, e),
    }
    r
}

#[export_name = "fermyon:spin/key-value@2.0.0#[method]store.get"]
pub unsafe extern "C" fn store_get(dir: Fd, key: *mut u8, len: usize) -> *mut u8 {
    let key = arg(key, len);
    let r = ret();
    match kv_get(dir, &key) {
        Ok(None) => {}
        Ok(Some(value)) => {
            put_u8(r, 4, 1);
            put_bytes(r, 8, value);
        }
        Err(e) => return put_err(r, e),
    }
    r
}

#[export_name = "fermyon:spin/key-value@2.0.0#[method]store.set"]
pub unsafe extern "C" fn store_set(dir: Fd, key: *mut u8, key_len: usize, value: *mut u8, value_len: usize) -> *mut u8 {
    let (key, value) = (arg(key, key_len), arg(value, value_len));
    let r = ret();
    match kv_set(dir, &key, &value) {
        Ok(()) => r,
        Err(e) => put_err(r, e),
    }
}

#[export_name = "fermyon:spin/key-value@2.0.0#[method]store.delete"]
pub unsafe extern "C" fn store_delete(dir: Fd, key: *mut u8, len: usize) -> *mut u8 {
    let key = arg(key, len);
    let r = ret();
    match kv_delete(dir, &key) {
        Ok(()) => r,
        Err(e) => put_err(r, e),
    }
}

#[export_name = "fermyon:spin/key-value@2.0.0#[method]store.exists"]
pub unsafe extern "C" fn store_exists(dir: Fd, key: *mut u8, len: usize) -> *mut u8 {
    let key = arg(key, len);
    let r = ret();
    match kv_exists(dir, &key) {
        Ok(found) => put_u8(r, 4, found as u8),
        Err(e) => return put_err(r, e),
    }
    r
}

#[export_name = "fermyon:spin/key-value@2.0.0#[method]store.get-keys"]
pub unsafe extern "C" fn store_get_keys(dir: Fd) -> *mut u8 {
    let r = ret();
    match kv_keys(dir) {
        Ok(keys) => {
            // list<string>: (ptr, len) pairs, 4-aligned, pointing at the kept key bytes.
            let mut pairs = Vec::with_capacity(keys.len() * 2);
            let count = keys.len();
            for key in keys {
                pairs.push(key.as_ptr() as u32);
                pairs.push(key.len() as u32);
                (*KEPT.get()).bytes.push(key);
            }
            put_words(r, 4, pairs, count);
        }
        Err(e) => return put_err(r, e),
    }
    r
}

/// A store's rep is a preopened directory, kept for the instance's life: nothing to free.
#[export_name = "fermyon:spin/key-value@2.0.0#[dtor]store"]
pub unsafe extern "C" fn store_dtor(_dir: Fd) {}

#[export_name = "cabi_post_fermyon:spin/key-value@2.0.0#[static]store.open"]
pub unsafe extern "C" fn post_store_open(_: *mut u8) {
    release()
}
#[export_name = "cabi_post_fermyon:spin/key-value@2.0.0#[method]store.get"]
pub unsafe extern "C" fn post_store_get(_: *mut u8) {
    release()
}
#[export_name = "cabi_post_fermyon:spin/key-value@2.0.0#[method]store.set"]
pub unsafe extern "C" fn post_store_set(_: *mut u8) {
    release()
}
#[export_name = "cabi_post_fermyon:spin/key-value@2.0.0#[method]store.delete"]
pub unsafe extern "C" fn post_store_delete(_: *mut u8) {
    release()
}
#[export_name = "cabi_post_fermyon:spin/key-value@2.0.0#[method]store.exists"]
pub unsafe extern "C" fn post_store_exists(_: *mut u8) {
    release()
}
#[export_name = "cabi_post_fermyon:spin/key-value@2.0.0#[method]store.get-keys"]
pub unsafe extern "C" fn post_store_get_keys(_: *mut u8) {
    release()
}

// ---- fermyon:spin/variables@2.0.0 -------------------------------------------------------

/// Spin's rule for variable names: lower-case ASCII letters, digits and `_`, a letter first.
fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `result<string, error>`: case @0; ok string @4; error case @4 (0 invalid-name,
/// 1 undefined), its string @8.
#[export_name = "fermyon:spin/variables@2.0.0#get"]
pub unsafe extern "C" fn variables_get(name: *mut u8, len: usize) -> *mut u8 {
    let name = String::from_utf8_unchecked(arg(name, len));
    let r = ret();
    if !valid_name(&name) {
        put_u8(r, 0, 1);
        put_u8(r, 4, 0);
        put_bytes(r, 8, format!("invalid variable name {name:?}").into_bytes());
        return r;
    }
    let env_name = format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase());
    match wasi::environment().into_iter().find(|(k, _)| *k == env_name) {
        Some((_, value)) => put_bytes(r, 4, value.into_bytes()),
        None => {
            put_u8(r, 0, 1);
            put_u8(r, 4, 1);
            put_bytes(r, 8, format!("no variable named {name} ({env_name} is not set)").into_bytes());
        }
    }
    r
}

#[export_name = "cabi_post_fermyon:spin/variables@2.0.0#get"]
pub unsafe extern "C" fn post_variables_get(_: *mut u8) {
    release()
}

