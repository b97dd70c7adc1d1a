/** The extension under test: its id, the folder it is loaded from, and its host tests' entry. */
import * as path from 'node:path';
import { REPO_ROOT } from '../installCodeServer';

export const EXTENSION_ID = 'bc-pictures.bc-customer-pictures';
/** extensionDevelopmentPath; the tests entry must be inside it. */
export const EXTENSION_ROOT = path.resolve(process.env.BC_PICTURES_EXTENSION_PATH || REPO_ROOT);
export const TESTS_ENTRY = path.join(EXTENSION_ROOT, 'out', 'test', 'host', 'index.js');
