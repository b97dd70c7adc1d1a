/**
 * The first step of `npm test` and `npm run sandbox`: runs `npm ci` when node_modules is missing or does not hold
 * what package-lock.json pins, and does nothing when it does. Plain JavaScript, because it runs before TypeScript
 * (or anything else) is installed.
 *
 *   node test/launch/npmPackages.js
 */
'use strict';
const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Why `root`'s node_modules differs from its package-lock.json, or undefined when it holds every package the
 * lock pins at that version. Optional packages (other platforms' binaries) may be absent.
 * @param {string} root
 * @returns {string | undefined}
 */
function staleReason(root) {
  const lock = readJson(path.join(root, 'package-lock.json'));
  // Without a lock there is nothing to compare; npm ci says what is wrong.
  if (!lock || typeof lock.packages !== 'object') return 'there is no readable package-lock.json';
  // npm writes this record of what it installed (npm 7 and later).
  const installed = readJson(path.join(root, 'node_modules', '.package-lock.json'));
  if (!installed || typeof installed.packages !== 'object') return 'node_modules is missing';
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.optional || entry.link) continue;
    const have = installed.packages[key];
    if (!have) return `${key} is not installed`;
    if (have.version !== entry.version) return `${key} is ${have.version}, package-lock.json pins ${entry.version}`;
    if (!fs.existsSync(path.join(root, key, 'package.json'))) return `${key} is gone from node_modules`;
  }
  return undefined;
}

function main() {
  const reason = staleReason(REPO_ROOT);
  if (!reason) return;
  console.log(`[npm packages] ${reason}: running npm ci`);
  const windows = process.platform === 'win32';
  const result = childProcess.spawnSync(windows ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    shell: windows,
  });
  if (result.status !== 0) {
    console.error(`[npm packages] npm ci failed (${result.error ? result.error.message : `exit code ${result.status}`}); its output is above.`);
    process.exit(result.status || 1);
  }
}

module.exports = { staleReason };

if (require.main === module) main();
