// small test inputs in fmt/: webp, avif, svg, cmyk jpeg, 16-bit png, heic (if some encoder here can write HEVC)
import sharp from 'sharp'; import fs from 'fs';
const base = () => sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 200, g: 40, b: 40, alpha: 0.5 } } });
await base().webp().toFile('fmt/t.webp'); await base().avif().toFile('fmt/t.avif');
await base().flatten({ background: '#fff' }).toColourspace('cmyk').jpeg().toFile('fmt/cmyk.jpg');
await base().toColourspace('rgb16').png().toFile('fmt/16bit.png');
fs.writeFileSync('fmt/t.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><rect width="64" height="48" fill="#c82828"/></svg>');
try { const Vips = (await import('wasm-vips')).default; const v = await Vips();
  const im = v.Image.newFromBuffer(fs.readFileSync('fmt/cmyk.jpg')).colourspace('srgb');
  fs.writeFileSync('fmt/t.heic', im.heifsaveBuffer({ compression: 'hevc' })); console.log('heic via wasm-vips ok');
} catch (e) { console.log('no HEVC encoder in wasm-vips:', String(e.message || e).split('\n')[0]); }
for (const f of fs.readdirSync('fmt')) { const m = await sharp('fmt/' + f).metadata().catch(e => ({ err: e.message }));
  console.log(f, m.format, m.space, m.depth, m.channels, m.err || ''); }
