// Where the editor-host launchers find the repository, the test workspace and the code-server install.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WORKSPACE = join(REPO_ROOT, 'test', 'e2e', 'workspace');
export const TESTS_INDEX = join(REPO_ROOT, 'out', 'test', 'e2e', 'suite', 'index.js');
export const DEFAULT_CODE_SERVER_DIR = join(REPO_ROOT, '.cache', 'code-server');
