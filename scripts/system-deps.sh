#!/usr/bin/env bash
# System packages TCX needs to build: ICU headers for PyICU (no wheel), a C++ compiler and
# pkg-config; to run: the Noto fonts that PDF reports embed. With --browser, also Debian's
# Chromium (and its CJK fonts) for the browser tests.
set -euo pipefail
need=()
pkg-config --exists icu-uc 2>/dev/null || need+=(libicu-dev pkg-config)
command -v g++ >/dev/null 2>&1 || need+=(g++)
[[ -f /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ]] || need+=(fonts-noto-core)
if [[ "${1:-}" == "--browser" ]] && [[ ! -x /usr/bin/chromium ]]; then
  need+=(chromium fonts-noto-core fonts-noto-cjk)
fi
[[ ${#need[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "TCX needs these system packages: ${need[*]} — install them with your package manager." >&2
  exit 1
fi
echo "Installing system packages: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
