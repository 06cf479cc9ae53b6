#!/bin/sh
# The host under valgrind: ingest the seeds and bad input, search, query,
# extract (twice) and run a script. Any memory error or leak makes valgrind exit 99.
set -u
entente=$1 vg=$2 seeds=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
printf 'bad \377 byte\n' > bad.txt
printf '{"text": 1}\n{"text": "ok"}\n' > lines.jsonl
status=0
run() {
  # shellcheck disable=SC2086
  $vg "$entente" "$@" >/dev/null 2>vg.err
  rc=$?
  case $rc in
    0|1) ;; # entente's own statuses (lines.jsonl has a failing line on purpose)
    99) cat vg.err; echo "valgrind found errors in: entente $*"; status=1 ;;
    *) cat vg.err; echo "could not run: entente $* (status $rc)"; status=1 ;;
  esac
}
run ingest --db t.db "$seeds/articles" bad.txt lines.jsonl
run search --db t.db defence
run query --db t.db "SELECT name, slice(text, 0, 20) FROM documents"
run stats --db t.db --json
# extraction: worker threads with the rule pack, the Matcher, the writer and
# its memo; the second run replaces every result (deletes, memo reused)
run extract --db t.db --jobs 2
run extract --db t.db --force --jobs 1
printf 'local en = require "entente"\nfor d in en.docs() do for s in d:sentences() do local _ = s:tokens() end end\n' > s.lua
run run --db t.db s.lua
[ $status = 0 ] && echo "valgrind: clean"
exit $status
