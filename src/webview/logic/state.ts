/**
 * What the console remembers across reloads (VS Code's `setState`, the browser's localStorage): the editor
 * text, settings and mapping inputs, the last two results, the open tab. Restoring accepts anything and
 * keeps only what is well-formed, so a state written by an older version never breaks the console.
 * The access token is never stored.
 */
import type { Check, ConsoleInput, HistoryRecord } from '../protocol';
import { emptyForm, FIELD_KEYS, MAPPING_MODES, type FieldForm } from './mappingForm';
import type { TrackEventFieldKey } from '../../core/destination/definition';

export const STATE_VERSION = 1;

export type ResultTab = 'request' | 'checks' | 'exchanges' | 'diff';
export const RESULT_TABS: readonly ResultTab[] = ['request', 'checks', 'exchanges', 'diff'];

export interface ResultSnapshot {
  record: HistoryRecord;
  /** What was sent (for fixtures and "open again"). */
  input?: ConsoleInput;
  /** Checks computed separately (when the record had none). */
  checks?: Check[];
}

export interface ConsoleState {
  version: typeof STATE_VERSION;
  payloadText: string;
  /** Settings overrides; '' = the emulator's default. */
  settings: { accountId: string; dataFileUrl: string };
  mapping: Partial<Record<TrackEventFieldKey, FieldForm>>;
  /** Send the next request live (then turn live off again). */
  liveOnce: boolean;
  current?: ResultSnapshot;
  previous?: ResultSnapshot;
  resultTab: ResultTab;
  historyFilter: string;
  sections: { settings: boolean; mapping: boolean };
}

export function defaultState(payloadText = ''): ConsoleState {
  return {
    version: STATE_VERSION,
    payloadText,
    settings: { accountId: '', dataFileUrl: '' },
    mapping: {},
    liveOnce: false,
    resultTab: 'request',
    historyFilter: '',
    sections: { settings: false, mapping: false },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function restoreForm(value: unknown): FieldForm | undefined {
  if (!isRecord(value)) return undefined;
  const form = emptyForm();
  const mode = MAPPING_MODES.find((item) => item.mode === value.mode)?.mode;
  if (!mode) return undefined;
  form.mode = mode;
  form.ifKind = value.ifKind === 'blank' ? 'blank' : 'exists';
  for (const name of ['path', 'ifPath', 'thenValue', 'elseValue', 'literal', 'template', 'json'] as const) form[name] = str(value[name], '');
  return form;
}

function isHistoryRecord(value: unknown): value is HistoryRecord {
  return isRecord(value) && typeof value.id === 'string' && typeof value.route === 'string' && typeof value.status === 'string' && typeof value.receivedAt === 'string' && typeof value.rawBody === 'string' && Array.isArray(value.outcomes);
}

function restoreSnapshot(value: unknown): ResultSnapshot | undefined {
  if (!isRecord(value) || !isHistoryRecord(value.record)) return undefined;
  const snapshot: ResultSnapshot = { record: value.record };
  if (isRecord(value.input) && 'payload' in value.input) snapshot.input = value.input as unknown as ConsoleInput;
  if (Array.isArray(value.checks)) snapshot.checks = value.checks.filter((check): check is Check => isRecord(check) && typeof check.id === 'string' && typeof check.severity === 'string');
  return snapshot;
}

/** A valid state from whatever was stored (undefined, another version, hand-edited…). */
export function restoreState(raw: unknown, fallbackPayload = ''): ConsoleState {
  const state = defaultState(fallbackPayload);
  if (!isRecord(raw) || raw.version !== STATE_VERSION) return state;
  state.payloadText = str(raw.payloadText, fallbackPayload);
  if (isRecord(raw.settings)) {
    state.settings = { accountId: str(raw.settings.accountId, ''), dataFileUrl: str(raw.settings.dataFileUrl, '') };
  }
  if (isRecord(raw.mapping)) {
    for (const key of FIELD_KEYS) {
      const form = restoreForm(raw.mapping[key]);
      if (form) state.mapping[key] = form;
    }
  }
  state.liveOnce = raw.liveOnce === true;
  state.current = restoreSnapshot(raw.current);
  state.previous = restoreSnapshot(raw.previous);
  if (RESULT_TABS.includes(raw.resultTab as ResultTab)) state.resultTab = raw.resultTab as ResultTab;
  state.historyFilter = str(raw.historyFilter, '');
  if (isRecord(raw.sections)) state.sections = { settings: raw.sections.settings === true, mapping: raw.sections.mapping === true };
  return state;
}

/** Above this size the stored results lose their exchanges (the rest is small). */
export const MAX_STATE_CHARS = 1_000_000;

function withoutExchanges(snapshot: ResultSnapshot | undefined): ResultSnapshot | undefined {
  if (!snapshot) return undefined;
  const record = { ...snapshot.record, outcomes: snapshot.record.outcomes.map((outcome) => ({ ...outcome, exchanges: [], attempts: undefined })) };
  return { ...snapshot, record };
}

/** The state to store: a plain JSON copy, trimmed when very large. */
export function stateForStorage(state: ConsoleState): ConsoleState {
  const copy = JSON.parse(JSON.stringify(state)) as ConsoleState;
  if (JSON.stringify(copy).length <= MAX_STATE_CHARS) return copy;
  copy.current = withoutExchanges(copy.current);
  copy.previous = withoutExchanges(copy.previous);
  if (JSON.stringify(copy).length <= MAX_STATE_CHARS) return copy;
  copy.previous = undefined;
  copy.current = undefined;
  return copy;
}
