"""The benchmark matrix (issue 6): Hello World and HTML parsing, native vs interpreted vs WebAssembly.

`python -m bench.matrix` builds what it needs under build/bench/ and writes bench/results.md
and bench/results.png. The programs it runs live in bench/matrix/.
"""
