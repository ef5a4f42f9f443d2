#!/usr/bin/env bash
# Cài kdcl và những gì nó cần trên một máy Debian/Ubuntu mới: Python 3.11+ với venv, LibreOffice (tính lại
# công thức, chuyển văn bản sang PDF trong các bài kiểm thử), phông chữ, poppler; rồi kdcl vào môi trường
# riêng .venv/ của thư mục này. Sau đó chạy: .venv/bin/kdcl …  và  .venv/bin/python -m pytest
#
# Installs kdcl on a fresh Debian 12 / Ubuntu 24.04 machine. Why its own .venv/: the system Python is
# "externally managed" (PEP 668: pip refuses to install into it), and a venv in the checkout needs nothing
# that a stock machine lacks (python3-venv comes from apt) — unlike uv or pipx. The README calls
# .venv/bin/kdcl and .venv/bin/python by path, so no `activate` is needed in any shell, CI included.
# Running it again is safe: it reuses a working .venv/ and only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

python_ok() {  # a python3 of at least 3.11 that can make a venv with pip
  command -v python3 >/dev/null 2>&1 \
    && python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

missing_packages() {
  local want=()
  python_ok || want+=(python3 python3-venv)
  if ! command -v soffice >/dev/null 2>&1; then want+=(libreoffice-calc libreoffice-writer python3-uno); fi
  command -v pdftotext >/dev/null 2>&1 || want+=(poppler-utils)
  local p
  for p in fonts-liberation fonts-crosextra-carlito; do installed "$p" || want+=("$p"); done
  echo "${want[@]}"
}

install_system_packages() {
  local want
  want=$(missing_packages)
  [ -z "$want" ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Không có apt-get: hãy tự cài: $want" >&2
    return 0
  fi
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    echo "Cần quyền quản trị để cài: $want (chạy lại bằng sudo, hoặc nhờ người quản trị máy cài)." >&2
    return 0
  fi
  echo "Đang cài gói hệ thống: $want (có thể mất vài phút)…"
  # shellcheck disable=SC2086  # the package list is meant to split into words
  ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $want \
     >/dev/null) \
    || echo "Không cài được một số gói ($want); các bài kiểm thử cần LibreOffice sẽ được bỏ qua." >&2
}

install_system_packages
if ! python_ok; then
  echo "Cần Python 3.11 trở lên có mô-đun venv (gói python3-venv); hãy cài rồi chạy lại lệnh này." >&2
  exit 1
fi
if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'
# Bytecode of kdcl's own modules, as a wheel install compiles it: an editable install leaves that to the first
# run, which never stores it where PYTHONDONTWRITEBYTECODE is set — then every command compiles ≈ 140 modules
# again before doing anything (≈ 0,1 s). Python recompiles in memory any module edited since.
"$VENV/bin/python" -m compileall -q -j 0 xlbridge >/dev/null
echo "Đã cài kdcl $("$VENV/bin/kdcl" --version | awk '{print $NF}') vào $VENV/. Dùng: $VENV/bin/kdcl --help"
# Pyodide 0.27.5 + gói thuần cho bài kiểm thử chạy nút Kiểm tra như xlwings Lite (tests/test_pyodide.py).
PYTHON="$PWD/$VENV/bin/python" bash scripts/setup-pyodide.sh
