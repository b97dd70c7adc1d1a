import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');
/** The rooms that may speak to VS Code; every other file is plain TypeScript these unit tests load in Node. */
const VSCODE_ROOMS = ['extension.ts', 'ui', 'commands'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

describe('the rooms of src/', () => {
  it('import vscode only in ui/ and commands/ (and extension.ts)', () => {
    const all = sources(SRC);
    const speaking = all.filter((file) => /\bfrom\s+'vscode'|\b(?:require|import)\(\s*'vscode'\s*\)/.test(fs.readFileSync(file, 'utf8')));
    // The control: the rule is checked against files that do import it.
    assert.ok(speaking.some((file) => file.endsWith(path.join('commands', 'connection.ts'))), 'commands/connection.ts imports vscode');
    const outside = speaking.map((file) => path.relative(SRC, file)).filter((file) => !VSCODE_ROOMS.includes(file.split(path.sep)[0]));
    assert.deepEqual(outside, []);
    assert.ok(all.some((file) => file.includes(`${path.sep}local${path.sep}`)), 'src/local is among the files read');
  });
});
