/**
 * The editor features' text and data, without `vscode`: settings → scan options, diagnostic messages, hover Markdown,
 * completion entries and code-lens titles, all computed from the datafile index. Unit-tested directly; the providers
 * in this folder only turn them into VS Code objects.
 */
import { isRunning, type DatafileIndex, type IndexedExperiment } from '../../core/datafile/index';
import {
  DEFAULT_OPTIMIZELY_ANY_RECEIVER_METHODS,
  DEFAULT_OPTIMIZELY_METHODS,
  DEFAULT_OPTIMIZELY_RECEIVERS,
  DEFAULT_SEGMENT_METHODS,
  DEFAULT_SEGMENT_RECEIVERS,
  type EventKeyKind,
  type LintFinding,
  type ScanOptions,
} from '../../core/lint';

/** The settings section of the editor features: `segmentOptimizely.lint.*`. */
export const LINT_SECTION = 'segmentOptimizely.lint';

/** Setting keys under `segmentOptimizely.lint.` and their defaults (package.json repeats these defaults). */
export const LINT_SETTING_DEFAULTS = {
  enabled: true,
  receivers: DEFAULT_SEGMENT_RECEIVERS,
  methods: DEFAULT_SEGMENT_METHODS,
  functions: [] as readonly string[],
  optimizelyReceivers: DEFAULT_OPTIMIZELY_RECEIVERS,
  optimizelyMethods: DEFAULT_OPTIMIZELY_METHODS,
  optimizelyAnyReceiverMethods: DEFAULT_OPTIMIZELY_ANY_RECEIVER_METHODS,
  optimizelyFunctions: [] as readonly string[],
  reportNotInRunningExperiment: true,
  codeLens: true,
} as const;

export interface LintSettings {
  enabled: boolean;
  scan: ScanOptions;
  reportNotInRunningExperiment: boolean;
  codeLens: boolean;
}

/** Reads one setting (relative to `segmentOptimizely.lint.`); undefined when unset. */
export type LintSettingGetter = (key: keyof typeof LINT_SETTING_DEFAULTS) => unknown;

function names(value: unknown, fallback: readonly string[]): readonly string[] {
  if (!Array.isArray(value)) return fallback;
  return value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter((v) => v.length > 0);
}

function flag(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** The settings as the scanner and checker need them (wrong types fall back to the defaults). */
export function lintSettings(get: LintSettingGetter): LintSettings {
  const d = LINT_SETTING_DEFAULTS;
  return {
    enabled: flag(get('enabled'), d.enabled),
    scan: {
      segmentReceivers: names(get('receivers'), d.receivers),
      segmentMethods: names(get('methods'), d.methods),
      segmentFunctions: names(get('functions'), d.functions),
      optimizelyReceivers: names(get('optimizelyReceivers'), d.optimizelyReceivers),
      optimizelyMethods: names(get('optimizelyMethods'), d.optimizelyMethods),
      optimizelyAnyReceiverMethods: names(get('optimizelyAnyReceiverMethods'), d.optimizelyAnyReceiverMethods),
      optimizelyFunctions: names(get('optimizelyFunctions'), d.optimizelyFunctions),
    },
    reportNotInRunningExperiment: flag(get('reportNotInRunningExperiment'), d.reportNotInRunningExperiment),
    codeLens: flag(get('codeLens'), d.codeLens),
  };
}

// ------------------------------------------------------------------------------------------------ key information

export interface ExperimentSummary {
  key: string;
  id: string;
  status: string;
  running: boolean;
  /** `experiment`, `ab-test`, `rollout` or `targeted-delivery`. */
  ruleType: string;
  flagKey?: string;
}

/** What the datafile says about one event key. */
export interface KeyInfo {
  key: string;
  /** Undefined when the key is not an event of the datafile. */
  eventId?: string;
  /** Experiments and rules using the event as a metric (distinct, in datafile order). */
  experiments: ExperimentSummary[];
  runningCount: number;
  /** Nearest datafile keys for an unknown key, best first. */
  suggestions: string[];
  revision: string;
  eventCount: number;
}

function summary(experiment: IndexedExperiment): ExperimentSummary {
  return {
    key: experiment.key,
    id: experiment.id,
    status: String(experiment.experiment.status ?? 'unknown'),
    running: isRunning(experiment),
    ruleType: experiment.ruleType,
    ...(experiment.flagKey !== undefined ? { flagKey: experiment.flagKey } : {}),
  };
}

export function keyInfo(index: DatafileIndex, key: string, maxSuggestions = 3): KeyInfo {
  const event = index.eventsByKey.get(key);
  const seen = new Set<string>();
  const experiments: ExperimentSummary[] = [];
  if (event !== undefined) {
    for (const e of index.experimentsForEvent(key)) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      experiments.push(summary(e));
    }
  }
  const suggestions = event === undefined
    ? index.nearestEventKeys(key, maxSuggestions + 1).map((s) => s.key).filter((k) => k !== key).slice(0, maxSuggestions)
    : [];
  return {
    key,
    ...(event !== undefined ? { eventId: event.id } : {}),
    experiments,
    runningCount: experiments.filter((e) => e.running).length,
    suggestions,
    revision: String(index.revision ?? ''),
    eventCount: index.eventsByKey.size,
  };
}

/** `keyInfo` for one index, remembered per key (diagnostics, hovers and lenses ask about the same keys again and again). */
export function keyInfoCache(index: DatafileIndex, maxEntries = 5_000): (key: string) => KeyInfo {
  const cache = new Map<string, KeyInfo>();
  return (key) => {
    let info = cache.get(key);
    if (info === undefined) {
      if (cache.size >= maxEntries) cache.clear();
      info = keyInfo(index, key);
      cache.set(key, info);
    }
    return info;
  };
}

function q(s: string): string {
  return JSON.stringify(s);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

// ------------------------------------------------------------------------------------------------ diagnostics

/** The diagnostic message: the checker's finding, with every nearest key named and, for unused events, why. */
export function diagnosticMessage(finding: LintFinding, info?: KeyInfo): string {
  const key = finding.reference.key;
  if (finding.code === 'unknown-event-key') {
    if (finding.suggestions.length === 0) {
      const known = info?.eventCount;
      return `Event key ${q(key)} is not in the datafile${known !== undefined ? ` (${plural(known, 'event')} known)` : ''}: Segment rejects it ("Event with name ${key} is not defined").`;
    }
    return `Event key ${q(key)} is not in the datafile. Did you mean ${orList(finding.suggestions.map(q))}?`;
  }
  const stopped = info?.experiments ?? [];
  if (stopped.length === 0) return `Event key ${q(key)} is in the datafile but no experiment or flag rule uses it as a metric.`;
  return `Event key ${q(key)} is in the datafile but no running experiment uses it (${stopped.map((e) => `${e.key}: ${e.status}`).join(', ')}).`;
}

// ------------------------------------------------------------------------------------------------ hover

/** Escapes Markdown punctuation in text from the datafile or the source. */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function ruleLabel(e: ExperimentSummary): string {
  const type = e.ruleType === 'ab-test' ? 'A/B test' : e.ruleType === 'targeted-delivery' ? 'targeted delivery' : e.ruleType;
  return e.flagKey !== undefined ? `${type} of flag ${md(e.flagKey)}` : type;
}

/** Hover Markdown for a key at a track call: the event, the experiments counting it, and what Segment would do. */
export function hoverMarkdown(info: KeyInfo, kind: EventKeyKind): string {
  const lines: string[] = [];
  if (info.eventId === undefined) {
    lines.push(`**${md(info.key)}** — not an event of the datafile (revision ${md(info.revision)}, ${plural(info.eventCount, 'event')})`, '');
    if (kind === 'segment') lines.push(`Segment rejects: *Event with name ${md(info.key)} is not defined*. Nothing reaches Optimizely.`);
    else lines.push('The Optimizely SDK logs that the event key is not in the datafile and sends nothing.');
    if (info.suggestions.length > 0) lines.push('', `Did you mean ${orList(info.suggestions.map((s) => `\`${s.replace(/`/g, "'")}\``))}?`);
    return lines.join('\n');
  }
  lines.push(`**${md(info.key)}** — event id \`${info.eventId}\` (datafile revision ${md(info.revision)})`, '');
  const who = kind === 'segment' ? 'Segment sends' : 'The Optimizely SDK sends';
  const counted = info.runningCount === 0
    ? 'no running experiment counts it'
    : `${plural(info.runningCount, 'running experiment')} ${info.runningCount === 1 ? 'counts' : 'count'} it`;
  lines.push(`${who} \`entity_id\` ${info.eventId}; ${counted}.`);
  if (info.experiments.length > 0) {
    lines.push('', '| Experiment | Status | Rule |', '| --- | --- | --- |');
    for (const e of info.experiments) lines.push(`| ${md(e.key)} | ${e.running ? '**Running**' : md(e.status)} | ${ruleLabel(e)} |`);
  } else {
    lines.push('', 'No experiment or flag rule uses this event as a metric.');
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------------------ completion

export interface CompletionEntry {
  key: string;
  /** One line: `event 21470030001 · 3 running experiments`. */
  detail: string;
  /** Markdown: the experiments using the event. */
  documentation: string;
  /** Datafile order, as a sortable string. */
  sortText: string;
}

/** One completion entry per event key of the datafile (the first event of a duplicated key), in datafile order. */
export function completionEntries(index: DatafileIndex): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  let n = 0;
  for (const key of index.eventsByKey.keys()) {
    const info = keyInfo(index, key);
    const width = String(index.eventsByKey.size).length;
    entries.push({
      key,
      detail: `event ${info.eventId} · ${info.runningCount === 0 ? 'no running experiment' : plural(info.runningCount, 'running experiment')}`,
      documentation: info.experiments.length === 0
        ? 'Used by no experiment or flag rule.'
        : info.experiments.map((e) => `- ${md(e.key)} — ${e.running ? '**Running**' : md(e.status)} (${ruleLabel(e)})`).join('\n'),
      sortText: String(n++).padStart(width, '0'),
    });
  }
  return entries;
}

// ------------------------------------------------------------------------------------------------ code lens

/** The count lens title: `3 running experiments`, `no running experiment`, `not in the datafile`. */
export function experimentCountTitle(info: KeyInfo): string {
  if (info.eventId === undefined) return 'not in the datafile';
  return info.runningCount === 0 ? 'no running experiment' : plural(info.runningCount, 'running experiment');
}

export const SEND_TEST_EVENT_TITLE = 'Send test event';
