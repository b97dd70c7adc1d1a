// pixel-limit checks: sharp's built-in limit, and wasm-vips header-only read (lazy) for a manual limit
import sharp from 'sharp'; import fs from 'fs'; import Vips from 'wasm-vips';
const buf = fs.readFileSync('src.jpg');
try { await sharp(buf, { limitInputPixels: 1e6 }).resize(100).toBuffer(); console.log('sharp: not refused'); } catch (e) { console.log('sharp limitInputPixels=1e6 ->', e.message); }
const v = await Vips({ dynamicLibraries: [] }); const t = performance.now(); const im = v.Image.newFromBuffer(buf);
console.log('wasm-vips header', im.width, 'x', im.height, 'in', Math.round(performance.now() - t), 'ms (pixels not decoded yet; refuse if w*h > limit)');
