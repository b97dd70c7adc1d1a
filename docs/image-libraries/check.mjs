// node check.mjs out/x.jpg -> JSON {w,h,upright,meta} ; upright = red at top-right, green at bottom-right (orientation 6 applied)
import sharp from 'sharp'; import exifr from 'exifr'; import fs from 'fs';
const f = process.argv[2], buf = fs.readFileSync(f);
const { data, info } = await sharp(buf, { autoOrient: false }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const px = (x, y) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
const is = (p, c) => p.every((v, i) => Math.abs(v - c[i]) < 60);
const tr = px(info.width - 8, 8), br = px(info.width - 8, info.height - 8);
const upright = info.width < info.height && is(tr, [255, 0, 0]) && is(br, [0, 255, 0]);
const all = await exifr.parse(buf, { tiff: true, exif: true, gps: true, xmp: true, icc: false, iptc: true, jfif: false, ihdr: false }).catch(() => null);
const m = await sharp(buf).metadata();
console.log(JSON.stringify({ f, w: info.width, h: info.height, upright, tr, br, exifTags: all ? Object.keys(all) : [], gps: !!(all && all.latitude),
  exifSeg: !!m.exif, xmp: !!m.xmp, icc: m.icc ? m.icc.length : 0, orientation: m.orientation ?? null }));
