// Makes src.jpg: 4032x3024 photo-like (gradients + noise), EXIF Orientation=6 + GPS + Make/Model + comment.
// Markers in the STORED image: top-left 128px square pure red, top-right 128px square pure green.
// Orientation 6 (rotate 90 CW to display): red -> displayed top-right, green -> displayed bottom-right.
import sharp from 'sharp'; import piexif from 'piexifjs'; import exifr from 'exifr'; import fs from 'fs';
const W = 4032, H = 3024, px = Buffer.alloc(W * H * 3); let s = 12345;
const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255;
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
  const i = (y * W + x) * 3, n = (rnd() - 128) * 0.25;
  let r = 255 * x / W + n, g = 255 * y / H + n, b = 128 + 100 * Math.sin(x / 150) * Math.cos(y / 110) + n;
  if (x < 128 && y < 128) [r, g, b] = [255, 0, 0];
  if (x >= W - 128 && y < 128) [r, g, b] = [0, 255, 0];
  px[i] = r; px[i + 1] = g; px[i + 2] = b;
}
const jpg = await sharp(px, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
const exif = { '0th': { [piexif.ImageIFD.Orientation]: 6, [piexif.ImageIFD.Make]: 'TestCam', [piexif.ImageIFD.Model]: 'X1' },
  Exif: { [piexif.ExifIFD.DateTimeOriginal]: '2024:01:02 03:04:05' },
  GPS: { [piexif.GPSIFD.GPSLatitudeRef]: 'N', [piexif.GPSIFD.GPSLatitude]: [[52, 1], [31, 1], [1234, 100]],
         [piexif.GPSIFD.GPSLongitudeRef]: 'E', [piexif.GPSIFD.GPSLongitude]: [[13, 1], [24, 1], [5678, 100]] } };
const out = piexif.insert(piexif.dump(exif), jpg.toString('binary'));
fs.writeFileSync('src.jpg', Buffer.from(out, 'binary'));
const t = await exifr.parse('src.jpg', { tiff: true, gps: true, translateValues: false });
console.log('src.jpg', fs.statSync('src.jpg').size, 'bytes; Orientation', t.Orientation, 'lat', t.latitude, 'lon', t.longitude, 'Make', t.Make);
