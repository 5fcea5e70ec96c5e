#!/usr/bin/env bash
# Install everything sohoa needs on a Debian machine: system packages, a virtual
# environment in .venv, and the package itself with its test extras.
# Idempotent: a second run only checks. Needs root or sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd  # the OCR engine and its languages
  poppler-utils qpdf                                                    # pdf2image's renderer; PDF repair/inspection
  fonts-dejavu-core fonts-noto-core                                     # fonts with full Vietnamese coverage
  libgl1 libglib2.0-0                                                   # OpenCV's runtime libraries
  redis-server                                                          # Celery broker for scale-out and its tests
  postgresql                                                            # the PostgreSQL server the tests start on loopback
  chromium chromium-driver                                              # headless browser tests of the review UI
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts redis-server and postgresql as services on install; sohoa's tests start their own on loopback.

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade "pip>=24" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install -q -e ".[test]" 2>&1 | grep -vE "^WARNING: Location|^\s*$" || true
.venv/bin/python -c "import sohoa, cv2, pytesseract, layoutparser" \
  || { echo "setup: the Python environment is incomplete" >&2; exit 1; }
echo "setup: ready ($(tesseract --version 2>&1 | head -1); languages: $(tesseract --list-langs 2>/dev/null | tail -n +2 | tr '\n' ' '))"
