#!/usr/bin/env bash
# System packages the test suite needs beyond Python and npm (browser tests: Debian's chromium).
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "scripts/test-deps.sh: chromium and chromium-driver are needed for the browser tests;" \
       "install them (apt-get install chromium chromium-driver) or run as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
