/**
 * The integration suite's entry point, in the `run()` shape VS Code's test runners expect
 * (`--extensionTestsPath`), so the same suite runs under `@vscode/test-electron` on a machine
 * with internet and under VS Code's server with the smoke-test driver here.
 */
import { globSync } from 'node:fs';
import { join } from 'node:path';

import Mocha from 'mocha';

import { note, RESULT_PREFIX } from './output';

function markOutput(): void {
  (Mocha.reporters.Base as unknown as { consoleLog: typeof note }).consoleLog = note;
}

export function run(): Promise<void> {
  markOutput();
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000 });
  // FREELMS_TEST_FILTER=watch runs only the files whose name contains "watch".
  const filter = process.env.FREELMS_TEST_FILTER ?? '';
  for (const file of globSync('**/*.test.js', { cwd: __dirname }))
    if (file.includes(filter)) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, pending = 0 } = runner.stats ?? {};
      note(
        `${RESULT_PREFIX}${JSON.stringify({ passed: passes, failed: failures, skipped: pending })}`,
      );
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
