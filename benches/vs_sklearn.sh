#!/bin/sh
# BoltzViz against scikit-learn and numpy on this machine, one thread each (see vs_sklearn.py).
# Usage: benches/vs_sklearn.sh [path/to/boltzviz]
set -eu
here=$(dirname "$0")
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
py=${PYTHON:-python3}
if ! command -v "$py" >/dev/null 2>&1; then
    echo "Python 3 ($py) is not installed: the scikit-learn and numpy comparison cannot run." >&2
    echo "Install Python 3 with numpy and scikit-learn, or set PYTHON to its path." >&2
    exit 3
fi
exec "$py" "$here/vs_sklearn.py" "$@"
