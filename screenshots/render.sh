#!/usr/bin/env bash
# Renders every view and every lesson of the real app headless (Xvfb) into screenshots/.
# Run from the repo root.
set -euo pipefail
cargo build --release --quiet
shot() { xvfb-run -a -s "-screen 0 1280x800x24" ./target/release/boltzviz screenshot "$@"; }
for view in network compare distribution weights learning landscape tempering; do
  shot --view "$view" --out "screenshots/$view.png" --frames 150
  echo "wrote screenshots/$view.png"
done
for k in 1 2 3 4 5 6 7 8; do
  shot --lesson "$k" --out "screenshots/lesson-$k.png" --frames 60
  echo "wrote screenshots/lesson-$k.png"
done
