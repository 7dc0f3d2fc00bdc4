#!/usr/bin/env bash
# Debian packages the tests use: chromium (browser tests), espeak-ng and sox (test speech).
set -uo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "NOTE: ${missing[*]} not installed and not root: the tests that need them will fail."
  echo "      Install with: sudo apt-get install -y ${missing[*]}"
fi
exit 0
