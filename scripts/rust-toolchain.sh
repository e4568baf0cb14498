#!/usr/bin/env bash
# Prints `CARGO=… RUSTC=…` for a Rust toolchain that can build wasm32-unknown-unknown.
# Prefers a rustup toolchain with the wasm target (a developer's laptop); falls back to
# Debian's rustc, whose libstd-rust-dev-wasm32 ships the wasm32 std (these machines, where
# rustup cannot download targets). Installs the Debian packages when run as root.
set -euo pipefail

if command -v rustup >/dev/null 2>&1 \
   && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "CARGO=$(rustup which cargo) RUSTC=$(rustup which rustc)"
  exit 0
fi

# The wasm linker is /usr/bin/rust-lld, a link to Debian's LLVM lld: on Debian 12 the rustc
# package makes it (to lld-14, which libstd-rust-dev-wasm32 only recommends), on Debian 13 the
# rust-llvm package (to lld-19). Whatever it names is installed by that name.
if "$(dirname "$0")/apt-install.sh" rustc cargo libstd-rust-dev-wasm32; then
  [ -L /usr/bin/rust-lld ] || "$(dirname "$0")/apt-install.sh" rust-llvm || true
  lld=$(readlink /usr/bin/rust-lld || true)
  if [ -n "$lld" ] && [ ! -x /usr/bin/rust-lld ]; then
    "$(dirname "$0")/apt-install.sh" "$(basename "$lld")" || true
  fi
  if [ ! -x /usr/bin/rust-lld ]; then
    echo "no wasm linker: /usr/bin/rust-lld${lld:+ -> $lld} is missing (Debian: apt-get install ${lld:-lld})" >&2
    exit 1
  fi
  echo "CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc"
  exit 0
fi
echo "no Rust toolchain for wasm32-unknown-unknown: run 'rustup target add wasm32-unknown-unknown'" \
     "or install Debian's rustc, cargo and libstd-rust-dev-wasm32 (and the lld that /usr/bin/rust-lld names)" >&2
exit 1
