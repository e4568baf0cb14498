use std::cell::UnsafeCell;

/// A static that exports share: wasm32-unknown-unknown runs one thread and a component is
/// never reentered, so one call at a time uses it. Callers dereference `get()` only while no
/// other reference to the value lives.
pub struct Global<T>(UnsafeCell<T>);

// SAFETY: one thread (see above), so the value is never reached from two at once.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub const fn new(value: T) -> Global<T> {
        Global(UnsafeCell::new(value))
    }

    pub fn get(&self) -> *mut T {
        self.0.get()
    }
}
