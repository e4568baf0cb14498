//! Taking over what the host lowered into our memory: the strings and lists in an imported
//! function's results, which it allocated through `cabi_realloc` (the global allocator) with
//! the element type's size and alignment. Once taken they are a `Vec` or `String`, freed by
//! Rust when dropped.

/// The `len` elements at `ptr` as a `Vec<T>`.
///
/// # Safety
/// `ptr` holds `len` initialised elements laid out as `T`, in one block the global allocator
/// gave for `len * size_of::<T>()` bytes at `align_of::<T>()` (what `cabi_realloc` does for a
/// list whose element type `T` mirrors), owned by the caller and taken over once.
pub unsafe fn take_list<T>(ptr: u32, len: u32) -> Vec<T> {
    if len == 0 {
        return Vec::new(); // nothing was allocated (`cabi_realloc` of 0 bytes returns a dangling pointer)
    }
    Vec::from_raw_parts(ptr as *mut T, len as usize, len as usize)
}

/// The string at `ptr`, `len` bytes.
///
/// # Safety
/// As `take_list::<u8>`; the bytes are UTF-8, which lifting a `string` into a component
/// guarantees.
pub unsafe fn take_string(ptr: u32, len: u32) -> String {
    String::from_utf8_unchecked(take_list(ptr, len))
}
