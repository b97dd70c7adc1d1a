/**
 * `npm run l10n`: writes l10n/bundle.l10n.json, the English bundle of every user-facing string in src/,
 * with @vscode/l10n-dev. The plain layers call `l10n.t` through src/common/l10n.ts, which l10n-dev does not
 * know; it reads them as calls of @vscode/l10n, whose `t` has the same signature.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getL10nJson, type l10nJsonFormat } from '@vscode/l10n-dev';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const BUNDLE = path.join(REPO, 'l10n', 'bundle.l10n.json');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** The English bundle as the sources say it now, keys sorted so that diffs stay readable. */
export async function exportBundle(): Promise<l10nJsonFormat> {
  const files = sources(path.join(REPO, 'src')).map((file) => ({
    extension: '.ts',
    contents: fs.readFileSync(file, 'utf8').replace(/from '(?:\.\.?\/)+common\/l10n'/g, "from '@vscode/l10n'"),
  }));
  const bundle = await getL10nJson(files);
  return Object.fromEntries(Object.keys(bundle).sort().map((key) => [key, bundle[key]]));
}

export function serialize(bundle: l10nJsonFormat): string {
  return JSON.stringify(bundle, null, 2) + '\n';
}

if (require.main === module) {
  void exportBundle().then((bundle) => {
    fs.writeFileSync(BUNDLE, serialize(bundle));
    console.log(`${Object.keys(bundle).length} strings written to ${path.relative(REPO, BUNDLE)}`);
  });
}
