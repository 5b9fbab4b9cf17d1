#!/usr/bin/env bash
# Installs the system programs deckcast's tests and offline demo need, when they are missing:
#   espeak-ng        the offline voice
#   fonts-noto-cjk   CJK glyphs (Chinese, Japanese, Korean slides)
#   libreoffice-impress  soffice: the export tests prove that another program reads our .pptx
#   poppler-utils    pdftoppm: the export tests compare exported pages with the video's frames
# Extra packages can be named on the command line. Uses apt-get (Debian/Ubuntu) as root or via
# sudo; elsewhere it prints what to install and carries on (the tests that need a missing
# program then fail or skip with a message saying so).
set -euo pipefail

declare -A probe=(
  [espeak-ng]="command -v espeak-ng"
  [fonts-noto-cjk]="test -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
  [postgresql]="ls /usr/lib/postgresql/*/bin/postgres"
  [libreoffice-impress]="command -v soffice"
  [poppler-utils]="command -v pdftoppm"
)
wanted=(espeak-ng fonts-noto-cjk libreoffice-impress poppler-utils "$@")
missing=()
for pkg in "${wanted[@]}"; do
  check="${probe[$pkg]:-dpkg -s $pkg}"
  if ! eval "$check" >/dev/null 2>&1; then missing+=("$pkg"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "please install: ${missing[*]} (macOS: brew install espeak-ng poppler, brew install --cask libreoffice; fonts: any Noto Sans CJK)" >&2
fi
