"""The hello-world baseline of `make bench-service`: the smallest spin-sdk HTTP handler, built
for the plain `wasi:http/proxy` world and served by the same `wasmtime serve` as the app."""

from spin_sdk import http


class IncomingHandler(http.IncomingHandler):
    def handle_request(self, request: http.Request) -> http.Response:
        return http.Response(200, {"content-type": "text/plain"}, b"Hello, World!\n")
