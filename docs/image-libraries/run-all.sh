#!/bin/sh
# Re-runs everything; the table is printed by table.mjs (last step). ~4 min on 2 busy cores.
set -e; cd "$(dirname "$0")"
node make-source.mjs      # src.jpg 4032x3024, EXIF Orientation 6 + GPS, red/green corner markers (verified with exifr)
node make-formats.mjs     # fmt/: webp avif svg cmyk.jpg 16bit.png (+ t.heic copied from libheif's examples/example.heic)
[ -s size.txt ] || ./size.sh > size.txt   # install sizes, each library in its own clean folder under size/
cp prep.mjs formats.mjs size/sharp_0_35_5__img_sharp_wasm32_0_35_5___/   # sharp-wasm32 runs resolve sharp from that folder
uptime; node bench.mjs 5; uptime          # 5 fresh processes per library -> bench.json
node icc.mjs; node limit.mjs
node table.mjs
