#!/usr/bin/env bash
# The quick start's review account: "demo" (admin: every commune), made once with a random
# password kept beside the data it can see, readable only by its owner.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${SOHOA_DATA_DIR:-sohoa-data}
PW_FILE="$DATA/demo-password.txt"
mkdir -p "$DATA"
if [ ! -s "$PW_FILE" ]; then
  umask 077
  .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))' > "$PW_FILE.tmp"
  .venv/bin/sohoa users add demo --role admin --password-stdin < "$PW_FILE.tmp"
  mv "$PW_FILE.tmp" "$PW_FILE"
fi
echo "Review UI: run '.venv/bin/sohoa serve' and log in at http://127.0.0.1:8000/ as 'demo'"
echo "           with the password in $PW_FILE"
