#!/bin/sh
# Drive `entente repl` through a pseudo-terminal with tmux: completion of a
# method name, a multi-line function, an error followed by an evaluation,
# Ctrl-C during an endless loop, :reload after breaking and fixing a rule
# file, and the history kept across two sessions (HOME is a temp folder).
# Usage: tmux-test.sh ENTENTE SOURCE_DIR WORK_DIR
entente=$1 src=$2 work=$3
[ -x "$entente" ] && [ -d "$src" ] && [ -n "$work" ] || { echo "usage: $0 ENTENTE SRC WORK"; exit 2; }
command -v tmux >/dev/null || { echo "tmux is not installed (tools/ensure-deps)"; exit 2; }
rm -rf "$work" && mkdir -p "$work/home" "$work/rules" || exit 2
entente=$(realpath "$entente") src=$(realpath "$src") work=$(realpath "$work")
sock="entente-repl-test-$$-1"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
# each session has its own server (socket): kill them all at the end
trap 'for k in 1 2; do tmux -L "entente-repl-test-$$-$k" kill-server 2>/dev/null; done' EXIT INT TERM
fails=0

"$entente" ingest -q --db "$work/t.db" "$src/corpus/001-indonesia-france-rafale-tranche.md" \
  "$src/corpus/014-malaysia-italy-g2g-talks.txt" || exit 2

cat >"$work/rules/10-countries.lua" <<'LUA'
-- a tiny country gazetteer
local g = gazetteer "countries"
for name, code in pairs { Malaysia = "MYS", Italy = "ITA", Indonesia = "IDN", France = "FRA" } do
  g:add(name, { type = "COUNTRY", key = code })
end
rule { name = "t.country", phase = "gazetteer", gazetteer = g }
LUA
good_pair='-- two countries joined by "and"
rule {
  name = "t.pair", phase = "relations", needs = { COUNTRY = 2 },
  pattern = p.ent"COUNTRY":as"a" * p.word"and" * p.ent"COUNTRY":as"b",
  action = function(m, s) s:relate("PAIR", { a = m.a, b = m.b }) end,
}'
printf '%s\n' "$good_pair" >"$work/rules/50-pair.lua"

# Start a session; its exit status shows as "[exited N]" on the screen.
start() { # start N
  tm kill-server 2>/dev/null
  sock="entente-repl-test-$$-$1"
  tm new-session -d -x 120 -y 40 "cd '$work' && HOME='$work/home' PAGER=cat '$entente' repl \
    --db t.db --rules rules; echo \"[exited \$?]\"; sleep 60"
}
screen() { tm capture-pane -p -J -S -200 -t 0 | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }
# wait_for REGEX [SECONDS]: poll the screen until a line matches (bounded).
wait_for() {
  n=0 limit=$(( ${2:-10} * 10 ))
  while [ $n -lt $limit ]; do
    tm has-session 2>/dev/null || return 1
    if screen | grep -Eq -- "$1"; then return 0; fi
    sleep 0.1
    n=$((n + 1))
  done
  return 1
}
check() { # check NAME REGEX [SECONDS]
  if wait_for "$2" "$3"; then
    echo "ok   $1"
  else
    echo "FAIL $1: no line matching /$2/ on the screen:"
    screen | sed 's/^/    | /'
    fails=$((fails + 1))
  fi
}
send() { tm send-keys -t 0 "$@"; }
line() { tm send-keys -t 0 -l -- "$1"; tm send-keys -t 0 Enter; }

start 1
check "banner" '^:help for help'

line 'doc = en.doc(1)'
send -l 'doc:sl'
send Tab
check "completion of a method name" '^> doc:slice\($'
line '1, 10)'
check "completed call runs" '^Indonesia$'

line 'function twice(x)'
check "multi-line: continuation prompt" '^>> $'
line '  return 2 * x'
line 'end'
line '=twice(21)'
check "multi-line function definition" '^42$'

line 'error("boom")'
check "error is reported" '^stdin:1: boom$'
line '="still here"'
check "evaluation after an error" '^still here$'

line 'while true do end'
sleep 0.3
send C-c
check "Ctrl-C interrupts an endless loop" '^interrupted$'
line '="after interrupt"'
check "session goes on after Ctrl-C" '^after interrupt$'

line ':rules'
check ":rules lists the pack" '^2 rules from rules$'
printf 'rule { name = "t.pair", phase = "relations", pattern = p.ent"COUNTRY" *, }\n' \
  >"$work/rules/50-pair.lua"
line ':reload'
check ":reload reports a broken rule file" 'rules/50-pair.lua:1: unexpected symbol'
check ":reload keeps the old pack" 'did not load \(1 error\); keeping the previous one'
printf '%s\n' "$good_pair" >"$work/rules/50-pair.lua"
line ':reload'
check ":reload after the fix" '^2 rules loaded from rules$'
line ':try t.pair @ "Malaysia and Italy agreed."'
check ":try with the reloaded rule" '^1 match in 1 sentence of text$'

line '="history marker"'
check "marker" '^history marker$'
line ':quit'
check "quit" '^\[exited 0\]$'
[ -s "$work/home/.entente_history" ] && echo "ok   history file written" ||
  { echo "FAIL history file $work/home/.entente_history missing"; fails=$((fails + 1)); }

start 2
check "second session" '^:help for help'
send Up Up
check "history kept across sessions" '^> ="history marker"$'
send Enter
check "recalled line runs" '^history marker$'
send C-d
check "Ctrl-D leaves" '^\[exited 0\]$'

[ $fails = 0 ] && echo "all passed"
exit $fails
