/** `npm run bench`: every benchmark, each printed as a ratio to a baseline measured in the same run. */
import { benchCore } from './core.bench';
import { benchTrackEventRoute } from './http.bench';
import { benchIngestion } from './ingestion.bench';
import { benchDiagnose } from './diagnose.bench';
import { benchExtension } from './extension.bench';
import { benchLint } from './lint.bench';
import { report } from './measure';

async function main(): Promise<void> {
  report(`segment-optimizely-emulator benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  benchCore();
  await benchTrackEventRoute();
  await benchIngestion();
  await benchDiagnose();
  await benchExtension();
  await benchLint();
}

main().catch((error: Error) => {
  process.stderr.write(`benchmark failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
