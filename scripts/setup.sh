#!/usr/bin/env bash
# Set up a Debian/Ubuntu machine for patientpacks: the system libraries
# WeasyPrint needs, then a virtual environment with the Python dependencies.
# Safe and quick to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pango lays out text; HarfBuzz-Subset makes font subsetting 5-10x faster than
# WeasyPrint's fontTools fallback; fonts-noto-cjk has the Chinese fonts (too big
# to ship in the repository; the other fonts are in assets/fonts); poppler-utils
# (pdftoppm), mupdf-tools (mutool) and ghostscript render pages to PNG for
# looking at them, and the tests compare what each renderer draws (PDFium comes
# from PyPI, pypdfium2); gettext's msgcat formats a catalogue as Poedit saves
# it (tests/test_round_trips.py); chromium is the browser the front desk's
# tests drive with Playwright (and the benchmark's warm-Chromium comparison):
# Debian's, since Playwright is told never to download one of its own.
system_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk poppler-utils mupdf-tools ghostscript gettext chromium)
missing=()
for package in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    echo "setup: please install these system libraries by hand: ${missing[*]} (see README)" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The virtual environment, reinstalled only when pyproject.toml changes or
# it holds fewer extras than these.
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=.venv/.setup-stamp
extras=test,serve
# Playwright's package would fetch a browser build of its own; it drives Debian's.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [[ "$(cat "$stamp")" != *"$extras"* ]]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[$extras]"
  echo "$extras" > "$stamp"
fi
