#!/usr/bin/env bash
# Cài kdcl và những gì nó cần trên một máy mới (Debian/Ubuntu): LibreOffice (để tính lại công thức
# và chuyển văn bản sang PDF trong các bài kiểm thử) và các gói Python của dự án.
# Installs kdcl and what it needs on a fresh Debian/Ubuntu machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
       libreoffice-calc libreoffice-writer poppler-utils fonts-liberation fonts-crosextra-carlito python3-uno >/dev/null) \
      || echo "Không cài được LibreOffice; các bài kiểm thử cần LibreOffice sẽ được bỏ qua." >&2
  else
    echo "Không có apt-get: hãy tự cài LibreOffice nếu cần." >&2
  fi
fi
python -m pip install -q -e '.[test]'
