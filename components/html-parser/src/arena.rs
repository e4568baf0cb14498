//! The component's allocator: a bump arena over linear memory that empties itself whenever
//! nothing allocated is live. A call's blocks (its input, decoded strings, the records it
//! returns) are all freed by the time its post-return ends, so each call starts again at the
//! base: memory grows to the largest single call and is reused by the next (wasm memory never
//! shrinks). Freeing or growing the latest block works in place, which keeps `Vec`/`String`
//! growth from piling up. Smaller and faster than a general allocator for this one pattern.

use core::arch::wasm32::{memory_grow, memory_size};
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

const PAGE: usize = 65536;

extern "C" {
    /// Where the linker put the end of static data: the heap starts here.
    static __heap_base: u8;
}

pub struct Arena {
    /// Where the next block goes; 0 before the first.
    next: Cell<usize>,
    /// The end of addressable memory; 0 before the first block.
    end: Cell<usize>,
    /// Blocks handed out and not yet freed.
    live: Cell<usize>,
}

// SAFETY: wasm32-unknown-unknown runs one thread, so the `Cell`s are never touched from two
// at once.
unsafe impl Sync for Arena {}

#[global_allocator]
static ARENA: Arena = Arena { next: Cell::new(0), end: Cell::new(0), live: Cell::new(0) };

impl Arena {
    fn base() -> usize {
        // SAFETY: only the address of the linker's symbol is taken; nothing reads through it.
        unsafe { &__heap_base as *const u8 as usize }
    }

    /// Makes `[.., to)` addressable, growing memory as needed.
    fn reserve(&self, to: usize) -> bool {
        if self.end.get() == 0 {
            self.end.set(memory_size(0) * PAGE);
        }
        if to <= self.end.get() {
            return true;
        }
        let pages = (to - self.end.get()).div_ceil(PAGE);
        if memory_grow(0, pages) == usize::MAX {
            return false;
        }
        self.end.set(self.end.get() + pages * PAGE);
        true
    }

    /// A block of `layout` after every live one, or null when memory cannot grow. Not inlined:
    /// a call is cheap, and every allocation site carrying a copy is not.
    #[inline(never)]
    fn bump(&self, layout: Layout) -> *mut u8 {
        let next = if self.next.get() == 0 { Self::base() } else { self.next.get() };
        let Some(start) = next.checked_add(layout.align() - 1).map(|s| s & !(layout.align() - 1)) else {
            return core::ptr::null_mut();
        };
        let Some(end) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        if !self.reserve(end) {
            return core::ptr::null_mut();
        }
        self.next.set(end);
        self.live.set(self.live.get() + 1);
        start as *mut u8
    }
}

// SAFETY: every block handed out lies in addressable memory (`reserve`), is aligned as asked,
// and does not overlap another live block: `next` only moves back over the latest block
// (`dealloc`, `realloc`) or to the base when no block is live.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.bump(layout)
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let live = self.live.get() - 1;
        self.live.set(live);
        if live == 0 {
            self.next.set(Self::base());
        } else if ptr as usize + layout.size() == self.next.get() {
            self.next.set(ptr as usize);
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ptr as usize + layout.size() == self.next.get() {
            // The latest block grows or shrinks where it is.
            let Some(end) = (ptr as usize).checked_add(new_size) else {
                return core::ptr::null_mut();
            };
            if !self.reserve(end) {
                return core::ptr::null_mut();
            }
            self.next.set(end);
            return ptr;
        }
        // SAFETY: `layout.align()` came from a valid `Layout`, and `GlobalAlloc::realloc`'s
        // contract makes `new_size`, rounded up to it, no larger than `isize::MAX`.
        let new = self.bump(Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            // SAFETY: `ptr` holds `layout.size()` bytes of a live block; `new` is a fresh block of
            // `new_size` after every live one, so the two do not overlap.
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            // The old block is freed: one block live for the two, as before the call.
            self.live.set(self.live.get() - 1);
        }
        new
    }
}
