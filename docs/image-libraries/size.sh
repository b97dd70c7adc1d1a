#!/bin/sh
# install size per library, each in its own clean folder
mkdir -p "$(dirname "$0")/size" && cd "$(dirname "$0")/size"
for spec in "wasm-vips" "sharp" "jimp" "@jsquash/jpeg @jsquash/png @jsquash/webp @jsquash/avif @jsquash/resize exifr" "exifr" "sharp@0.35.5 @img/sharp-wasm32@0.35.5 --cpu=wasm32"; do
  d=$(echo "$spec" | tr -c 'a-z0-9\n' '_' | cut -c1-40); rm -rf "$d"; mkdir "$d"; (cd "$d" && npm init -y >/dev/null && npm install --no-audit --no-fund $spec >/dev/null 2>&1)
  echo "$(du -sh "$d/node_modules" | cut -f1)	$spec	$(ls $d/node_modules/@img 2>/dev/null | tr '\n' ' ')"
done
