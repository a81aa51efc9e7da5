#!/usr/bin/env bash
# Seeds fuzz/corpus/{session,weights_json,patterns}/ with the same inputs the fixed-seed test
# starts from (tests/fuzz_support/seeds.rs): the shipped sessions and lesson scenes, the
# version-1 fixtures, sessions built in code, their weights as JSON, and 0/1 data.
# Run from anywhere; it uses the main crate's release test build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
BOLTZVIZ_FUZZ_CORPUS="$root/fuzz/corpus" \
    cargo test --release --test persist_fuzz -- --exact \
    built_seeds_hold_clamps_annealing_and_learning_statistics_and_load
for target in session weights_json patterns; do
    echo "fuzz/corpus/$target: $(ls "fuzz/corpus/$target" | wc -l) files"
done
