// node formats.mjs <lib> -> JSON {file: "ok r,g,b" | "FAIL msg"}; pixel (8,8) shown to spot wrong colours (CMYK)
import fs from 'fs'; import path from 'path'; import { createRequire } from 'module';
const lib = process.argv[2], req = createRequire(import.meta.url), res = {};
const files = ['t.webp', 't.avif', 't.svg', 't.heic', 'cmyk.jpg', '16bit.png'];
let dec;
if (lib === 'sharp') { const sharp = (await import('sharp')).default;
  dec = async b => { const { data, info } = await sharp(b).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }); return [...data.subarray((8 * info.width + 8) * 3, (8 * info.width + 8) * 3 + 3)]; };
} else if (lib === 'wasm-vips') { const v = await (await import('wasm-vips')).default({ dynamicLibraries: ['vips-jxl.wasm', 'vips-heif.wasm', 'vips-resvg.wasm'] }); // resvg is opt-in
  dec = async b => { let im = v.Image.newFromBuffer(b); if (im.interpretation !== 'srgb') im = im.colourspace('srgb'); if (im.format !== 'uchar') im = im.cast('uchar'); return im.getpoint(8, 8).slice(0, 3).map(Math.round); };
} else if (lib === 'jimp') { const { Jimp } = await import('jimp');
  dec = async b => { const im = await Jimp.read(b); const c = im.getPixelColor(8, 8); return [c >>> 24, (c >> 16) & 255, (c >> 8) & 255]; };
} else if (lib === 'jsquash') {
  const mod = (pkg, p) => new WebAssembly.Module(fs.readFileSync(path.dirname(req.resolve(pkg + '/package.json')) + p));
  const j = await import('@jsquash/jpeg/decode.js'); await j.init(mod('@jsquash/jpeg', '/codec/dec/mozjpeg_dec.wasm'));
  const p = await import('@jsquash/png/decode.js'); await p.init(mod('@jsquash/png', '/codec/pkg/squoosh_png_bg.wasm'));
  const w = await import('@jsquash/webp/decode.js'); await w.init(mod('@jsquash/webp', '/codec/dec/webp_dec.wasm'));
  const a = await import('@jsquash/avif/decode.js'); await a.init(mod('@jsquash/avif', '/codec/dec/avif_dec.wasm'));
  const by = { webp: w, avif: a, jpg: j, png: p };
  dec = async (b, f) => { if (f.endsWith('.heic')) { // add-on: libheif-js (LGPL-3.0, wasm)
      const libheif = (await import('libheif-js/wasm-bundle.js')).default; const img = new libheif.HeifDecoder().decode(b)[0];
      const W = img.get_width(), H = img.get_height(), out = new Uint8ClampedArray(W * H * 4);
      await new Promise(r => img.display({ data: out, width: W, height: H }, r)); return [...out.subarray((8 * W + 8) * 4, (8 * W + 8) * 4 + 3)]; }
    const m = by[f.split('.').pop()]; if (!m) throw new Error('no decoder'); const im = await m.default(b);
    return im.data.BYTES_PER_ELEMENT === 1 ? [...im.data.subarray((8 * im.width + 8) * 4, (8 * im.width + 8) * 4 + 3)] : 'non-8-bit ' + im.data.constructor.name; };
}
for (const f of files) { try { res[f] = 'ok ' + (await dec(fs.readFileSync('fmt/' + f), f)); } catch (e) { res[f] = 'FAIL ' + String(e?.message || e).split('\n')[0].slice(0, 60); } }
console.log(JSON.stringify({ lib, ...res }));
