// Runs the editor-host suite in desktop VS Code through @vscode/test-electron, for contributors with network
// access (it downloads VS Code into .vscode-test/). CI cannot download it and uses run-code-server.mjs instead.
//
//   npm run test:e2e:electron           (VSCODE_VERSION=1.100.3 by default; `stable` for the newest)
//   VSCODE_EXECUTABLE=/path/to/code npm run test:e2e:electron    (use an installed VS Code, no download)
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, TESTS_INDEX, WORKSPACE } from './paths.mjs';

try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: TESTS_INDEX,
    // A throwaway profile, and no other extensions, so the result does not depend on the contributor's setup.
    launchArgs: [WORKSPACE, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (e) {
  console.error(`run-electron: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
