#!/usr/bin/env bash
# Installs the system programs deckcast's tests and offline demo need, when they are missing:
#   espeak-ng              the offline voice
#   libcairo2              cairo, which cairosvg draws the illustrated pictures' SVGs with
#   fonts-noto-core        Noto Sans system-wide (LibreOffice draws the exported .pptx with it) and
#                          the Noto fonts of other scripts (Arabic, Hebrew, Devanagari, Thai,
#                          Bengali, Tamil, Khmer...) and of symbols, arrows and maths
#   fonts-noto-cjk         CJK glyphs (Chinese, Japanese, Korean slides)
#   fonts-noto-color-emoji emoji drawn as emoji
#   fontconfig             fc-list: finds the font of each script, and a font for any character
#   libfribidi0            Pillow's text layout (raqm) needs it to shape Arabic, Hebrew, Indic text
#   libreoffice-impress    soffice: the export tests prove that another program reads our .pptx
#   poppler-utils          pdftoppm: the export tests compare exported pages with the video's frames
# Extra packages can be named on the command line. Uses apt-get (Debian/Ubuntu) as root or via
# sudo; elsewhere it prints what to install and carries on (the tests that need a missing
# program then fail or skip with a message saying so). After installing, every package is
# probed again and the script fails naming any that is still missing, so a fresh machine
# either has everything the tests rely on or stops here.
set -euo pipefail

declare -A probe=(
  [espeak-ng]="command -v espeak-ng"
  [libcairo2]="ldconfig -p | grep -q 'libcairo\.so\.2 '"
  [fonts-noto-core]="noto_core"
  [fonts-noto-cjk]="test -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
  [fonts-noto-color-emoji]="test -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
  [postgresql]="ls /usr/lib/postgresql/*/bin/postgres"
  [libreoffice-impress]="command -v soffice"
  [poppler-utils]="command -v pdftoppm"
  [fontconfig]="command -v fc-list"
  [libfribidi0]="ldconfig -p | grep -q libfribidi.so.0"
)
wanted=(espeak-ng libcairo2 fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fontconfig libfribidi0
  libreoffice-impress poppler-utils "$@")

# Every font of fonts-noto-core the default set-up draws with (a partial install fails here).
noto_core() {
  local font
  for font in NotoSans-Regular NotoSans-Bold NotoSansArabic-Regular NotoSansHebrew-Regular \
    NotoSansDevanagari-Regular NotoSansThai-Regular NotoSansSymbols2-Regular NotoSansMath-Regular; do
    test -e "/usr/share/fonts/truetype/noto/$font.ttf" || return 1
  done
}

missing_now() {
  local pkg check
  for pkg in "${wanted[@]}"; do
    check="${probe[$pkg]:-dpkg -s $pkg}"
    if ! eval "$check" >/dev/null 2>&1; then echo "$pkg"; fi
  done
}

mapfile -t missing < <(missing_now)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1 || true
  mapfile -t still < <(missing_now)
  if [ ${#still[@]} -ne 0 ]; then
    echo "system packages still missing after apt-get: ${still[*]}" >&2
    exit 1
  fi
else
  echo "please install: ${missing[*]} (macOS: brew install espeak-ng poppler fribidi cairo, brew install --cask libreoffice; fonts: Noto Sans and its script families, Noto Sans CJK, Noto Color Emoji)" >&2
  # In CI a machine without apt-get must still have everything: fail, naming what is missing.
  [ "${CI:-}" = "true" ] && exit 1
fi
