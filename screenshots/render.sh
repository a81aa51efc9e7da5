#!/usr/bin/env bash
# Renders every view of the real app headless (Xvfb) into screenshots/. Run from the repo root.
set -euo pipefail
cargo build --release --quiet
for view in network compare distribution weights learning; do
  xvfb-run -a -s "-screen 0 1280x800x24" ./target/release/boltzviz screenshot --view "$view" --out "screenshots/$view.png" --frames 150
  echo "wrote screenshots/$view.png"
done
