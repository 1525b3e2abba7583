/**
 * The test console: compose a Segment track event, send it through the emulator, read the Event API
 * request, Segment's verdict and the diagnostics, compare with the previous result, browse the history.
 * It talks only to a `ConsoleHost`; it never learns whether that is VS Code or a browser tab.
 */
import type { TrackEventFieldKey } from '../../core/destination/definition';
import { resolveMapping } from '../../core/segment/mapping';
import type { ConsoleConfig, ConsoleHost, ConsoleInitial, ConsoleInput, ConsolePush, DatafileSummary, HistoryRecord } from '../protocol';
import { fixtureText, toCurl } from '../logic/copyFormats';
import { diffBodies, diffText } from '../logic/diff';
import { checkJson, linesOfPointers, pointerOfPath, setJsonValue, type JsonCheck } from '../logic/jsonText';
import { effectiveFieldMapping, FIELD_KEYS, formOf, mappingOverrides, pathsReadBy, type FieldForm } from '../logic/mappingForm';
import { fieldErrorsOf, resultOf, type ResultView } from '../logic/result';
import { restoreState, stateForStorage, type ConsoleState, type ResultSnapshot, type ResultTab } from '../logic/state';
import { buildTemplate, inputFromRecord, TEMPLATES, type TemplateId } from '../logic/templates';
import { button, selectField } from './controls';
import { announce, h, replaceChildren } from './dom';
import { EventKeyPicker } from './eventKeyPicker';
import { MappingFormView, renderSettings, type SettingsValues } from './forms';
import { HistoryView } from './historyView';
import { JsonEditor, type EditorMark } from './jsonEditor';
import { LiveConfirm } from './liveConfirm';
import { renderResult, type CopyKind } from './resultView';

const HISTORY_PAGE = 50;

function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `msg-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ConsoleApp {
  private state: ConsoleState;
  private config?: ConsoleConfig;
  private datafile?: DatafileSummary;
  /** Typed by the user for this session only; never stored. */
  private accessToken = '';
  private parsed: JsonCheck;
  private busy = false;
  private checksPending = false;
  private historyCursor: string | null = null;
  private saveTimer?: ReturnType<typeof setTimeout>;

  private readonly editor: JsonEditor;
  private readonly picker: EventKeyPicker;
  private readonly mappingView: MappingFormView;
  private readonly historyView: HistoryView;
  private readonly liveConfirm = new LiveConfirm();
  private readonly resultPane: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly datafileInfo: HTMLElement;
  private readonly liveStatus: HTMLElement;
  private readonly settingsHost: HTMLElement;
  private readonly mappingSummary: HTMLElement;
  private readonly sendButton: HTMLElement;
  private readonly liveOnceBox: HTMLInputElement;
  private readonly templateHost: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: ConsoleHost,
  ) {
    this.state = restoreState(host.getState());
    this.parsed = checkJson(this.state.payloadText);
    this.editor = new JsonEditor({ id: 'payload-editor', label: 'Segment event (JSON)', onInput: () => this.onPayloadChanged(true) });
    this.picker = new EventKeyPicker({ onPick: (key) => this.setEventKey(key) });
    this.mappingView = new MappingFormView({ onChange: (key, form) => this.onMappingChanged(key, form) });
    this.historyView = new HistoryView(
      {
        open: (record) => void this.openRecord(record.id),
        loadMore: () => void this.loadHistory(true),
        filter: (text) => {
          this.state.historyFilter = text;
          this.save();
          void this.loadHistory(false);
        },
        clear: () => void this.host.clearHistory().catch((error) => this.showError(error)),
      },
      this.state.historyFilter,
    );
    this.resultPane = h('div', { class: 'result-host', id: 'result' });
    this.statusLine = h('div', { class: 'status-line', id: 'console-message', role: 'status' });
    this.datafileInfo = h('div', { class: 'datafile-info', id: 'datafile-info' }, 'Loading the datafile…');
    this.liveStatus = h('div', { class: 'live-status', id: 'live-status' });
    this.settingsHost = h('div', { class: 'settings-host' });
    this.mappingSummary = h('span', { class: 'muted', id: 'mapping-summary' });
    this.templateHost = h('div', { class: 'template-host' });
    this.sendButton = button('Send', () => void this.send(), { id: 'send', title: 'Send (Ctrl+Enter / ⌘+Enter)' });
    this.liveOnceBox = h('input', { type: 'checkbox', id: 'live-once', class: 'checkbox' });
    this.liveOnceBox.checked = this.state.liveOnce;
    this.liveOnceBox.addEventListener('change', () => {
      this.state.liveOnce = this.liveOnceBox.checked;
      this.save();
    });
    this.layout();
  }

  /** Loads everything from the host and opens what it asks for. */
  async start(): Promise<void> {
    this.host.onPush((push) => this.onPush(push));
    const { initial } = await this.host.ready();
    this.editor.text = this.state.payloadText;
    this.mappingView.setForms(this.state.mapping);
    this.onPayloadChanged(false);
    this.renderResultPane();
    await Promise.all([this.loadConfig(), this.loadDatafile(), this.loadHistory(false)]);
    if (this.state.payloadText.trim() === '') this.applyTemplate('revenue');
    if (initial) await this.open(initial);
  }

  // ---------------------------------------------------------------------------------------------------
  // Layout
  // ---------------------------------------------------------------------------------------------------

  private layout(): void {
    const settings = h('vscode-collapsible', { heading: 'Destination settings', id: 'settings-section', open: this.state.sections.settings }, this.settingsHost);
    const mapping = h('vscode-collapsible', { heading: 'Mapping — Track Event', id: 'mapping-section', open: this.state.sections.mapping }, h('div', { slot: 'decorations' }, this.mappingSummary), this.mappingView.element);
    settings.addEventListener('vsc-collapsible-toggle', (event) => this.onSectionToggle('settings', (event as CustomEvent<{ open: boolean }>).detail.open));
    mapping.addEventListener('vsc-collapsible-toggle', (event) => this.onSectionToggle('mapping', (event as CustomEvent<{ open: boolean }>).detail.open));
    const compose = h(
      'section',
      { class: 'compose', 'aria-labelledby': 'compose-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'compose-title' }, 'Compose'), h('span', { class: 'spacer' }), this.templateHost),
      this.picker.element,
      this.editor.element,
      settings,
      mapping,
      h(
        'div',
        { class: 'send-bar' },
        this.sendButton,
        h('span', { class: 'muted shortcut', 'aria-hidden': 'true' }, 'Ctrl+Enter'),
        h('span', { class: 'spacer' }),
        h('label', { class: 'checkbox-label', for: 'live-once' }, this.liveOnceBox, ' Send this one live'),
      ),
      this.liveConfirm.element,
    );
    replaceChildren(
      this.root,
      h(
        'header',
        { class: 'console-header' },
        h('h1', null, 'Segment → Optimizely test console'),
        this.datafileInfo,
        this.liveStatus,
      ),
      this.statusLine,
      h('main', { class: 'console-main' }, compose, h('section', { class: 'result-pane', 'aria-labelledby': 'result-title' }, h('h2', { id: 'result-title', class: 'visually-hidden' }, 'Result'), this.resultPane)),
      this.historyView.element,
      h('div', { id: 'console-announcer', class: 'visually-hidden', 'aria-live': 'polite' }),
    );
    this.renderTemplates([]);
    this.renderSettingsForm();
    // A hidden VS Code webview is torn down: write the state at once rather than after the debounce.
    const flush = () => {
      clearTimeout(this.saveTimer);
      this.host.setState(stateForStorage(this.state));
    };
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') flush();
    });
    document.addEventListener('keydown', (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
        event.preventDefault();
        void this.send();
      }
    });
  }

  private onSectionToggle(section: 'settings' | 'mapping', open: boolean): void {
    this.state.sections[section] = open;
    this.save();
  }

  private renderTemplates(records: HistoryRecord[]): void {
    const fromHistory = records.filter((record) => inputFromRecord(record)).slice(0, 10);
    const options = [
      { value: '', label: 'Start from a template…' },
      ...TEMPLATES.map((template) => ({ value: `template:${template.id}`, label: template.label, description: template.description })),
      ...fromHistory.map((record) => ({ value: `record:${record.id}`, label: `History: ${record.event ?? record.type ?? record.route} · ${record.receivedAt.slice(11, 19)} · ${record.status}` })),
    ];
    const { element, select } = selectField({
      id: 'template-select',
      label: 'Template',
      hideLabel: true,
      value: '',
      options,
      onChange: (value) => {
        if (value.startsWith('template:')) this.applyTemplate(value.slice('template:'.length) as TemplateId);
        else if (value.startsWith('record:')) void this.openRecord(value.slice('record:'.length));
        select.value = '';
      },
    });
    replaceChildren(this.templateHost, element);
  }

  private renderSettingsForm(): void {
    const values: SettingsValues = { ...this.state.settings, accessToken: this.accessToken };
    replaceChildren(
      this.settingsHost,
      renderSettings(values, this.config?.defaultSettings ?? {}, (name, value) => {
        if (name === 'accessToken') this.accessToken = value;
        else this.state.settings[name] = value;
        this.save();
      }),
    );
  }

  // ---------------------------------------------------------------------------------------------------
  // Loading
  // ---------------------------------------------------------------------------------------------------

  private async loadConfig(): Promise<void> {
    try {
      this.config = await this.host.getConfig();
      this.renderSettingsForm();
      this.renderLiveStatus();
    } catch (error) {
      this.showError(error);
    }
  }

  private async loadDatafile(): Promise<void> {
    try {
      this.datafile = await this.host.getDatafile();
      this.picker.setEvents(this.datafile.events);
      const d = this.datafile;
      replaceChildren(
        this.datafileInfo,
        d.error
          ? h('span', { class: 'error-text' }, d.error)
          : [
              'Datafile ',
              h('strong', null, d.environmentKey ?? 'unknown environment'),
              ` · revision ${d.revision ?? '?'} · account ${d.accountId ?? '?'} · ${d.events.length} event${d.events.length === 1 ? '' : 's'}`,
            ],
        ' ',
        h('button', { type: 'button', class: 'link-button', id: 'reload-datafile', onclick: () => void this.loadDatafile() }, 'reload'),
      );
      this.onPayloadChanged(false);
    } catch (error) {
      replaceChildren(this.datafileInfo, h('span', { class: 'error-text' }, `Datafile not loaded: ${message(error)}`));
    }
  }

  private async loadHistory(append: boolean): Promise<void> {
    try {
      const page = await this.host.listHistory({ limit: HISTORY_PAGE, text: this.state.historyFilter || undefined, cursor: append ? (this.historyCursor ?? undefined) : undefined });
      this.historyCursor = page.nextCursor;
      this.historyView.setRecords(page.events, page.nextCursor, append);
      if (!append) this.renderTemplates(page.events);
    } catch (error) {
      this.showError(error);
    }
  }

  private onPush(push: ConsolePush): void {
    switch (push.kind) {
      case 'history':
        this.historyView.apply(push.change, push.record);
        if (push.record && push.change === 'updated' && push.record.id === this.state.current?.record.id) {
          this.state.current = { ...this.state.current, record: push.record };
          this.renderResultPane();
          this.save();
        }
        return;
      case 'config':
        this.config = push.config;
        this.renderLiveStatus();
        return;
      case 'open':
        void this.open(push.initial);
        return;
    }
  }

  private async open(initial: ConsoleInitial): Promise<void> {
    if (initial.recordId) await this.openRecord(initial.recordId);
    else if (initial.payload !== undefined) {
      this.editor.text = JSON.stringify(initial.payload, null, 2);
      this.onPayloadChanged(true);
      this.editor.focus();
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Editing
  // ---------------------------------------------------------------------------------------------------

  private applyTemplate(id: TemplateId): void {
    const current = this.resolvedEventKey();
    const payload = buildTemplate(id, { datafile: this.datafile, currentEventKey: typeof current === 'string' ? current : undefined, now: new Date(), newId });
    this.editor.text = JSON.stringify(payload, null, 2);
    this.onPayloadChanged(true);
    announce(`Template applied: ${TEMPLATES.find((template) => template.id === id)?.label ?? id}`);
  }

  private onMappingChanged(key: TrackEventFieldKey, form: FieldForm): void {
    if (form.mode === 'default') delete this.state.mapping[key];
    else this.state.mapping[key] = form;
    this.onPayloadChanged(true);
  }

  private overrides() {
    return mappingOverrides(this.state.mapping);
  }

  /** The event key the current payload and mapping resolve to. */
  private resolvedEventKey(): unknown {
    if (!this.parsed.ok) return undefined;
    try {
      return resolveMapping(effectiveFieldMapping('eventKey', this.overrides().mapping), this.parsed.value);
    } catch {
      return undefined;
    }
  }

  /** Sets the event key where the mapping reads it: the payload path, or the literal. */
  private setEventKey(key: string): void {
    const mapping = effectiveFieldMapping('eventKey', this.overrides().mapping);
    const path = typeof mapping === 'object' && mapping !== null && typeof (mapping as Record<string, unknown>)['@path'] === 'string' ? ((mapping as Record<string, unknown>)['@path'] as string) : undefined;
    if (path !== undefined) {
      const pointer = pointerOfPath(path);
      const text = pointer === undefined ? undefined : setJsonValue(this.editor.text, pointer, key);
      if (text === undefined) {
        this.showError(new Error('Fix the JSON first: the event key is written into the payload.'));
        return;
      }
      this.editor.text = text;
    } else if (typeof mapping === 'string') {
      this.state.mapping.eventKey = formOf('eventKey', key);
      this.mappingView.setForms(this.state.mapping);
    }
    this.onPayloadChanged(true);
    announce(`Event key set to ${key}`);
  }

  private onPayloadChanged(userEdit: boolean): void {
    const text = this.editor.text;
    this.state.payloadText = text;
    this.parsed = checkJson(text);
    const { mapping, errors } = this.overrides();
    const fieldErrors = this.currentFieldErrors();
    const marks: EditorMark[] = [];
    let summary = '';
    if (this.parsed.ok) {
      const value = this.parsed.value;
      const spans = this.parsed.spans;
      for (const [field, text2] of Object.entries(fieldErrors)) {
        const key = field.split(/[./]/)[0] as TrackEventFieldKey;
        if (!FIELD_KEYS.includes(key)) continue;
        const pointers = pathsReadBy(effectiveFieldMapping(key, mapping)).map(pointerOfPath).filter((pointer): pointer is string => pointer !== undefined);
        for (const line of linesOfPointers(text, spans, pointers)) marks.push({ line, kind: 'field', message: `${field} — ${text2}` });
      }
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      if (!isObject) marks.push({ line: 1, kind: 'warning', message: 'A Segment event is a JSON object.' });
      else {
        const event = value as Record<string, unknown>;
        if (event.type !== undefined && event.type !== 'track') {
          const line = linesOfPointers(text, spans, ['/type'])[0] ?? 1;
          marks.push({ line, kind: 'warning', message: `type is ${JSON.stringify(event.type)}: the Track Event action’s trigger is type = "track".` });
        }
      }
      const lines = text.split('\n').length;
      summary = `✓ Valid JSON · ${lines} line${lines === 1 ? '' : 's'}`;
    }
    this.editor.setDiagnostics(this.parsed.ok ? undefined : this.parsed.error, marks, summary);
    this.mappingView.update(this.parsed.ok ? this.parsed.value : undefined, mapping, errors, fieldErrors);
    const changed = Object.keys(this.state.mapping).length;
    this.mappingSummary.textContent = changed === 0 ? 'defaults' : `${changed} field${changed === 1 ? '' : 's'} changed`;
    this.updatePicker();
    if (userEdit) this.save();
  }

  private updatePicker(): void {
    const mapping = effectiveFieldMapping('eventKey', this.overrides().mapping);
    const path = typeof mapping === 'object' && mapping !== null ? (mapping as Record<string, unknown>)['@path'] : undefined;
    const editable = (typeof path === 'string' && pointerOfPath(path) !== undefined) || typeof mapping === 'string';
    const key = this.resolvedEventKey();
    this.picker.setValue(key === undefined || key === null ? undefined : String(key), {
      editable: editable && this.parsed.ok,
      reason: !this.parsed.ok ? 'Fix the JSON to pick an event key.' : 'The event key comes from a mapping this picker cannot edit; change it in the Mapping section.',
      datafileLoaded: Boolean(this.datafile && !this.datafile.error),
      revision: this.datafile?.revision,
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // Send, results
  // ---------------------------------------------------------------------------------------------------

  /** The console input, or why it cannot be sent. */
  private buildInput(): { ok: true; input: ConsoleInput } | { ok: false; error: string; focus: () => void } {
    if (!this.parsed.ok) {
      const { line, column, message: text } = this.parsed.error;
      return { ok: false, error: `The payload is not valid JSON (line ${line}, column ${column}): ${text}`, focus: () => this.editor.goTo(line, column) };
    }
    const { mapping, errors } = this.overrides();
    const broken = Object.entries(errors)[0];
    if (broken) return { ok: false, error: `The mapping of ${broken[0]} is not valid: ${broken[1]}`, focus: () => this.mappingView.focusField(broken[0]) };
    const input: ConsoleInput = { payload: this.parsed.value };
    const settings: Record<string, unknown> = {};
    if (this.state.settings.accountId.trim()) settings.accountId = this.state.settings.accountId.trim();
    if (this.state.settings.dataFileUrl.trim()) settings.dataFileUrl = this.state.settings.dataFileUrl.trim();
    if (this.accessToken) settings.accessToken = this.accessToken;
    if (Object.keys(settings).length > 0) input.settings = settings;
    if (Object.keys(mapping).length > 0) input.mapping = mapping;
    return { ok: true, input };
  }

  private async send(): Promise<void> {
    if (this.busy || this.liveConfirm.isOpen) return;
    const built = this.buildInput();
    if (!built.ok) {
      this.showError(new Error(built.error));
      built.focus();
      return;
    }
    const liveOnce = this.state.liveOnce && !this.config?.live;
    if (liveOnce && !(await this.liveConfirm.ask('once', this.accountId()))) {
      announce('Live send cancelled.');
      return;
    }
    this.setBusy(true);
    this.clearStatus();
    announce(liveOnce ? 'Sending live…' : 'Sending…');
    try {
      // Live for this request only: the emulator's live switch is never flipped, so no other request goes live.
      const reply = await this.host.send(liveOnce ? { ...built.input, live: true } : built.input);
      this.showResult({ record: reply.record, input: built.input });
      announce(`${reply.record.status}: ${reply.record.outcomes[0]?.error?.message ?? 'see the Event API request'}`);
    } catch (error) {
      this.showError(error);
    } finally {
      this.setBusy(false);
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    if (busy) this.sendButton.setAttribute('disabled', '');
    else this.sendButton.removeAttribute('disabled');
    this.sendButton.textContent = busy ? 'Sending…' : 'Send';
  }

  private accountId(): string | undefined {
    const override = this.state.settings.accountId.trim();
    const fallback = this.config?.defaultSettings.accountId;
    return override || (typeof fallback === 'string' ? fallback : undefined);
  }

  /** Shows a result; the one shown before becomes "previous" for the diff. */
  private showResult(snapshot: ResultSnapshot): void {
    if (this.state.current && this.state.current.record.id !== snapshot.record.id) this.state.previous = this.state.current;
    this.state.current = snapshot;
    this.historyView.select(snapshot.record.id);
    this.renderResultPane();
    this.onPayloadChanged(false);
    this.save();
    if (!resultOf(snapshot.record).checks && snapshot.input) void this.loadChecks(snapshot);
  }

  private async loadChecks(snapshot: ResultSnapshot): Promise<void> {
    if (!snapshot.input) return;
    this.checksPending = true;
    this.renderResultPane();
    try {
      const diagnosis = await this.host.diagnose(snapshot.input);
      if (this.state.current?.record.id === snapshot.record.id) this.state.current = { ...this.state.current, checks: diagnosis.checks };
    } catch (error) {
      this.showError(error);
    } finally {
      this.checksPending = false;
      this.renderResultPane();
      this.save();
    }
  }

  private viewOf(snapshot: ResultSnapshot | undefined): ResultView | undefined {
    return snapshot ? resultOf(snapshot.record, snapshot.checks) : undefined;
  }

  private currentFieldErrors(): Record<string, string> {
    return fieldErrorsOf(this.viewOf(this.state.current));
  }

  private renderResultPane(): void {
    const view = this.viewOf(this.state.current);
    replaceChildren(
      this.resultPane,
      renderResult(
        { view, previous: this.viewOf(this.state.previous), checks: view?.checks, checksPending: this.checksPending, tab: this.state.resultTab, eventApiTarget: this.config?.eventApiTarget },
        {
          copy: (kind) => void this.copy(kind),
          focusField: (field) => this.focusField(field),
          showFieldInPayload: (field) => this.showFieldInPayload(field),
          setTab: (tab) => this.setTab(tab),
        },
      ),
    );
  }

  private setTab(tab: ResultTab): void {
    if (this.state.resultTab === tab) return;
    this.state.resultTab = tab;
    const tabs = this.resultPane.querySelector('vscode-tabs') as (HTMLElement & { selectedIndex: number }) | null;
    const index = ['request', 'checks', 'exchanges', 'diff'].indexOf(tab);
    if (tabs && tabs.selectedIndex !== index) tabs.selectedIndex = index;
    this.save();
  }

  private focusField(field: string): void {
    const section = this.root.querySelector('#mapping-section') as (HTMLElement & { open: boolean }) | null;
    if (section && !section.open) {
      section.open = true;
      this.onSectionToggle('mapping', true);
    }
    requestAnimationFrame(() => this.mappingView.focusField(field.split(/[./]/)[0]));
  }

  private showFieldInPayload(field: string): void {
    if (!this.parsed.ok) return;
    const key = field.split(/[./]/)[0] as TrackEventFieldKey;
    if (!FIELD_KEYS.includes(key)) return;
    const pointers = pathsReadBy(effectiveFieldMapping(key, this.overrides().mapping)).map(pointerOfPath).filter((pointer): pointer is string => pointer !== undefined);
    const line = linesOfPointers(this.editor.text, this.parsed.spans, pointers)[0];
    if (line) this.editor.goTo(line);
    else this.showError(new Error(`The payload has no value where ${key} is mapped from (${pointers.join(', ') || 'a literal'}).`));
  }

  private async copy(kind: CopyKind): Promise<void> {
    const current = this.state.current;
    const view = this.viewOf(current);
    if (!current || !view) return;
    let text: string | undefined;
    let what = '';
    switch (kind) {
      case 'body':
        text = view.request?.body;
        what = 'Event API body';
        break;
      case 'curl':
        text = view.request ? toCurl(view.request) : undefined;
        what = 'curl command';
        break;
      case 'fixture': {
        const input = current.input ?? inputFromRecord(current.record) ?? { payload: current.record.message };
        text = fixtureText(input, { status: view.status, request: view.request, error: view.error });
        what = 'test fixture';
        break;
      }
      case 'diff': {
        const previous = this.viewOf(this.state.previous);
        if (previous?.request && view.request) text = diffText(diffBodies(previous.request.body, view.request.body));
        what = 'diff';
        break;
      }
    }
    if (text === undefined) return;
    try {
      await this.host.copyText({ text });
      this.showStatus(`Copied the ${what} to the clipboard.`);
      announce(`Copied the ${what}.`);
    } catch (error) {
      this.showError(error);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // History records
  // ---------------------------------------------------------------------------------------------------

  private async openRecord(id: string): Promise<void> {
    try {
      const record = await this.host.getRecord({ id });
      const input = inputFromRecord(record);
      if (input) {
        this.editor.text = JSON.stringify(input.payload, null, 2);
        if (input.settings) {
          this.state.settings = {
            accountId: typeof input.settings.accountId === 'string' ? input.settings.accountId : '',
            dataFileUrl: typeof input.settings.dataFileUrl === 'string' ? input.settings.dataFileUrl : '',
          };
          this.renderSettingsForm();
        }
        if (record.route === 'trackEvent') {
          this.state.mapping = {};
          for (const [key, value] of Object.entries(input.mapping ?? {})) {
            if (FIELD_KEYS.includes(key as TrackEventFieldKey)) {
              const form = formOf(key as TrackEventFieldKey, value);
              if (form.mode !== 'default') this.state.mapping[key as TrackEventFieldKey] = form;
            }
          }
          this.mappingView.setForms(this.state.mapping);
        }
      }
      this.showResult({ record, input });
      this.showStatus(input ? `Opened record ${record.id.slice(0, 8)} (${record.event ?? record.route}).` : `Record ${record.id.slice(0, 8)} carries no Segment event (${record.route}); its result is shown.`);
    } catch (error) {
      this.showError(error);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Live send
  // ---------------------------------------------------------------------------------------------------

  private renderLiveStatus(): void {
    const config = this.config;
    if (!config) return;
    this.root.classList.toggle('is-live', config.live);
    replaceChildren(
      this.liveStatus,
      config.live
        ? [h('strong', { class: 'live-badge' }, 'LIVE'), ' Events go to ', h('code', null, config.eventApiTarget), ' ', button('Turn live send off', () => void this.setLive(false), { id: 'live-toggle' })]
        : ['Local: events go to ', h('code', null, config.eventApiTarget), ' ', button('Turn live send on…', () => void this.setLive(true), { secondary: true, id: 'live-toggle' })],
    );
  }

  private async setLive(live: boolean): Promise<void> {
    if (live && !(await this.liveConfirm.ask('on', this.accountId()))) return;
    try {
      const state = await this.host.setLive({ live });
      if (this.config) this.config = { ...this.config, live: state.live, eventApiTarget: state.eventApiTarget };
      this.renderLiveStatus();
      announce(state.live ? 'Live send is on.' : 'Live send is off.');
    } catch (error) {
      this.showError(error);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Status and persistence
  // ---------------------------------------------------------------------------------------------------

  private showError(error: unknown): void {
    this.statusLine.className = 'status-line error';
    this.statusLine.setAttribute('role', 'alert');
    replaceChildren(this.statusLine, message(error));
  }

  private showStatus(text: string): void {
    this.statusLine.className = 'status-line info';
    this.statusLine.setAttribute('role', 'status');
    replaceChildren(this.statusLine, text);
  }

  private clearStatus(): void {
    this.statusLine.className = 'status-line';
    replaceChildren(this.statusLine);
  }

  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.host.setState(stateForStorage(this.state)), 200);
  }
}
