/** The command-line entry point: `serve`, `preview` (and `--help`). Usage errors exit 2. */
import { serveCommand, SERVE_USAGE } from './serve';
import { previewCommand, PREVIEW_USAGE } from './preview';
import { UsageError } from './args';

const USAGE = `segment-optimizely-emulator <command>

Commands:
  ${SERVE_USAGE}
      Run the emulator (Segment's action-tester protocol + local Optimizely Event API sink).
  ${PREVIEW_USAGE}
      Print the Event API request Segment would send for one event, or its error. Exit 0 sent, 1 rejected.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  switch (command) {
    case 'serve': {
      const stop = await serveCommand(rest, out, err);
      await new Promise<void>((resolve) => {
        const shutdown = () => void stop().then(resolve);
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
      return 0;
    }
    case 'preview':
      return previewCommand(rest, out);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    const usage =
      error instanceof UsageError || error.name === 'ConfigError' || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(usage ? 2 : 1);
  },
);
