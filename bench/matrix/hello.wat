;; Hello World in hand-written WebAssembly text.
;; The browser version imported a JavaScript function to print; this one prints through
;; WASI's fd_write, so any WASI host (wasmtime here) can run it as a command.
(module
  ;; fd_write(fd, iovs, iovs_len, nwritten_out) -> errno
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1)

  ;; The text at byte 16; one iovec {ptr, len} at byte 0; fd_write's byte count at byte 8.
  (data (i32.const 16) "Hello, World!\n")

  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 14))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
