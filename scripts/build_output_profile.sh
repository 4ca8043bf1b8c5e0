#!/usr/bin/env bash
# Rebuild the print-shop edition's default output profile,
# assets/colour/FOGRA39-patientpacks.icc, from Debian's copy of Fogra's FOGRA39
# characterization data, with ArgyllCMS's colprof.
#
#   bash scripts/build_output_profile.sh           # rebuild the asset in place
#   bash scripts/build_output_profile.sh --check   # rebuild into a temporary file and
#                                                  # compare it byte for byte with the asset
#
# The profile is committed, not built by the set-up: every print-shop PDF
# embeds it, so its bytes are part of every print-shop PDF, and a profile
# rebuilt by another ArgyllCMS release differs (its tables are fitted anew).
# Built from the same inputs by the same colprof, it is byte-identical: the
# creation date in the ICC header, the only thing colprof takes from the
# clock, is set to a fixed date below.
#
# Inputs (both from Debian's icc-profiles-free 2.0.1+dfsg-1.1, zlib licence;
# see /usr/share/doc/icc-profiles-free/copyright):
#   FOGRA39L.ti3  Fogra's measurements of ISO 12647-2:2004/Amd 1 offset printing
#                 on coated paper (the FOGRA39 printing condition), 1,617 CMYK
#                 patches with their CIELAB values;
#   sRGB.icc      the source gamut for the perceptual table (leaflets are sRGB).
# Tool: ArgyllCMS colprof 2.3.1 (Debian argyll 2.3.1+repack-1.1+b1, AGPL-3;
# the licence covers the program, not the profiles it writes).
set -euo pipefail
cd "$(dirname "$0")/.."

target=assets/colour/FOGRA39-patientpacks.icc
ti3=/usr/share/color/icc/FOGRA39L.ti3
srgb=/usr/share/color/icc/sRGB.icc
ti3_sha256=e44e6dfa81633588db98b5613a821d4a936d3d9438d2eb983083c3232df393fa
srgb_sha256=2a92d4bae450b76d8b0aa42193df974d75f62738ecebf74f01c5e75b12a95796
argyll_version=2.3.1
# 2026-12-01 00:00:00, as the ICC header's six big-endian 16-bit numbers.
header_date='\x07\xea\x00\x0c\x00\x01\x00\x00\x00\x00\x00\x00'

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v colprof >/dev/null || [ ! -f "$ti3" ] || [ ! -f "$srgb" ]; then
  echo "build_output_profile: needs Debian's argyll and icc-profiles-free: apt-get install argyll icc-profiles-free" >&2
  exit 1
fi
for pair in "$ti3 $ti3_sha256" "$srgb $srgb_sha256"; do
  read -r file expected <<<"$pair"
  if [ "$(sha256sum "$file" | cut -d' ' -f1)" != "$expected" ]; then
    echo "build_output_profile: $file is not the file this profile was built from (SHA-256 differs)" >&2
    exit 1
  fi
done
# colprof with no arguments prints its version and usage, and exits 1.
installed=$({ colprof 2>&1 || true; } | sed -n 's/^Create ICC profile, Version \([0-9.]*\).*/\1/p')
if [ "$installed" != "$argyll_version" ]; then
  echo "build_output_profile: warning: colprof $installed, not $argyll_version: the profile will differ from the committed one" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$ti3" "$work/FOGRA39L.ti3"
# -qm: medium quality (colprof's default grid); -kr: black generation ramps
# from none at white to full at black; -l 330: a total ink limit of 330%, the
# limit of the ECI's ISO Coated v2 profile for the same printing condition;
# -nc: leave the 1,617 measurements out of the profile (it is embedded in
# every PDF); -S with -cmt -dpp: a perceptual table that maps the sRGB gamut,
# seen on a monitor, onto prints viewed in an ordinary room.
(
  cd "$work"
  colprof -qm -kr -l 330 -nc -S "$srgb" -cmt -dpp \
    -A "patientpacks" \
    -D "FOGRA39 coated offset (patientpacks, from Fogra's FOGRA39L data)" \
    -C "Built with ArgyllCMS colprof $argyll_version from FOGRA39L.ti3 (Fogra), as packaged in Debian's icc-profiles-free under the zlib licence" \
    FOGRA39L >/dev/null
)
printf "$header_date" | dd of="$work/FOGRA39L.icc" bs=1 seek=24 conv=notrunc status=none

if $check; then
  if cmp -s "$work/FOGRA39L.icc" "$target"; then
    echo "build_output_profile: $target rebuilds byte for byte"
  else
    echo "build_output_profile: the rebuilt profile differs from $target" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$target")"
  mv "$work/FOGRA39L.icc" "$target"
  echo "build_output_profile: wrote $target ($(sha256sum "$target" | cut -d' ' -f1))"
fi
