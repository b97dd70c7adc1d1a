// The .vsix holds only what runs: built in a copy of the repository, so the tree under test is untouched.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const VSCE = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Everything the package may hold; the manifest's own files are added by vsce. */
const SHIPPED = /^(dist\/(extension|preparationWorker)\.js|dist\/wasm-vips\/(vips-node\.js|vips(-heif|-jxl|-resvg)?\.wasm|LICENSE|THIRD-PARTY-NOTICES\.md)|dist\/libheif\/(libheif\.js|libheif\.wasm|LICENSE)|media\/.+|l10n\/bundle\.l10n(\.[a-z-]+)?\.json|package\.json|package\.nls(\.[a-z-]+)?\.json|README\.md|CHANGELOG\.md|LICENSE(\.txt)?)$/;

describe('the .vsix package', function () {
  this.timeout(120_000);
  let stage: string;
  let files: string[];
  let vsixBytes: number;
  /** What `npm run package` printed. */
  let output: string;

  before(() => {
    stage = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-vsix-'));
    for (const entry of fs.readdirSync(REPO)) {
      if (['.git', 'node_modules', 'out', 'dist', '.vscode-test'].includes(entry) || entry.endsWith('.vsix')) continue;
      fs.cpSync(path.join(REPO, entry), path.join(stage, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
    const vsix = path.join(stage, 'package.vsix');
    // The command people run; without the variables of an outer `npm run`, which would point npm at this repository.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|init_cwd$)/i.test(key)));
    output = execFileSync(NPM, ['run', 'package', '--', '-o', vsix], { cwd: stage, env, encoding: 'utf8', stdio: 'pipe' });
    vsixBytes = fs.statSync(vsix).size;
    files = execFileSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: stage, encoding: 'utf8' })
      .split(/\r?\n/)
      .filter(Boolean);
  });

  after(() => fs.rmSync(stage, { recursive: true, force: true }));

  it('ships the production bundle, media, translations, manifest, README, CHANGELOG and LICENSE', () => {
    for (const required of ['dist/extension.js', 'package.json', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/icon.png']) {
      assert.ok(files.includes(required), `${required} is missing from ${files.join(', ')}`);
    }
  });

  it('ships the user README, linking only to its own headings, the screenshots and web pages; CONTRIBUTING.md stays out', () => {
    assert.ok(!files.includes('CONTRIBUTING.md'), 'the developer guide is not shipped');
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    // GitHub's and the Marketplace's heading anchors: lower case, punctuation dropped, spaces as hyphens.
    const anchors = new Set(
      readme
        .split('\n')
        .filter((line) => /^#+ /.test(line))
        .map((line) => line.replace(/^#+ /, '').toLowerCase().replace(/[^\p{L}\p{N} -]/gu, '').replace(/ /g, '-')),
    );
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
    assert.ok(targets.length > 0);
    for (const target of targets) {
      if (target.startsWith('https://')) continue;
      if (target.startsWith('#')) {
        assert.ok(anchors.has(target.slice(1)), `${target} is no heading of README.md`);
        continue;
      }
      assert.match(target, /^media\/screenshots\/[a-z-]+\.png$/, `README.md links to ${target}`);
      assert.ok(fs.existsSync(path.join(REPO, target)), `${target} does not exist`);
    }
    // What developers need lives in CONTRIBUTING.md: commands, benchmark rows, CI, test sources.
    assert.doesNotMatch(readme, /\bnpm (run|test|ci)\b|\| (PASS|MISS) \||\.ci\/|\btest\//);
  });

  it('ships no sources, tests, source maps or node_modules', () => {
    assert.deepEqual(
      files.filter((file) => !SHIPPED.test(file) || /\.(ts|map)$/.test(file) || /(^|\/)(src|test|node_modules)\//.test(file)),
      [],
    );
  });

  it('builds the production bundle once, without watch-mode lines', () => {
    // vsce runs vscode:prepublish itself: a `package` script that also built would print the command twice.
    assert.equal(output.split('esbuild.js --production').length - 1, 1, output);
    assert.ok(!output.includes('[watch]'), output);
  });

  it('is a small download with a minified bundle', () => {
    const bundle = fs.readFileSync(path.join(stage, 'dist', 'extension.js'), 'utf8');
    assert.ok(!bundle.includes('sourceMappingURL'), 'the production bundle has no source map');
    // Minified: long lines (the few line breaks left are inside template strings).
    assert.ok(bundle.length / bundle.split('\n').length > 1000, 'the production bundle is minified');
    // libvips and its AVIF, JPEG XL and SVG libraries are about 4.5 MiB compressed, libheif for HEIC under 1 MiB; the rest under 1 MiB.
    assert.ok(vsixBytes < 6 * 1024 * 1024, `the .vsix is ${vsixBytes} bytes`);
  });

  it('prepares a drawing, a HEIC photo and a JPEG XL on the thread it ships, with the libvips and libheif it ships, without node_modules', function () {
    this.timeout(60_000);
    // The shipped files alone, in a folder with no node_modules anywhere above it that holds wasm-vips.
    const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'bcp-shipped-'));
    fs.cpSync(path.join(stage, 'dist'), path.join(alone, 'dist'), { recursive: true });
    const script = `const { Worker } = require('node:worker_threads');
      const worker = new Worker(${JSON.stringify(path.join(alone, 'dist', 'preparationWorker.js'))});
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="2048" height="1024"><rect width="2048" height="1024" fill="red"/></svg>');
      const heic = require('node:fs').readFileSync(${JSON.stringify(path.join(REPO, 'test', 'fixtures', 'images', 'good', 'phone-8x8.heic'))});
      const jxl = require('node:fs').readFileSync(${JSON.stringify(path.join(REPO, 'test', 'fixtures', 'images', 'good', 'turned-24x32.jxl'))});
      const replies = [];
      worker.on('message', (reply) => {
        replies.push([reply.id, reply.prepared.contentType, reply.prepared.width, reply.prepared.height, reply.prepared.changes]);
        if (replies.length === 3) { process.stdout.write(JSON.stringify(replies.sort())); process.exit(0); }
      });
      const options = { maxSize: 1024, removeMetadata: true, jpegQuality: 85, maxPixels: 1e8 };
      worker.postMessage({ id: 7, bytes: svg, fileName: 'logo.svg', options });
      worker.postMessage({ id: 8, bytes: heic, fileName: 'IMG_0001.HEIC', options });
      worker.postMessage({ id: 9, bytes: jxl, fileName: 'turned.jxl', options });`;
    try {
      assert.equal(
        execFileSync(process.execPath, ['-e', script], { cwd: alone, encoding: 'utf8' }),
        JSON.stringify([
          [7, 'image/png', 1024, 512, ['scaled', 'converted']],
          [8, 'image/jpeg', 8, 8, ['converted']],
          [9, 'image/jpeg', 24, 32, ['metadataRemoved', 'converted']],
        ]),
      );
    } finally {
      fs.rmSync(alone, { recursive: true, force: true });
    }
  });
});
