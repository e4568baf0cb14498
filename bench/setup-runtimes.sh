#!/usr/bin/env bash
# `make bench` set-up for the matrix's optional columns: gcc (native C), wabt (wat2wasm), Ruby
# and Nokogiri, Chromium (the browser column). Installs what is missing from Debian's packages when run as root with apt-get;
# otherwise says what is missing, and the matrix marks those columns "not installed".
# (`make test` does not run this: its smoke test runs whichever columns are available.)
set -uo pipefail

missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v wat2wasm >/dev/null 2>&1 || missing+=(wabt)
command -v ruby >/dev/null 2>&1 || missing+=(ruby)
ruby -e 'require "nokogiri"' >/dev/null 2>&1 || missing+=(ruby-nokogiri)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "bench set-up: installing ${missing[*]} (Debian packages)" >&2
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2; then
    exit 0
  fi
  echo "bench set-up: could not install ${missing[*]}; those columns will be marked 'not installed'" >&2
else
  echo "bench set-up: not installed: ${missing[*]} (not root or no apt-get); those columns will be" \
       "marked 'not installed' (Debian: sudo apt-get install ${missing[*]})" >&2
fi
exit 0
