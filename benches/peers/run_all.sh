#!/usr/bin/env bash
# Runs every peer baseline of docs/benchmarks.md with its default sizes and writes
# $PEERS_WORK/results/peers.jsonl: a "meta" line (versions, CPU) and one JSON line per workload.
# Works from any directory: it changes into its own folder (benches/peers) before running.
# PEERS_WORK defaults to target/peers of this checkout (git-ignored); the virtual environment with
# numpy, scipy, pymoo, DEAP, scikit-learn, numba, JAX and Optuna is created there on first use.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${PEERS_WORK:-$repo/target/peers}
mkdir -p "$work/results"
PY=$work/.venv/bin/python
if [ ! -x "$PY" ]; then
  python3 -m venv "$work/.venv"
fi
if ! "$PY" -c 'import numpy, scipy, pymoo, deap, sklearn, numba, jax, optuna' 2>/dev/null; then
  "$work/.venv/bin/pip" install -q numpy scipy pymoo deap scikit-learn numba jax optuna
fi
cd "$here"
OUT=$work/results/peers.jsonl
: > "$OUT"
"$PY" -c 'import json,time,_common; d=_common.env_info(); d.update(workload="meta", date=time.strftime("%Y-%m-%dT%H:%M:%S%z")); print(json.dumps(d))' >> "$OUT"
for w in hkb_ensemble arnold_tongues kuramoto zdt1_nsga2 nm_sync mlp_train \
         hkb_ensemble_numba arnold_tongues_numba kuramoto_numba hkb_ensemble_jax nas_optuna; do
  echo "== $w" >&2
  start=$(date +%s.%N)
  "$PY" "$w.py" | tee -a "$OUT" | cut -c1-300 >&2
  echo "   (process wall $(echo "$(date +%s.%N) - $start" | bc) s)" >&2
done
echo "wrote $OUT" >&2
