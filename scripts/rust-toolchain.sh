#!/usr/bin/env bash
# Prints the environment (`NAME=value …`) of a Rust toolchain that builds the workspace for
# wasm32-unknown-unknown, the first of these that this machine has or (as root) can install:
#   1. rustup with the wasm32-unknown-unknown target (a developer's laptop);
#   2. Debian's rustc when it is new enough (Debian 13: 1.85), with its prebuilt wasm32 std
#      (libstd-rust-dev-wasm32) and the wasm linker /usr/bin/rust-lld (a link into Debian's lld);
#   3. Debian 12's rustc-web (1.96), which has no wasm32 std packaged: cargo builds one from its
#      source (rust-web-src) with -Zbuild-std, which RUSTC_BOOTSTRAP allows on a stable rustc,
#      and lld-22's wasm-ld links it.
# WASM_BUILD_STD is what path 3 adds to each wasm32 cargo command (empty otherwise). RUSTDOC is
# named with RUSTC: cargo test's doctests would run the first rustdoc on PATH, which may be
# another toolchain's (a rustup without the wasm32 target) that cannot read this one's crates.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The workspace's rust-version: the oldest rustc that builds it.
oldest=$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' "$here/../Cargo.toml")
web_lld=lld-22

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
version_of() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }
new_enough() { [ -n "$1" ] && dpkg --compare-versions "$1" ge "$oldest"; }

if command -v rustup >/dev/null 2>&1 \
   && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "CARGO=$(rustup which cargo) RUSTC=$(rustup which rustc) RUSTDOC=$(rustup which rustdoc) WASM_BUILD_STD="
  exit 0
fi

debian_rustc() {
  # The wasm linker is /usr/bin/rust-lld, made by the rust-llvm package (Debian 13) as a link
  # to Debian's lld of that release: whatever it names is installed by that name.
  [ -L /usr/bin/rust-lld ] || "$here/apt-install.sh" rust-llvm
  local lld
  lld=$(readlink /usr/bin/rust-lld || true)
  if [ -n "$lld" ] && [ ! -x /usr/bin/rust-lld ]; then "$here/apt-install.sh" "$(basename "$lld")"; fi
  if [ ! -x /usr/bin/rust-lld ]; then
    echo "no wasm linker: /usr/bin/rust-lld${lld:+ -> $lld} is missing (Debian: apt-get install ${lld:-rust-llvm})" >&2
    exit 1
  fi
  echo "CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc WASM_BUILD_STD="
}

rustc_web() {
  echo "CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1" \
       "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-${web_lld#lld-}/bin/wasm-ld" \
       "WASM_BUILD_STD=-Zbuild-std=std,panic_abort"
}

# What is installed already.
if installed rustc && new_enough "$(version_of rustc)" && installed libstd-rust-dev-wasm32; then
  debian_rustc
  exit 0
fi
if installed rustc-web && installed cargo-web && installed rust-web-src && installed "$web_lld"; then
  rustc_web
  exit 0
fi

# What Debian offers: its own rustc if new enough, else rustc-web (which replaces it).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-cache show rustc >/dev/null 2>&1 || apt-get update -qq >&2
  offered=$(apt-cache policy rustc 2>/dev/null | sed -n 's/^ *Candidate: //p')
  if new_enough "$offered"; then
    "$here/apt-install.sh" rustc cargo libstd-rust-dev-wasm32
    debian_rustc
    exit 0
  fi
  if apt-cache show rustc-web >/dev/null 2>&1; then
    "$here/apt-install.sh" rustc-web cargo-web rust-web-src "$web_lld"
    rustc_web
    exit 0
  fi
fi
echo "no Rust $oldest+ toolchain for wasm32-unknown-unknown: run 'rustup target add wasm32-unknown-unknown'," \
     "or (Debian 13) apt-get install rustc cargo libstd-rust-dev-wasm32 rust-llvm," \
     "or (Debian 12) apt-get install rustc-web cargo-web rust-web-src $web_lld" >&2
exit 1
