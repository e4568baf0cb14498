#!/usr/bin/env bash
# need.sh CHECK WHAT: runs the shell test CHECK quietly; when it fails, says in one line that WHAT
# is missing and fails, so a build stops before the step that needs it instead of deep inside it.
bash -c "$1" >/dev/null 2>&1 && exit 0
echo "missing: $2" >&2
exit 1
