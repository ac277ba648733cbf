#!/usr/bin/env bash
# Leave one training writer out (theme classifier): for each data/corpus/writers/*.jsonl,
# trains a model on everything the shipped model trains on except that writer (train.txt,
# weak_labels.txt, the other writers; the shipped options) and evaluates it on that writer's
# texts with wijkwacht_heldout_eval, words only (catch-all category) and with the given
# category. This is how a change to the training material or the features is chosen without
# looking at data/eval. Prints one line per writer and the mean; about 30 s per writer.
#
# Usage: tools/corpus/lowo_themes.sh [BUILD_DIR]   (default: build)
# Env:   TRAIN_FLAGS  extra wijkwacht_train flags (e.g. "--epochs 30"), for trying options
#        WRITERS_DIR  the writers' folder (default data/corpus/writers)
set -euo pipefail
BUILD=${1:-build}
CORPUS=data/corpus
WRITERS_DIR=${WRITERS_DIR:-$CORPUS/writers}
WORK=$(mktemp -d /tmp/ww-lowo.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

results=$WORK/results
: >"$results"
for held in "$WRITERS_DIR"/*.jsonl; do
  name=$(basename "$held" .jsonl)
  extra=$CORPUS/weak_labels.txt
  for other in "$WRITERS_DIR"/*.jsonl; do
    [ "$other" = "$held" ] || extra="$extra,$other"
  done
  # shellcheck disable=SC2086
  "$BUILD/tools/train/wijkwacht_train" --train "$CORPUS/train.txt" --extra_train "$extra" \
    --calibration "$CORPUS/calibration.txt" --out "$WORK/$name.bin" ${TRAIN_FLAGS:-} \
    >"$WORK/$name.train.log" 2>&1
  line=$("$BUILD/tools/heldout_eval/wijkwacht_heldout_eval" --model="$WORK/$name.bin" \
    --writers="$held" 2>&1 | awk '/^\(a\) text only/ {a = $NF} /^\(b\) with/ {b = $NF} END {print a, b}')
  printf '%-4s macro-F1 words only %s, given category %s\n' "$name" "${line% *}" "${line#* }"
  echo "$line" >>"$results"
done
awk '{a += $1; b += $2; n++} END {printf "mean over %d writers: words only %.3f, given category %.3f\n", n, a / n, b / n}' "$results"
