// Translations: the English bundle is current with the sources, the German bundle and manifest strings match the English
// ones key for key and placeholder for placeholder, and a German message really comes out of the plain layers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resetTranslator, setTranslator, type Translate } from '../../src/common/l10n';
import { ImageRefusal, inspectImageBytes } from '../../src/images';
import { BUNDLE, REPO, exportBundle } from '../launch/l10n';

type Strings = Record<string, string | { message: string; comment?: string | string[] }>;

function readJson(file: string): Strings {
  return JSON.parse(fs.readFileSync(path.join(REPO, file), 'utf8')) as Strings;
}

function text(value: Strings[string]): string {
  return typeof value === 'string' ? value : value.message;
}

/** The `{0}`/`{name}` placeholders and `$(icon)` codicons of a string, sorted, each once. */
function tokens(value: string): string[] {
  return [...new Set(value.match(/\{[^{}]+\}|\$\([^()]+\)/g) ?? [])].sort();
}

/** German vs English, key for key: same keys in the same order, plain non-empty strings, same tokens, mostly translated. */
function assertTranslation(english: Strings, german: Strings, germanFile: string): void {
  assert.deepEqual(Object.keys(german), Object.keys(english), `${germanFile} must have exactly the keys of the English file, in the same order`);
  const problems: string[] = [];
  let unchanged = 0;
  for (const key of Object.keys(english)) {
    const source = text(english[key]);
    const value = german[key];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${key}: not a non-empty string`);
      continue;
    }
    const want = tokens(source);
    const got = tokens(value);
    if (want.join('\u0000') !== got.join('\u0000')) problems.push(`${key}: placeholders/codicons ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    if (value === source) unchanged++;
  }
  assert.deepEqual(problems, [], `${germanFile}:\n${problems.join('\n')}`);
  const total = Object.keys(english).length;
  assert.ok(unchanged <= total * 0.1, `${germanFile}: ${unchanged} of ${total} strings are still the English text (at most 10% may stay)`);
}

/** A translator as `vscode.l10n.t` builds it from a bundle: the key's translation or the key itself, then `{0}`/`{name}` filled in. */
function translatorFrom(bundle: Strings): Translate {
  return ((message: string, ...args: unknown[]) => {
    const translated = message in bundle ? text(bundle[message]) : message;
    const named = args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? (args[0] as Record<string, unknown>) : undefined;
    return translated.replace(/\{([^{}]+)\}/g, (whole, key: string) => {
      const value = named ? named[key] : args[Number(key)];
      return value === undefined ? whole : String(value);
    });
  }) as Translate;
}

describe('translations', () => {
  const english = readJson('l10n/bundle.l10n.json');
  const german = readJson('l10n/bundle.l10n.de.json');
  const nls = readJson('package.nls.json');
  const nlsGerman = readJson('package.nls.de.json');

  it('the English bundle l10n/bundle.l10n.json is up to date with the sources', async function () {
    this.timeout(60_000);
    const current = await exportBundle();
    const committed = JSON.parse(fs.readFileSync(BUNDLE, 'utf8')) as unknown;
    const added = Object.keys(current).filter((key) => !(key in (committed as object)));
    const removed = Object.keys(committed as object).filter((key) => !(key in current));
    assert.deepEqual(
      committed,
      current,
      `l10n/bundle.l10n.json is out of date: run \`npm run l10n\` and translate the changes into l10n/bundle.l10n.de.json.` +
        (added.length > 0 ? `\nNew in the sources: ${added.map((key) => JSON.stringify(key)).join(', ')}` : '') +
        (removed.length > 0 ? `\nNo longer in the sources: ${removed.map((key) => JSON.stringify(key)).join(', ')}` : ''),
    );
  });

  it('the German bundle l10n/bundle.l10n.de.json translates every English string, keeping its placeholders', () => {
    assertTranslation(english, german, 'l10n/bundle.l10n.de.json');
  });

  it('package.nls.de.json translates every manifest string of package.nls.json, keeping its placeholders', () => {
    assertTranslation(nls, nlsGerman, 'package.nls.de.json');
  });

  it('every %key% of package.json is in package.nls.json and package.nls.de.json', () => {
    const used = new Set<string>();
    const walk = (value: unknown): void => {
      if (typeof value === 'string') {
        const match = /^%([^%\s]+)%$/.exec(value);
        if (match) used.add(match[1]);
      } else if (Array.isArray(value)) {
        value.forEach(walk);
      } else if (typeof value === 'object' && value !== null) {
        Object.values(value).forEach(walk);
      }
    };
    walk(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')));
    assert.ok(used.size > 0, 'package.json uses no %key% at all');
    assert.deepEqual([...used].filter((key) => !(key in nls)), [], 'keys missing from package.nls.json');
    assert.deepEqual([...used].filter((key) => !(key in nlsGerman)), [], 'keys missing from package.nls.de.json');
  });

  describe('through the extension’s own seam (setTranslator)', () => {
    afterEach(() => resetTranslator());

    it('a refused file is explained in German, with its name filled in', () => {
      setTranslator(translatorFrom(german));
      assert.throws(
        () => inspectImageBytes(Buffer.from('hello'), 'notes.png'),
        (error: unknown) => {
          assert.ok(error instanceof ImageRefusal, `expected an ImageRefusal, got ${String(error)}`);
          assert.equal(error.code, 'notAnImage');
          assert.equal(
            error.message,
            '„notes.png“ ist kein Bild: Die Datei enthält Text. Wählen Sie eine Bilddatei (PNG, JPEG, GIF, BMP, TIFF, WebP, AVIF, HEIC, JPEG XL oder SVG), und versuchen Sie es erneut.',
          );
          return true;
        },
      );
    });

    it('without a translator the message is English again', () => {
      setTranslator(translatorFrom(german));
      resetTranslator();
      assert.throws(
        () => inspectImageBytes(Buffer.from('hello'), 'notes.png'),
        (error: unknown) => error instanceof ImageRefusal && error.message.startsWith('“notes.png” is not a picture: it contains text.'),
      );
    });
  });
});
