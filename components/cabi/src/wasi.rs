//! The WASI 0.2 calls the project's components make (the spin shim's store and variables,
//! the benchmark's command reading its page), imported under their canonical-ABI names, with
//! safe wrappers. Results that flatten to more than one value come back through a return area
//! the caller passes last; lists and strings in them were allocated with our `cabi_realloc`
//! and are taken over (`take_list`, `take_string`), so the global allocator frees them.
//!
//! Layouts used (offsets in bytes): `result<descriptor, error-code>` case u8 @0, handle or
//! error u8 @4; `result<tuple<list<u8>, bool>, error-code>` case @0, list @4/@8, end @12;
//! `result<filesize, error-code>` case @0, u64 or error @8; `result<_, error-code>` case @0,
//! error @1; `result<option<directory-entry>, error-code>` case @0, option case @4, type @8,
//! name @12/@16; `list<tuple<descriptor, string>>` elements of 12 (handle @0, string @4/@8);
//! `list<tuple<string, string>>` elements of 16.

pub type Fd = i32;
/// A `wasi:filesystem` `error-code` case.
pub type Errno = u8;
pub const NO_ENTRY: Errno = 20;

// descriptor-flags, open-flags
pub const READ: i32 = 1;
pub const WRITE: i32 = 1 << 1;
pub const CREATE: i32 = 1;
pub const EXCLUSIVE: i32 = 1 << 2;

#[link(wasm_import_module = "wasi:filesystem/preopens@0.2.0")]
extern "C" {
    #[link_name = "get-directories"]
    fn get_directories(ret: *mut u8);
}

#[link(wasm_import_module = "wasi:filesystem/types@0.2.0")]
extern "C" {
    #[link_name = "[method]descriptor.open-at"]
    fn descriptor_open_at(fd: Fd, path_flags: i32, path: *const u8, path_len: usize, open_flags: i32, flags: i32, ret: *mut u8);
    #[link_name = "[method]descriptor.read"]
    fn descriptor_read(fd: Fd, length: i64, offset: i64, ret: *mut u8);
    #[link_name = "[method]descriptor.write"]
    fn descriptor_write(fd: Fd, buf: *const u8, len: usize, offset: i64, ret: *mut u8);
    #[link_name = "[method]descriptor.rename-at"]
    fn descriptor_rename_at(fd: Fd, old: *const u8, old_len: usize, new_fd: Fd, new: *const u8, new_len: usize, ret: *mut u8);
    #[link_name = "[method]descriptor.unlink-file-at"]
    fn descriptor_unlink_file_at(fd: Fd, path: *const u8, path_len: usize, ret: *mut u8);
    #[link_name = "[method]descriptor.read-directory"]
    fn descriptor_read_directory(fd: Fd, ret: *mut u8);
    #[link_name = "[method]directory-entry-stream.read-directory-entry"]
    fn stream_read_directory_entry(stream: i32, ret: *mut u8);
    #[link_name = "[resource-drop]descriptor"]
    fn drop_descriptor(fd: Fd);
    #[link_name = "[resource-drop]directory-entry-stream"]
    fn drop_directory_entry_stream(stream: i32);
}

#[link(wasm_import_module = "wasi:cli/environment@0.2.0")]
extern "C" {
    #[link_name = "get-environment"]
    fn get_environment(ret: *mut u8);
}

#[link(wasm_import_module = "wasi:random/random@0.2.0")]
extern "C" {
    #[link_name = "get-random-u64"]
    fn get_random_u64() -> i64;
}

use crate::{take_list, take_string};

/// Room for the largest result below.
type Area = crate::Area<24>;

pub fn preopens() -> Vec<(Fd, String)> {
    let mut a = Area::new();
    unsafe {
        get_directories(a.ptr());
        // Elements of 12 bytes, aligned 4: a handle and a string's pointer and length.
        let entries = take_list::<[u32; 3]>(a.u32(0), a.u32(4));
        entries.iter().map(|e| (e[0] as Fd, take_string(e[1], e[2]))).collect()
    }
}

pub fn environment() -> Vec<(String, String)> {
    let mut a = Area::new();
    unsafe {
        get_environment(a.ptr());
        // Elements of 16 bytes, aligned 4: two strings' pointers and lengths.
        let entries = take_list::<[u32; 4]>(a.u32(0), a.u32(4));
        entries.iter().map(|e| (take_string(e[0], e[1]), take_string(e[2], e[3]))).collect()
    }
}

pub fn random_u64() -> u64 {
    unsafe { get_random_u64() as u64 }
}

/// An open file or directory, closed when dropped.
pub struct Descriptor(Fd);

impl Drop for Descriptor {
    fn drop(&mut self) {
        unsafe { drop_descriptor(self.0) }
    }
}

/// `path` opened in the directory `dir`, symbolic links not followed.
pub fn open_at(dir: Fd, path: &str, open_flags: i32, flags: i32) -> Result<Descriptor, Errno> {
    let mut a = Area::new();
    unsafe { descriptor_open_at(dir, 0, path.as_ptr(), path.len(), open_flags, flags, a.ptr()) };
    match a.u8(0) {
        0 => Ok(Descriptor(a.u32(4) as Fd)),
        _ => Err(a.u8(4)),
    }
}

impl Descriptor {
    pub fn read_all(&self) -> Result<Vec<u8>, Errno> {
        let mut data = Vec::new();
        loop {
            let mut a = Area::new();
            unsafe { descriptor_read(self.0, 1 << 16, data.len() as i64, a.ptr()) };
            if a.u8(0) != 0 {
                return Err(a.u8(4));
            }
            let chunk = unsafe { take_list::<u8>(a.u32(4), a.u32(8)) };
            let end = a.u8(12) != 0;
            if data.is_empty() {
                data = chunk;
            } else {
                data.extend_from_slice(&chunk);
            }
            if end || a.u32(8) == 0 {
                return Ok(data);
            }
        }
    }

    pub fn write_all(&self, mut data: &[u8]) -> Result<(), Errno> {
        let mut offset = 0u64;
        while !data.is_empty() {
            let mut a = Area::new();
            unsafe { descriptor_write(self.0, data.as_ptr(), data.len(), offset as i64, a.ptr()) };
            if a.u8(0) != 0 {
                return Err(a.u8(8));
            }
            let n = a.u64(8);
            offset += n;
            data = &data[n as usize..];
        }
        Ok(())
    }
}

fn unit_result(a: &Area) -> Result<(), Errno> {
    match a.u8(0) {
        0 => Ok(()),
        _ => Err(a.u8(1)),
    }
}

/// Renames within `dir`, replacing `new` if it exists (atomically, on POSIX hosts).
pub fn rename_at(dir: Fd, old: &str, new: &str) -> Result<(), Errno> {
    let mut a = Area::new();
    unsafe { descriptor_rename_at(dir, old.as_ptr(), old.len(), dir, new.as_ptr(), new.len(), a.ptr()) };
    unit_result(&a)
}

pub fn unlink_file_at(dir: Fd, path: &str) -> Result<(), Errno> {
    let mut a = Area::new();
    unsafe { descriptor_unlink_file_at(dir, path.as_ptr(), path.len(), a.ptr()) };
    unit_result(&a)
}

/// The names in the directory `dir`.
pub fn read_directory(dir: Fd) -> Result<Vec<String>, Errno> {
    let mut a = Area::new();
    unsafe { descriptor_read_directory(dir, a.ptr()) };
    if a.u8(0) != 0 {
        return Err(a.u8(4));
    }
    let stream = a.u32(4) as i32;
    let mut names = Vec::new();
    let result = loop {
        let mut e = Area::new();
        unsafe { stream_read_directory_entry(stream, e.ptr()) };
        if e.u8(0) != 0 {
            break Err(e.u8(4));
        }
        if e.u8(4) == 0 {
            break Ok(names);
        }
        names.push(unsafe { take_string(e.u32(12), e.u32(16)) });
    };
    unsafe { drop_directory_entry_stream(stream) };
    result
}

const ERROR_CODES: [&str; 37] = [
    "access", "would-block", "already", "bad-descriptor", "busy", "deadlock", "quota", "exist",
    "file-too-large", "illegal-byte-sequence", "in-progress", "interrupted", "invalid", "io",
    "is-directory", "loop", "too-many-links", "message-size", "name-too-long", "no-device",
    "no-entry", "no-lock", "insufficient-memory", "insufficient-space", "not-directory",
    "not-empty", "not-recoverable", "unsupported", "no-tty", "no-such-device", "overflow",
    "not-permitted", "pipe", "read-only", "invalid-seek", "text-file-busy", "cross-device",
];

pub fn describe(errno: Errno) -> &'static str {
    ERROR_CODES.get(errno as usize).copied().unwrap_or("unknown error")
}

impl Descriptor {
    /// Takes ownership of a handle (one of `preopens`).
    pub fn from_handle(fd: Fd) -> Descriptor {
        Descriptor(fd)
    }
}
