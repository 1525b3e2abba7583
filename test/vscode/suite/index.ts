/**
 * Entry point the extension host loads as `extensionTestsPath` (bundled to out/test/vscode/suite/index.js
 * by test/vscode/run.mjs). Runs the suite with mocha 11 (CommonJS) inside VS Code and writes a JSON report
 * to $SEGMENT_OPTIMIZELY_TEST_REPORT, because the console only reaches the runner through the browser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestReport {
  passed: number;
  failed: number;
  tests: { title: string; state: 'passed' | 'failed'; durationMs?: number; error?: string }[];
  metrics: Record<string, number | string | boolean>;
  finished: boolean;
}

/** Filled by the tests (e.g. activation cost) and written with the report. */
export const metrics: TestReport['metrics'] = {};
(globalThis as { segmentOptimizelyTestMetrics?: TestReport['metrics'] }).segmentOptimizelyTestMetrics = metrics;

function writeReport(report: TestReport): void {
  const target = process.env.SEGMENT_OPTIMIZELY_TEST_REPORT;
  if (!target) return;
  const temporary = `${target}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(report, null, 2));
  fs.renameSync(temporary, target);
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.test.js'));
  const report: TestReport = { passed: 0, failed: 0, tests: [], metrics, finished: false };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      report.finished = true;
      writeReport(report);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => {
      report.passed++;
      report.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      writeReport(report);
    });
    runner.on('fail', (test, error: Error) => {
      report.failed++;
      report.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: error.stack ?? error.message });
      writeReport(report);
    });
  });
}
