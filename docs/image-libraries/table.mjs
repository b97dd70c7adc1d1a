// node table.mjs -> prints the markdown table (needs bench.json from bench.mjs and size.txt from size.sh; runs formats.mjs itself)
import fs from 'fs'; import { execFileSync } from 'child_process';
const b = JSON.parse(fs.readFileSync('bench.json', 'utf8')), size = fs.readFileSync('size.txt', 'utf8');
const sz = k => (size.split('\n').find(l => l.split('\t')[1] === k) || '?').split('\t')[0];
const W32 = 'size/sharp_0_35_5__img_sharp_wasm32_0_35_5___';
const fm = l => JSON.parse(execFileSync('node', l === 'sharp-wasm32' ? ['-r', './block-native.cjs', `${W32}/formats.mjs`, 'sharp'] : ['formats.mjs', l], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n').pop());
const ref = [227, 147, 148]; // CMYK test colour as converted by lcms (vips); off by >15 => wrong colours
const fmts = (r, l) => [['t.webp', 'WebP'], ['t.avif', 'AVIF'], ['t.svg', 'SVG'], ['t.heic', 'HEIC' + (l === 'jsquash' ? '(via libheif-js)' : '')], ['cmyk.jpg', 'CMYK'], ['16bit.png', '16-bit PNG']].map(([f, n]) => {
  const v = r[f]; if (!v.startsWith('ok')) return `~~${n}~~`;
  if (f === 'cmyk.jpg' && v.slice(3).split(',').some((c, i) => Math.abs(c - ref[i]) > 15)) return `${n}(wrong colours ${v.slice(3)})`;
  return n; }).join(' ');
const meta = {
  sharp: ['native per OS/arch (@img/sharp-<os>-<arch> + libvips .so/.dll)', sz('sharp'), 'Apache-2.0; libvips binaries LGPL-3.0-or-later (libvips, libheif, glib, libexif, rsvg, cairo, pango LGPL; aom/webp/mozjpeg BSD-ish); no HEVC (libde265/x265 not bundled)'],
  'sharp-wasm32': ['yes (wasm, experimental; same API)', sz('sharp@0.35.5 @img/sharp-wasm32@0.35.5 --cpu=wasm32'), 'Apache-2.0 AND LGPL-3.0-or-later AND MIT; same codecs as native, no HEVC'],
  'wasm-vips': ['yes (wasm)', sz('wasm-vips'), 'MIT wrapper; libvips/libheif/glib/libexif LGPL-3.0; aom BSD-2+AOM patent licence; mozjpeg/webp/jxl BSD; resvg MIT; no libde265/x265'],
  jimp: ['yes (pure JS)', sz('jimp'), 'MIT; jpeg-js BSD-3, pngjs MIT'],
  jsquash: ['yes (wasm)', sz('@jsquash/jpeg @jsquash/png @jsquash/webp @jsquash/avif @jsquash/resize exifr'), 'Apache-2.0 (mozjpeg IJG/BSD-3/zlib, libwebp BSD-3, libavif/aom/dav1d BSD-2, Rust png/resize MIT/Apache); exifr MIT; HEIC only via add-on libheif-js LGPL-3.0 (+libde265 LGPL-3.0, 6.2M)'] };
console.log('| library | wall ms, median of 5 (all runs; load1) | CPU ms (median) | peak RSS MB | output bytes | upright | metadata gone | install | platform-neutral | decodes | licence |\n|---|---|---|---|---|---|---|---|---|---|---|');
for (const [l, r] of Object.entries(b)) { const c = r.check, m = meta[l];
  console.log(`| ${l} | ${r.ms} (runs ${r.allMs.join('/')}; load1 ${r.load1[0]}–${r.load1.at(-1)}) | ${r.cpuMs} | ${r.hwmMB} | ${r.bytes} (${c.w}×${c.h}) | ${c.upright ? 'yes' : 'NO'} | ${!c.gps && !c.exifSeg && !c.xmp && !c.exifTags.length ? 'yes' : 'NO'} | ${m[1]} | ${m[0]} | ${fmts(fm(l), l)} | ${m[2]} |`); }
