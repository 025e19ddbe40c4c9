#!/usr/bin/env bash
# Installs everything qdgen needs (Debian packages, a virtual environment with the project)
# and builds the bundled fixtures into out/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  libreoffice-writer-nogui   # PDF/A archive copies (driven headless)
  libreoffice-calc-nogui     # the exported register (.xlsx) opened in the tests
  postgresql                 # a shared outgoing register; the tests start a throw-away server of their own
  fonts-liberation2          # Liberation Serif: Times New Roman metrics, every Vietnamese letter
  poppler-utils              # pdftoppm (previews), pdftotext/pdffonts (tests)
  python3-uno                # a LibreOffice kept warm for fast previews (archive/warm.py, system Python)
  libpdfbox2-java libactivation-java libjaxb-api-java   # PDFBox Preflight, the PDF/A validator in the tests
  chromium chromium-driver   # the web page's browser tests (Selenium drives /usr/bin/chromium; nothing downloaded)
)
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
# Byte-compile the package as an installed one would be: with PYTHONDONTWRITEBYTECODE set (as on some
# machines) every command would otherwise compile it again (about 0,05 s of each command's start).
.venv/bin/python -m compileall -q pipeline >/dev/null

.venv/bin/qdgen build fixtures/cases/* --out out
