//! The component's allocator: a bump arena over linear memory, emptied by each call's
//! post-return. Everything a call allocates (its input, decoded strings, result lists)
//! lives exactly until then, so nothing is freed one by one; freeing or growing the latest
//! block works in place, which keeps `Vec`/`String` growth from piling up. Memory grows to
//! the largest single call and is reused by the next (wasm memory never shrinks).

use core::arch::wasm32::{memory_grow, memory_size};
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

const PAGE: usize = 65536;

extern "C" {
    /// Where the linker put the end of static data: the heap starts here.
    static __heap_base: u8;
}

pub struct Arena {
    next: Cell<usize>,
    end: Cell<usize>,
}

// SAFETY: wasm32-unknown-unknown runs one thread, so the `Cell`s are never touched from two
// at once.
unsafe impl Sync for Arena {}

#[global_allocator]
pub static ARENA: Arena = Arena { next: Cell::new(0), end: Cell::new(0) };

impl Arena {
    fn base() -> usize {
        // SAFETY: only the address of the linker's symbol is taken; nothing reads through it.
        unsafe { &__heap_base as *const u8 as usize }
    }

    /// Forgets every allocation: only for post-return, when the host holds none of them.
    pub fn reset(&self) {
        self.next.set(Self::base());
    }

    /// Makes `[.., to)` addressable, growing memory as needed.
    fn reserve(&self, to: usize) -> bool {
        if self.end.get() == 0 {
            self.end.set(memory_size(0) * PAGE);
        }
        if to <= self.end.get() {
            return true;
        }
        let pages = (to - self.end.get() + PAGE - 1) / PAGE;
        if memory_grow(0, pages) == usize::MAX {
            return false;
        }
        self.end.set(self.end.get() + pages * PAGE);
        true
    }
}

// SAFETY: every block handed out lies in addressable memory (`reserve`), is aligned as asked,
// and does not overlap another live block: `next` only moves back over the latest block
// (`dealloc`, `realloc`) or to the base at post-return, when the host holds none.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.next.get() == 0 {
            self.reset();
        }
        let start = match self.next.get().checked_add(layout.align() - 1) {
            Some(s) => s & !(layout.align() - 1),
            None => return core::ptr::null_mut(),
        };
        let end = match start.checked_add(layout.size()) {
            Some(e) => e,
            None => return core::ptr::null_mut(),
        };
        if !self.reserve(end) {
            return core::ptr::null_mut();
        }
        self.next.set(end);
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // Only the latest block can be given back.
        if ptr as usize + layout.size() == self.next.get() {
            self.next.set(ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ptr as usize + layout.size() == self.next.get() {
            // The latest block grows or shrinks where it is.
            let end = match (ptr as usize).checked_add(new_size) {
                Some(e) => e,
                None => return core::ptr::null_mut(),
            };
            if !self.reserve(end) {
                return core::ptr::null_mut();
            }
            self.next.set(end);
            return ptr;
        }
        // SAFETY: `layout.align()` came from a valid `Layout`, and `GlobalAlloc::realloc`'s
        // contract makes `new_size`, rounded up to it, no larger than `isize::MAX`.
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            // SAFETY: `ptr` holds `layout.size()` bytes of a live block; `new` is a fresh block of
            // `new_size` after every live one, so the two do not overlap.
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
        }
        new
    }
}
