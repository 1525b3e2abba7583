/**
 * `lint`: finds Segment / Optimizely track calls in source files and checks their event keys against a datafile, for
 * CI. Exit 1 when an unknown key is found, 0 otherwise, 2 on a usage or datafile error.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { buildDatafileIndex, type DatafileIndex, type ProjectConfig } from '../core/datafile/index';
import { checkReferences, escapeForLiteral, knownEventsFromIndex, type KnownEvents } from '../core/lint';
import { UsageError } from './args';
import { collectLintFiles, type LintFile } from './lintFiles';
import { scanFiles, type ScanOutcome } from './lintScan';
import { buildSarif, countUnknown, formatJson, formatSummary, formatText, type LintReport } from './lintReport';
import { version as packageVersion } from '../../package.json';

export const LINT_USAGE = 'lint [PATH…] --datafile PATH|URL [--format text|json|sarif] [--include GLOB]… [--exclude GLOB]…';

export const TOOL_NAME = 'segment-optimizely-emulator';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export async function lintCommand(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      datafile: { type: 'string' },
      format: { type: 'string', default: 'text' },
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
    },
    allowPositionals: true,
    strict: true,
  });
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be text, json or sarif, got ${JSON.stringify(values.format)}.`);
  if (!values.datafile) {
    throw new UsageError(`lint needs --datafile PATH|URL: the Optimizely datafile (a local JSON file, or its URL such as https://cdn.optimizely.com/datafiles/<SDK key>.json). Usage: ${LINT_USAGE}`);
  }
  const cwd = process.cwd();
  // Read the datafile first: a wrong one is a usage error whatever the tree holds.
  const { index, location } = await loadDatafile(values.datafile, err);
  const files = collectLintFiles(positionals, { cwd, include: values.include, exclude: values.exclude });
  const report = buildReport(files, scanFiles(files), index, location);
  switch (format) {
    case 'text':
      for (const line of formatText(report)) out(line);
      break;
    case 'json':
      out(formatJson(report));
      err(formatSummary(report));
      break;
    case 'sarif':
      out(JSON.stringify(buildSarif(report, { name: TOOL_NAME, version: packageVersion }, cwd), null, 2));
      err(formatSummary(report));
      break;
  }
  return countUnknown(report.findings) > 0 ? 1 : 0;
}

/** Checks the scanned references against the datafile and builds the report. */
export function buildReport(files: readonly LintFile[], outcome: ScanOutcome, index: DatafileIndex, location: string,
  known: KnownEvents = knownEventsFromIndex(index)): LintReport {
  const report: LintReport = {
    datafile: { location, revision: String(index.revision ?? ''), events: known.size },
    filesScanned: outcome.filesRead,
    keysChecked: 0,
    dynamicKeys: 0,
    findings: [],
  };
  for (const { index: fileIndex, refs, openers } of outcome.scanned) {
    const file = files[fileIndex];
    for (const ref of refs) {
      if (ref.dynamic) report.dynamicKeys++;
      else report.keysChecked++;
    }
    for (const finding of checkReferences(refs, known)) {
      const ref = finding.reference;
      const opener = openers[refs.indexOf(ref)] ?? '';
      report.findings.push({
        file: file.display,
        relative: file.relative,
        code: finding.code,
        severity: finding.severity,
        message: finding.message,
        key: ref.key,
        callee: ref.callee,
        kind: ref.kind,
        suggestions: finding.suggestions,
        replacements: finding.suggestions.map((s) => escapeForLiteral(s, opener, file.language)),
        range: ref.range,
        keyRange: ref.keyRange,
      });
    }
  }
  return report;
}

function isUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

const DATAFILE_HINT = 'Pass --datafile with the path of an Optimizely datafile (JSON) or its URL, e.g. https://cdn.optimizely.com/datafiles/<SDK key>.json.';

/** Reads the datafile from a path or URL; every failure is a UsageError (exit 2) that says what to fix. */
async function loadDatafile(source: string, warn: (line: string) => void): Promise<{ index: DatafileIndex; location: string }> {
  let text: string;
  if (isUrl(source)) {
    text = await fetchDatafileText(source, warn);
  } else {
    try {
      text = fs.readFileSync(source, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
      throw new UsageError(`Cannot read the datafile ${source}: ${why}. ${DATAFILE_HINT}`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The datafile ${source} is not valid JSON (${(error as Error).message}). ${DATAFILE_HINT}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !Array.isArray((data as { events?: unknown }).events)) {
    throw new UsageError(`The datafile ${source} is not an Optimizely datafile: it has no "events" list. ${DATAFILE_HINT}`);
  }
  let index: DatafileIndex;
  try {
    index = buildDatafileIndex(data as ProjectConfig);
  } catch (error) {
    throw new UsageError(`The datafile ${source} is not a usable Optimizely datafile: ${(error as Error).message}.`);
  }
  return { index, location: source };
}

/** GET through the destination's own client (user agent, timeout, redirects, content-type rule). */
async function fetchDatafileText(url: string, warn: (line: string) => void): Promise<string> {
  const [{ fetchDatafile }, { RecordingClient }, { nodeTransport }] = await Promise.all([
    import('../core/destination/datafileFetch'),
    import('../core/destination/http'),
    import('../core/http/nodeTransport'),
  ]);
  let fetched;
  try {
    fetched = await fetchDatafile(new RecordingClient(nodeTransport), url);
  } catch (error) {
    const e = error as Error & { status?: number };
    if (e.name === 'HTTPError' && typeof e.status === 'number') {
      throw new UsageError(`The datafile URL ${url} answered HTTP ${e.status} (${e.message}). Check the SDK key and environment in the URL, or pass a downloaded copy with --datafile PATH.`);
    }
    throw new UsageError(`The datafile URL ${url} could not be fetched: ${e.message}. Check the URL and the network, or pass a downloaded copy with --datafile PATH.`);
  }
  if (!fetched.isJson) {
    const type = fetched.response.headers['content-type'] ?? 'none';
    throw new UsageError(`The datafile URL ${url} did not answer JSON (content-type ${type}); Segment would treat the project as deactivated. Check the URL, or pass a downloaded copy with --datafile PATH.`);
  }
  const contentType = fetched.response.headers['content-type'] ?? '';
  if (!contentType.includes('application/json')) {
    warn(`warning: ${url} answers with content-type ${contentType || 'none'}: Segment only parses application/json, so it would reject every event as "not defined". Linting against its content anyway.`);
  }
  return fetched.content;
}
