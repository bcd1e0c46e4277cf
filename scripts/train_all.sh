#!/usr/bin/env bash
# Retrain every shipped model, one after another, logging to runs/<name>.log.
# Usage: bash scripts/train_all.sh [DATA_FOLDER] [MODEL ...]
# About 2.5 hours on a 2-core CPU for all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-${CNN_CLASSROOM_DATA:-../shared/data/cats_dogs}}
shift || true
wanted=${*:-transfer classic baseline augmented normalized}
mkdir -p runs
run() {
  name=$1; shift
  case " $wanted " in *" $name "*) ;; *) return 0;; esac
  echo "== $name $(date -u +%FT%TZ)"
  python -m core.train --data "$data" --name "$name" --verbose 2 "$@" > "runs/$name.log" 2>&1
  tail -1 "runs/$name.log"
}
run transfer   --arch transfer   --epochs 12 --patience 4  --augmentation training
run classic    --arch classic    --epochs 18 --patience 8  --augmentation training
run baseline   --arch baseline   --epochs 6  --patience 3  --augmentation none
run augmented  --arch augmented  --epochs 6  --patience 3  --augmentation flip_rotate
run normalized --arch normalized --epochs 6  --patience 3  --augmentation flip_rotate
