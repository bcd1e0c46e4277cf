#!/usr/bin/env bash
# Retrain every shipped model, one after another, logging to runs/<name>.log.
# Usage: bash scripts/train_all.sh [DATA_FOLDER] [MODEL ...]
# On a 2-core CPU: transfer ~30 min for its head, then ~20 min to fine-tune its top 4 MobileNet blocks, baseline/augmented/normalized ~12 min each,
# classic and compact several hours (they were trained on a GPU: see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-${CNN_CLASSROOM_DATA:-../shared/data/cats_dogs}}
shift || true
wanted=${*:-transfer compact classic baseline augmented normalized}
mkdir -p runs
for name in $wanted; do : > "runs/$name.log"; done
run() {
  name=$1; shift
  case " $wanted " in *" $name "*) ;; *) return 0;; esac
  echo "== $name $(date -u +%FT%TZ)"
  python -m core.training.train --data "$data" --name "$name" --verbose 2 "$@" >> "runs/$name.log" 2>&1
  tail -1 "runs/$name.log"
}
# transfer in two steps: the head on the frozen base's cached features, then the top 4 blocks fine-tuned from it.
run transfer   --arch transfer   --epochs 20 --patience 5  --image-size 384 --cache-features
run transfer   --arch transfer   --epochs 12 --patience 4  --image-size 384 --fine-tune-blocks 4 --learning-rate 1e-4 \
               --start-from models/transfer
run compact    --arch compact    --epochs 26 --patience 10 --augmentation training --learning-rate 0.002
run classic    --arch classic    --epochs 40 --patience 10 --augmentation training
run baseline   --arch baseline   --epochs 6  --patience 3  --augmentation none
run augmented  --arch augmented  --epochs 6  --patience 3  --augmentation flip_rotate
run normalized --arch normalized --epochs 6  --patience 3  --augmentation flip_rotate
# Training rewrites each card: fit the temperature and the "neither" score again.
# shellcheck disable=SC2086
python -m core.trust.fit --data "$data" $(for name in $wanted; do echo "models/$name"; done)
# And the training photos' features behind the Inside page's "Similar training photos".
# shellcheck disable=SC2086
python -m core.explain.neighbour_bank --data "$data" $(for name in $wanted; do echo "models/$name"; done)
