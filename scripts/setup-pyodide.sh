#!/usr/bin/env bash
# Cài Pyodide 0.27.5 (gói npm) và các gói Python thuần mà nút Kiểm tra cần trong xlwings Lite, cho bài kiểm thử
# chạy mã nhúng của sổ trong Pyodide thật (tests/test_pyodide.py). Mọi thứ nằm trong tests/pyodide (git bỏ qua).
# Installs the pinned pyodide npm package and the pure wheels of tests/pyodide/wheels.txt for tests/test_pyodide.py.
set -euo pipefail
# PYTHON may be given relative to the caller's directory: resolve it before changing directory
PYTHON="${PYTHON:-python3}"
case "$PYTHON" in */*) PYTHON="$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")" ;; esac
cd "$(dirname "$0")/../tests/pyodide"
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
       nodejs npm >/dev/null) || echo "Không cài được Node.js/npm: bài kiểm thử Pyodide sẽ không chạy được." >&2
  else
    echo "Không có apt-get: hãy tự cài Node.js (>= 18) và npm." >&2
  fi
fi
[ -f node_modules/pyodide/pyodide.mjs ] || npm ci --no-audit --no-fund --loglevel=error
mkdir -p wheels
# "name==version" lines download a py3-none-any wheel; "name==version sdist" the source archive
while read -r spec kind; do
  case "$spec" in ""|\#*) continue ;; esac
  name="${spec%%==*}"
  if ls wheels | grep -qi "^${name//-/[-_]}-${spec##*==}[.-]"; then continue; fi
  if [ "${kind:-}" = sdist ]; then
    "$PYTHON" -m pip download -q --no-deps --no-binary :all: -d wheels "$spec"
  else
    "$PYTHON" -m pip download -q --no-deps --only-binary :all: --platform any --implementation py \
      --python-version 3.12 -d wheels "$spec"
  fi
done < wheels.txt
