// Bundles the extension into one file, so it loads fast and ships without node_modules.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Errors with locations for VS Code's `$esbuild` matchers; the start and end lines only in watch mode, where `$esbuild-watch` needs them. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    if (watch) build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/** The node build of wasm-vips and the three libraries it loads (JPEG/PNG/GIF/TIFF/WebP, AVIF, SVG): what prepares pictures. */
const LIBVIPS_FILES = ['vips-node.js', 'vips.wasm', 'vips-heif.wasm', 'vips-jxl.wasm', 'vips-resvg.wasm', 'LICENSE', 'THIRD-PARTY-NOTICES.md'];

/** libheif-js (libheif with libde265, LGPL-3.0): decodes HEIC photos, as its own replaceable files beside the bundle. */
const LIBHEIF_FILES = ['libheif.js', 'libheif.wasm', 'LICENSE'];

function copyLibheif() {
  const from = path.join(__dirname, 'node_modules', 'libheif-js', 'libheif-wasm');
  const to = path.join('dist', 'libheif');
  fs.mkdirSync(to, { recursive: true });
  for (const file of LIBHEIF_FILES) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

function copyLibvips() {
  const from = path.join(__dirname, 'node_modules', 'wasm-vips');
  const to = path.join('dist', 'wasm-vips');
  fs.mkdirSync(to, { recursive: true });
  for (const file of LIBVIPS_FILES) {
    const source = fs.existsSync(path.join(from, 'lib', file)) ? path.join(from, 'lib', file) : path.join(from, file);
    fs.copyFileSync(source, path.join(to, file));
  }
}

async function main() {
  const context = await esbuild.context({
    // The extension, and the thread that prepares pictures (started with the first one, never at activation).
    entryPoints: { extension: 'src/extension.ts', preparationWorker: 'src/images/preparationWorker.ts' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // libvips' pthread workers load its real files, so it is copied beside the bundle (below), never bundled; libheif too, to stay replaceable.
    external: ['vscode', 'wasm-vips', 'libheif-js'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    outdir: 'dist',
    logLevel: 'silent',
    plugins: [problemMatcher],
  });
  if (watch) {
    await context.watch();
    return;
  }
  const result = await context.rebuild();
  await context.dispose();
  if (result.errors.length > 0) process.exit(1);
  copyLibvips();
  copyLibheif();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
