// ICC test: fmt/p3.jpg = sRGB colour (200,100,50) converted by sharp to Display-P3 values (~186,105,62) + P3 profile.
// Correct: output keeps the profile, or converts back to sRGB (~200,101,52). Wrong: P3 values kept, profile dropped (colour shift).
import sharp from 'sharp'; import { execFileSync } from 'child_process'; import fs from 'fs';
await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 100, b: 50 } } }).withIccProfile('p3').jpeg({ quality: 95 }).toFile('fmt/p3.jpg');
const srgb = [...(await sharp('fmt/p3.jpg').toColourspace('srgb').raw().toBuffer()).subarray(0, 3)];
console.log('input: P3-tagged; lcms sRGB equivalent', srgb.join(','));
const W32 = 'size/sharp_0_35_5__img_sharp_wasm32_0_35_5___';
for (const l of ['sharp', 'sharp-wasm32', 'wasm-vips', 'jimp', 'jsquash']) {
  const args = l === 'sharp-wasm32' ? ['-r', './block-native.cjs', `${W32}/prep.mjs`, 'sharp'] : ['prep.mjs', l];
  execFileSync('node', [...args, 'fmt/p3.jpg', `out/p3-${l}.jpg`], { stdio: 'ignore' });
  const b = fs.readFileSync(`out/p3-${l}.jpg`), m = await sharp(b).metadata();
  const raw = [...(await sharp(b, { autoOrient: false }).raw().toBuffer()).subarray(0, 3)];
  const ok = m.icc ? 'profile kept' : raw.every((v, i) => Math.abs(v - srgb[i]) < 6) ? 'converted to sRGB' : 'WRONG: profile dropped, values not converted';
  console.log(l, 'out pixel', raw.join(','), 'icc', m.icc ? m.icc.length + ' bytes' : 'none', '->', ok);
}
