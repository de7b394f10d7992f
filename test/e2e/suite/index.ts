// Entry point the editor host loads through `extensionTestsPath` (code-server's workbench `payload`, or
// @vscode/test-electron): runs every *.test.js next to this file with mocha inside the real extension host.
// It logs `MOCHA-START` first and `MOCHA-RESULT {...}` last: the launchers show what lies between (the workbench
// logs much else) and read the result to print `N passed, N failed`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, file));
  console.log('MOCHA-START');
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
      console.log(`MOCHA-RESULT ${JSON.stringify({ passes, failures: failed, pending })}`);
      if (failures > 0) reject(new Error(`${failures} editor-host tests failed`));
      else resolve();
    });
  });
}
