/**
 * What `lint` prints: one `file:line:col: severity code: message` line per finding and a summary (text), the same data
 * as JSON, or a SARIF 2.1.0 log that GitHub code scanning accepts (rules, results with relative `%SRCROOT%` locations,
 * fixes that replace the key inside its quotes).
 */
import { pathToFileURL } from 'node:url';
import type { EventKeyKind, LintCode, LintSeverity, SourceRange } from '../core/lint';

export interface ReportFinding {
  /** Relative to the current directory, `/`-separated (absolute outside it). */
  file: string;
  /** True when `file` is relative to the current directory. */
  relative: boolean;
  code: LintCode;
  severity: LintSeverity;
  message: string;
  key: string;
  callee: string;
  kind: EventKeyKind;
  suggestions: string[];
  /** For each suggestion, the text to put between the literal's delimiters (undefined when the literal cannot hold it). */
  replacements: (string | undefined)[];
  /** The literal with its quotes (0-based, UTF-16 columns). */
  range: SourceRange;
  /** The key between the quotes. */
  keyRange: SourceRange;
}

export interface LintReport {
  datafile: { location: string; revision: string; events: number };
  filesScanned: number;
  /** Event keys checked (literal, non-interpolated keys at recognised calls). */
  keysChecked: number;
  /** Interpolated keys (template literals, f-strings, …) that cannot be checked. */
  dynamicKeys: number;
  findings: ReportFinding[];
}

export const RULES: readonly { id: LintCode; name: string; level: 'warning' | 'note'; short: string; full: string; help: string }[] = [
  {
    id: 'unknown-event-key',
    name: 'UnknownEventKey',
    level: 'warning',
    short: 'The event key is not in the Optimizely datafile.',
    full: 'Segment\'s Optimizely Feature Experimentation (Actions) destination looks the track event name up among the datafile\'s events by exact key (case and spaces count). An unknown key is rejected with "Event with name <key> is not defined" and nothing reaches Optimizely.',
    help: 'Use one of the datafile\'s event keys (the message names the nearest ones), or create the event in Optimizely in the environment whose datafile Segment reads.',
  },
  {
    id: 'event-not-in-running-experiment',
    name: 'EventNotInRunningExperiment',
    level: 'note',
    short: 'No running experiment uses this event.',
    full: 'The event is in the datafile, so Segment sends it to Optimizely, but no running experiment or flag rule uses it as a metric: its conversions appear in no results.',
    help: 'Add the event as a metric to the experiment (or flag rule) you are measuring, or start that experiment.',
  },
];

const SEVERITY_WORD: Readonly<Record<LintSeverity, string>> = { warning: 'warning', information: 'info' };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function countUnknown(findings: readonly ReportFinding[]): number {
  return findings.filter((f) => f.code === 'unknown-event-key').length;
}

/** `file:line:col: warning unknown-event-key: message` (1-based line and column). */
export function formatFindingLine(f: ReportFinding): string {
  return `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${SEVERITY_WORD[f.severity]} ${f.code}: ${f.message}`;
}

export function formatSummary(report: LintReport): string {
  const unknown = countUnknown(report.findings);
  const unused = report.findings.length - unknown;
  const files = new Set(report.findings.filter((f) => f.code === 'unknown-event-key').map((f) => f.file)).size;
  const head = unknown > 0
    ? `${plural(unknown, 'unknown event key')} in ${plural(files, 'file')}`
    : 'No unknown event keys';
  const notes = unused > 0 ? `; ${plural(unused, 'key')} no running experiment uses` : '';
  const dynamic = report.dynamicKeys > 0 ? `, ${plural(report.dynamicKeys, 'interpolated key')} not checkable` : '';
  return `${head}${notes} (${plural(report.filesScanned, 'file')} scanned, ${plural(report.keysChecked, 'event key')} checked against ${report.datafile.location}, revision ${report.datafile.revision}${dynamic}).`;
}

export function formatText(report: LintReport): string[] {
  return [...report.findings.map(formatFindingLine), formatSummary(report)];
}

/** 1-based positions for the JSON output. */
function position(range: SourceRange): { line: number; column: number; endLine: number; endColumn: number } {
  return { line: range.start.line + 1, column: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

export function formatJson(report: LintReport): string {
  const unknown = countUnknown(report.findings);
  return JSON.stringify({
    datafile: report.datafile,
    filesScanned: report.filesScanned,
    keysChecked: report.keysChecked,
    dynamicKeys: report.dynamicKeys,
    unknownEventKeys: unknown,
    notInRunningExperiment: report.findings.length - unknown,
    findings: report.findings.map((f) => ({
      file: f.file,
      ...position(f.range),
      code: f.code,
      severity: f.severity,
      message: f.message,
      key: f.key,
      callee: f.callee,
      kind: f.kind,
      suggestions: f.suggestions,
      keyRange: position(f.keyRange),
    })),
  }, null, 2);
}

/** A SARIF region (1-based; `endColumn` is the column after the last character). */
function region(range: SourceRange): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/** A relative `uri-reference` (each segment percent-encoded) under `%SRCROOT%`, or a `file:` URI outside it. */
function artifactLocation(f: ReportFinding): { uri: string; uriBaseId?: string } {
  if (!f.relative) return { uri: pathToFileURL(f.file).href };
  return { uri: f.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export function buildSarif(report: LintReport, tool: { name: string; version: string }, cwd: string): object {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const results = report.findings.map((f) => {
    const location = artifactLocation(f);
    const fixes = f.suggestions.flatMap((suggestion, i) => {
      const text = f.replacements[i];
      if (text === undefined) return [];
      return [{
        description: { text: `Replace with ${JSON.stringify(suggestion)}` },
        artifactChanges: [{ artifactLocation: location, replacements: [{ deletedRegion: region(f.keyRange), insertedContent: { text } }] }],
      }];
    });
    return {
      ruleId: f.code,
      ruleIndex: ruleIndex.get(f.code) ?? -1,
      level: f.severity === 'warning' ? 'warning' : 'note',
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: region(f.range) } }],
      ...(fixes.length > 0 ? { fixes } : {}),
      properties: { eventKey: f.key, suggestions: f.suggestions, callee: f.callee, kind: f.kind },
    };
  });
  const root = pathToFileURL(cwd.endsWith('/') || cwd.endsWith('\\') ? cwd : `${cwd}/`).href;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: tool.name,
          version: tool.version,
          semanticVersion: tool.version,
          rules: RULES.map((r) => ({
            id: r.id,
            name: r.name,
            shortDescription: { text: r.short },
            fullDescription: { text: r.full },
            help: { text: r.help },
            defaultConfiguration: { level: r.level },
            properties: { tags: ['segment', 'optimizely', 'analytics'] },
          })),
        },
      },
      invocations: [{ executionSuccessful: true }],
      originalUriBaseIds: { '%SRCROOT%': { uri: root } },
      columnKind: 'utf16CodeUnits',
      results,
      properties: { datafile: report.datafile, filesScanned: report.filesScanned, keysChecked: report.keysChecked },
    }],
  };
}
