// One run in a fresh process: node prep.mjs <lib> <in> <out>  -> prints JSON {lib, ms, hwmMB, bytes}
// Task: upright by EXIF orientation, fit in 1024x1024 (never enlarge), strip metadata, JPEG q85.
import fs from 'fs'; import path from 'path'; import { createRequire } from 'module';
const [lib, inp, outp] = process.argv.slice(2); const req = createRequire(import.meta.url);
const hwm = () => +fs.readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+)/)[1] / 1024;
const fit = (w, h) => { const s = Math.min(1, 1024 / Math.max(w, h)); return [Math.round(w * s), Math.round(h * s)]; };
const t0 = performance.now(); let out;
const input = fs.readFileSync(inp);
if (lib === 'sharp') {
  const sharp = (await import('sharp')).default;
  sharp.concurrency(2); // pixel limit default 268 MP; set limitInputPixels for a tighter cap
  out = await sharp(input, { limitInputPixels: 50e6 }).rotate().resize(1024, 1024, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 85 }).toBuffer(); // no withMetadata() => EXIF/XMP/GPS dropped; ICC converted to sRGB
} else if (lib === 'wasm-vips') {
  const Vips = (await import('wasm-vips')).default; const vips = await Vips({ dynamicLibraries: [] });
  const im = vips.Image.thumbnailBuffer(input, 1024, { height: 1024, size: 'down', no_rotate: false, export_profile: 'srgb' });
  out = Buffer.from(im.writeToBuffer('.jpg', { Q: 85, keep: 0 /* none */ })); im.delete();
} else if (lib === 'jimp') {
  const { Jimp } = await import('jimp');
  const im = await Jimp.read(input); // jimp applies EXIF orientation on read
  im.scaleToFit({ w: Math.min(1024, im.width), h: Math.min(1024, im.height) });
  out = await im.getBuffer('image/jpeg', { quality: 85 });
} else if (lib === 'jsquash') {
  const exifr = (await import('exifr')).default; const d = path.dirname(req.resolve('@jsquash/jpeg/package.json'));
  const mod = p => new WebAssembly.Module(fs.readFileSync(p));
  const dec = await import('@jsquash/jpeg/decode.js'), enc = await import('@jsquash/jpeg/encode.js'), rs = await import('@jsquash/resize');
  await dec.init(mod(d + '/codec/dec/mozjpeg_dec.wasm')); await enc.init(mod(d + '/codec/enc/mozjpeg_enc.wasm'));
  await rs.initResize(mod(path.dirname(req.resolve('@jsquash/resize/package.json')) + '/lib/resize/pkg/squoosh_resize_bg.wasm'));
  const ori = (await exifr.orientation(input)) || 1; // no pixel limit check built in: read SOF dims first in production
  let im = await dec.default(input); // RGBA; mozjpeg build ignores EXIF orientation (preserveOrientation=false)
  const swap = ori >= 5; const [w, h] = fit(swap ? im.height : im.width, swap ? im.width : im.height);
  im = await rs.default(im, { width: swap ? h : w, height: swap ? w : h }); // resize first, then rotate the small image
  if (ori !== 1) im = orient(im, ori);
  out = Buffer.from(await enc.default(im, { quality: 85 }));
} else throw new Error('unknown lib ' + lib);
const ms = performance.now() - t0, cu = process.cpuUsage(); fs.writeFileSync(outp, out); // cpu = whole process incl. startup/worker threads
console.log(JSON.stringify({ lib, ms: Math.round(ms), cpuMs: Math.round((cu.user + cu.system) / 1000), hwmMB: Math.round(hwm()), bytes: out.length }));
function orient(im, o) { // EXIF orientations 2..8 on RGBA ImageData
  const { width: W, height: H, data: s } = im, sw = o >= 5, w = sw ? H : W, h = sw ? W : H, d = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let X, Y; switch (o) { case 2: X = W - 1 - x; Y = y; break; case 3: X = W - 1 - x; Y = H - 1 - y; break; case 4: X = x; Y = H - 1 - y; break;
      case 5: X = y; Y = x; break; case 6: X = H - 1 - y; Y = x; break; case 7: X = H - 1 - y; Y = W - 1 - x; break; case 8: X = y; Y = W - 1 - x; break; }
    d.set(s.subarray((y * W + x) * 4, (y * W + x) * 4 + 4), (Y * w + X) * 4);
  }
  return { width: w, height: h, data: d, colorSpace: 'srgb' };
}
