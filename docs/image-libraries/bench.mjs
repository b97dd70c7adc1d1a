// node bench.mjs [runs=5] -> bench.json: median time/RSS over fresh processes + check result + load average
import { execFileSync } from 'child_process'; import fs from 'fs'; import os from 'os';
const N = +(process.argv[2] || 5), res = {};
const W32 = 'size/sharp_0_35_5__img_sharp_wasm32_0_35_5___'; // folder with only @img/sharp-wasm32 (npm install --cpu=wasm32)
for (const lib of ['sharp', 'sharp-wasm32', 'wasm-vips', 'jimp', 'jsquash']) {
  const runs = [], loads = [];
  for (let i = 0; i < N; i++) {
    loads.push(os.loadavg()[0]);
    runs.push(JSON.parse(execFileSync('node', [...(lib === 'sharp-wasm32' ? ['-r', './block-native.cjs', `${W32}/prep.mjs`] : ['prep.mjs']), lib.replace('-wasm32', ''), 'src.jpg', `out/${lib}.jpg`]).toString().trim().split('\n').pop()));
  }
  const med = k => runs.map(r => r[k]).sort((a, b) => a - b)[Math.floor(N / 2)];
  res[lib] = { ms: med('ms'), cpuMs: med('cpuMs'), hwmMB: med('hwmMB'), bytes: runs[0].bytes, allMs: runs.map(r => r.ms), load1: loads.map(l => l.toFixed(2)),
    check: JSON.parse(execFileSync('node', ['check.mjs', `out/${lib}.jpg`]).toString()) };
  console.log(lib, JSON.stringify(res[lib]));
}
fs.writeFileSync('bench.json', JSON.stringify(res, null, 1));
