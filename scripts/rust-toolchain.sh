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

# lld-14 provides /usr/bin/rust-lld, the wasm linker; libstd-rust-dev-wasm32 only recommends it.
if "$(dirname "$0")/apt-install.sh" rustc cargo libstd-rust-dev-wasm32 lld-14; then
  if [ ! -x /usr/bin/rust-lld ]; then
    echo "no wasm linker: /usr/bin/rust-lld is missing (Debian: apt-get install lld-14)" >&2
    exit 1
  fi
  echo "CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc"
  exit 0
fi
echo "no Rust toolchain for wasm32-unknown-unknown: run 'rustup target add wasm32-unknown-unknown'" \
     "or install Debian's rustc, cargo, libstd-rust-dev-wasm32 and lld-14" >&2
exit 1
