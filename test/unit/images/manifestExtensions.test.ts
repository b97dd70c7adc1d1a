// The manifest's menus offer the commands on exactly the files the code takes by extension: one list, in src/images/pictureFormats.ts.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FORMAT_EXTENSIONS, IMAGE_FILE_EXTENSIONS } from '../../../src/images/pictureFormats';

const MANIFEST = path.resolve(__dirname, '../../../../package.json');

/** Every `when` and `enablement` clause under `contributes`, wherever it sits (menus, keybindings, views). */
function clauses(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(clauses);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => ((key === 'when' || key === 'enablement') && typeof value === 'string' ? [value] : clauses(value)));
}

/** The strings an anchored regex of letters, `\.`, `(a|b)` groups and `?` matches; anything else throws, so a new construct fails the test instead of passing it. */
function expand(pattern: string): string[] {
  assert.match(pattern, /^\^.*\$$/, `not anchored: ${pattern}`);
  const body = pattern.slice(1, -1);
  let at = 0;
  const alternatives = (): string[] => {
    const result = sequence();
    while (body[at] === '|') {
      at++;
      result.push(...sequence());
    }
    return result;
  };
  const sequence = (): string[] => {
    let result = [''];
    while (at < body.length && body[at] !== '|' && body[at] !== ')') {
      const c = body[at++];
      let atom: string[];
      if (c === '(') {
        atom = alternatives();
        assert.equal(body[at++], ')', `unclosed group in ${pattern}`);
      } else if (c === '\\' && body[at] === '.') {
        atom = [body[at++]];
      } else if (/[a-z0-9]/i.test(c)) {
        atom = [c];
      } else {
        throw new Error(`unexpected “${c}” in ${pattern}`);
      }
      if (body[at] === '?') {
        at++;
        atom = ['', ...atom];
      }
      result = result.flatMap((start) => atom.map((end) => start + end));
    }
    return result;
  };
  const result = alternatives();
  assert.equal(at, body.length, `unexpected “${body[at]}” in ${pattern}`);
  return result;
}

/** The extensions (lower case, no dot) a clause names through `resourceExtname`. */
function namedExtensions(clause: string): string[] {
  const names: string[] = [];
  for (const [, source, flags] of clause.matchAll(/resourceExtname\s*=~\s*\/((?:\\.|[^/\\])*)\/([a-z]*)/g)) {
    assert.ok(flags.includes('i'), `case-sensitive: ${clause}`);
    names.push(...expand(source).map((name) => name.toLowerCase()));
  }
  for (const [, name] of clause.matchAll(/resourceExtname\s*==\s*'?([^\s')]+)/g)) names.push(name.toLowerCase());
  return names.map((name) => {
    assert.ok(name.startsWith('.'), `no dot in ${name}: ${clause}`);
    return name.slice(1);
  });
}

interface MenuEntry {
  readonly command: string;
  readonly when?: string;
}

describe('images: one list of accepted extensions', () => {
  const contributes = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { contributes: { menus: Record<string, MenuEntry[]> } }).contributes;
  const all = clauses(contributes);
  const naming = all.filter((clause) => clause.includes('resourceExtname'));

  it('finds the menu clauses that name extensions', () => {
    assert.ok(naming.length > 0, 'no when clause uses resourceExtname');
    // An extension named some other way (resourceFilename, resourcePath) would escape the check below.
    assert.deepEqual(all.filter((clause) => !clause.includes('resourceExtname') && /\b(png|jpe?g|gif|bmp|tiff?)\b/i.test(clause)), []);
  });

  it('offers the commands on exactly the extensions the code takes, case-insensitively', () => {
    const expected = [...IMAGE_FILE_EXTENSIONS].sort();
    for (const clause of naming) {
      assert.deepEqual([...new Set(namedExtensions(clause))].sort(), expected, clause);
    }
  });

  it('takes only extensions that name an accepted format', () => {
    const named = Object.values(FORMAT_EXTENSIONS).flat();
    assert.deepEqual(IMAGE_FILE_EXTENSIONS.filter((extension) => !named.includes(extension)), []);
  });

  it('offers "Add as Customer Picture…" in the image preview\'s title bar on the files the Explorer offers it on, never on a customer\'s picture', () => {
    const explorer = contributes.menus['explorer/context'].filter((entry) => entry.command === 'bcPictures.addPicture');
    const title = contributes.menus['editor/title'].filter((entry) => entry.command === 'bcPictures.addPicture');
    assert.equal(explorer.length, 1);
    assert.equal(title.length, 1);
    const expected = [...IMAGE_FILE_EXTENSIONS].sort();
    for (const entry of [...explorer, ...title]) {
      assert.deepEqual([...new Set(namedExtensions(entry.when ?? ''))].sort(), expected, `${entry.command}: ${entry.when}`);
    }
    // A `bc-picture:` file (Show Customer Picture…) has a picture's extension too: the scheme keeps the button off it.
    assert.match(title[0].when ?? '', /(^|&&)\s*resourceScheme\s*!=\s*bc-picture\s*(&&|$)/);
    assert.match(title[0].when ?? '', /(^|&&)\s*activeCustomEditorId\s*==\s*imagePreview\.previewEditor\s*(&&|$)/);
    assert.doesNotMatch(title[0].when ?? '', /\|\|/, 'one conjunction: every condition must hold');
  });
});
