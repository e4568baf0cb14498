;; Hello World as the origin wrote it for the browser: the page gives the module a JavaScript
;; function to print with (`console.log`) and one page of memory (`js.mem`); the module writes
;; its text into that memory and passes the function its offset and length.
;; `browser/hello.html` provides both; wat2wasm assembles it.
(module
  (import "console" "log" (func $log (param i32 i32)))
  (import "js" "mem" (memory 1))
  (data (i32.const 0) "Hello, World!")
  (func (export "hello")
    i32.const 0
    i32.const 13
    call $log))
