#!/bin/sh
# Score the shipped rule pack on a corpus with gold fact sheets, and fail
# below the floors. Usage: run-eval.sh ENTENTE CORPUS GOLD WORKDIR FLOORS MIN_F1
entente=$1 corpus=$2 gold=$3 work=$4 floors=$5 min=$6
rm -rf "$work" && mkdir -p "$work" || exit 2
db="$work/eval.db"
"$entente" ingest -q --db "$db" "$corpus" || exit 1
"$entente" extract -q --db "$db" || exit 1
"$entente" eval --db "$db" --gold "$gold" --floors "$floors" --min-f1 "$min"
