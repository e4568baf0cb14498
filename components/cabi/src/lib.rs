//! Canonical-ABI glue for components written without wit-bindgen, for
//! wasm32-unknown-unknown: the `cabi_realloc` export through which hosts allocate in the
//! component's memory, a cell for the one-thread statics exports share, a return area for
//! the results of imported functions and the taking over of the strings and lists in them,
//! and (feature `wasi`) the WASI 0.2 calls the project's components make.

#[cfg(target_arch = "wasm32")]
mod realloc;

mod area;
mod global;
mod take;
#[cfg(feature = "wasi")]
pub mod wasi;

pub use area::Area;
pub use global::Global;
pub use take::{take_list, take_string};
