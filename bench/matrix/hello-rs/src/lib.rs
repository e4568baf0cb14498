//! Hello World as a `wasi:cli/command` component (wasm32; `main.rs` is the native program).

#[cfg(target_arch = "wasm32")]
mod command {
    use std::io::Write;

    struct Hello;

    impl wasip2::exports::cli::run::Guest for Hello {
        fn run() -> Result<(), ()> {
            writeln!(wasip2::cli::stdout::get_stdout(), "Hello, World!").map_err(|_| ())
        }
    }

    wasip2::cli::command::export!(Hello);
}
