/**
 * The command-line entry point: `serve`, `preview`, `lint` (and `--help`). Usage errors exit 2.
 * Commands are loaded on demand so that `lint` (run in CI over big trees) does not pay for the emulator's
 * Express app, the Optimizely SDK and the Segment packages at start-up.
 */
import { UsageError } from './args';

async function usage(): Promise<string> {
  const [{ SERVE_USAGE }, { PREVIEW_USAGE }, { LINT_USAGE }] = await Promise.all([import('./serve'), import('./preview'), import('./lint')]);
  return `segment-optimizely-emulator <command>

Commands:
  ${SERVE_USAGE}
      Run the emulator (Segment's action-tester protocol + local Optimizely Event API sink).
  ${PREVIEW_USAGE}
      Print the Event API request Segment would send for one event, or its error. Exit 0 sent, 1 rejected.
  ${LINT_USAGE}
      Check the event keys of Segment / Optimizely track calls in source files (default: the current directory)
      against the datafile. Honours .gitignore, skips node_modules, .git, dist and out; GLOBs use .gitignore syntax.
      Exit 0 clean, 1 an unknown event key, 2 a usage or datafile error.
`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  switch (command) {
    case 'serve': {
      const { serveCommand } = await import('./serve');
      const stop = await serveCommand(rest, out, err);
      await new Promise<void>((resolve) => {
        const shutdown = () => void stop().then(resolve);
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
      return 0;
    }
    case 'preview': {
      const { previewCommand } = await import('./preview');
      return previewCommand(rest, out);
    }
    case 'lint': {
      const { lintCommand } = await import('./lint');
      return lintCommand(rest, out, err);
    }
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      out(await usage());
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`Unknown command ${JSON.stringify(command)}.\n\n${await usage()}`);
  }
}

/** Exit once stdout and stderr are flushed (a piped `lint --format sarif` can be large). */
function exit(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (error: Error) => {
    const usage =
      error instanceof UsageError || error.name === 'ConfigError' || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`error: ${error.message}\n`);
    exit(usage ? 2 : 1);
  },
);
