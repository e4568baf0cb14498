//! `cabi_realloc(old, old_size, align, new_size)`: how the host allocates (`old == 0`) and
//! resizes in the component's memory, over the global allocator, so that what the host
//! allocated can be taken over as a `Vec` or `String` and freed by Rust.

use std::alloc::{alloc, dealloc, handle_alloc_error, realloc, Layout};

fn layout(size: usize, align: usize) -> Layout {
    match Layout::from_size_align(size, align) {
        Ok(l) => l,
        Err(_) => core::arch::wasm32::unreachable(),
    }
}

/// # Safety
/// The Canonical ABI's contract: `old` is null or a block this function returned for
/// `old_size` and `align`.
#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(old: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    if new_size == 0 {
        if !old.is_null() && old_size != 0 {
            dealloc(old, layout(old_size, align));
        }
        return align as *mut u8;
    }
    let new = layout(new_size, align);
    let p = if old.is_null() || old_size == 0 { alloc(new) } else { realloc(old, layout(old_size, align), new_size) };
    if p.is_null() {
        handle_alloc_error(new);
    }
    p
}
