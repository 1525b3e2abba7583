/**
 * The result of a send (or of a history record): the verdict, Segment's error with its fields, the Event
 * API request (headers redacted, body pretty and exact), every exchange, the diagnostics checklist, and
 * the diff with the previous send.
 */
import type { Check, Exchange } from '../protocol';
import { redactHeaders } from '../logic/copyFormats';
import { diffBodies, prettyJson, type BodyDiff } from '../logic/diff';
import { checkCounts, sortChecks, verdictOf, type ResultView } from '../logic/result';
import type { ResultTab } from '../logic/state';
import { button } from './controls';
import { h, type Child } from './dom';

export type CopyKind = 'body' | 'curl' | 'fixture' | 'diff';

export interface ResultModel {
  view?: ResultView;
  previous?: ResultView;
  checks?: Check[];
  checksPending: boolean;
  tab: ResultTab;
  /** Where the emulator posts the Event API request now. */
  eventApiTarget?: string;
}

export interface ResultCallbacks {
  copy: (kind: CopyKind) => void;
  focusField: (field: string) => void;
  showFieldInPayload: (field: string) => void;
  setTab: (tab: ResultTab) => void;
}

const TABS: { tab: ResultTab; label: string }[] = [
  { tab: 'request', label: 'Event API request' },
  { tab: 'checks', label: 'Checks' },
  { tab: 'exchanges', label: 'Exchanges' },
  { tab: 'diff', label: 'Diff' },
];

const SEVERITY_TEXT = { fail: '✗ Fail', warn: '⚠ Warn', info: 'ℹ Info', pass: '✓ Pass' } as const;

export function renderResult(model: ResultModel, callbacks: ResultCallbacks): HTMLElement {
  const view = model.view;
  if (!view) {
    return h(
      'div',
      { class: 'result-empty' },
      h('p', null, 'Nothing sent yet.'),
      h('p', { class: 'muted' }, 'Compose a Segment track event, then Send (Ctrl+Enter / ⌘+Enter). The result shows the Event API request Segment would make, every exchange, Segment’s error if it rejects the event, and why the conversion would or would not count.'),
    );
  }
  const counts = checkCounts(model.checks);
  const tabs = h('vscode-tabs', { class: 'result-tabs', 'selected-index': String(TABS.findIndex((item) => item.tab === model.tab)) });
  for (const { tab, label } of TABS) {
    const badge =
      tab === 'checks' && model.checks
        ? h('vscode-badge', { variant: 'counter', slot: 'content-after', 'aria-label': `${model.checks.length} checks, ${counts.fail} failing, ${counts.warn} warnings` }, counts.fail > 0 ? `${counts.fail} ✗` : counts.warn > 0 ? `${counts.warn} ⚠` : String(model.checks.length))
        : tab === 'exchanges'
          ? h('vscode-badge', { variant: 'counter', slot: 'content-after' }, String(view.exchanges.length))
          : null;
    tabs.append(h('vscode-tab-header', { slot: 'header', 'data-tab': tab }, label, badge));
  }
  tabs.append(
    h('vscode-tab-panel', { 'data-panel': 'request' }, renderRequest(view, model, callbacks)),
    h('vscode-tab-panel', { 'data-panel': 'checks' }, renderChecks(model)),
    h('vscode-tab-panel', { 'data-panel': 'exchanges' }, renderExchanges(view)),
    h('vscode-tab-panel', { 'data-panel': 'diff' }, renderDiff(model, callbacks)),
  );
  tabs.addEventListener('vsc-tabs-select', (event) => {
    const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
    const tab = TABS[index]?.tab;
    if (tab) callbacks.setTab(tab);
  });
  return h('div', { class: 'result' }, renderVerdict(view, model, callbacks), tabs);
}

function renderVerdict(view: ResultView, model: ResultModel, callbacks: ResultCallbacks): HTMLElement {
  const verdict = verdictOf(view);
  const fields = Object.entries(view.error?.fields ?? {});
  const counts = checkCounts(model.checks);
  const summary = model.checksPending
    ? h('span', { class: 'muted' }, 'Running checks…')
    : model.checks
      ? h(
          'span',
          { class: 'check-summary' },
          counts.fail > 0 ? h('span', { class: 'error-text' }, `${counts.fail} failing`) : null,
          counts.fail > 0 && counts.warn > 0 ? ', ' : null,
          counts.warn > 0 ? h('span', { class: 'warn-text' }, `${counts.warn} warning${counts.warn === 1 ? '' : 's'}`) : null,
          counts.fail === 0 && counts.warn === 0 ? h('span', { class: 'ok-text' }, `${model.checks.length} checks, none failing`) : null,
          ' — ',
          h('button', { type: 'button', class: 'link-button', onclick: () => callbacks.setTab('checks') }, 'see checks'),
        )
      : null;
  return h(
    'section',
    { class: `verdict tone-${verdict.tone}`, 'aria-labelledby': 'verdict-title', id: 'verdict' },
    h('h2', { id: 'verdict-title', class: 'verdict-title' }, verdict.title),
    verdict.detail ? h('p', { class: 'verdict-detail' }, verdict.detail) : null,
    fields.length > 0
      ? h(
          'ul',
          { class: 'error-fields', 'aria-label': 'Fields Segment rejected' },
          fields.map(([field, message]) =>
            h(
              'li',
              { class: 'error-field', 'data-field': field },
              h('code', null, field),
              ': ',
              message,
              ' ',
              h('button', { type: 'button', class: 'link-button', onclick: () => callbacks.focusField(field) }, 'show mapping'),
              ' · ',
              h('button', { type: 'button', class: 'link-button', onclick: () => callbacks.showFieldInPayload(field) }, 'show in payload'),
            ),
          ),
        )
      : null,
    h('p', { class: 'verdict-meta muted' }, `Record ${view.recordId.slice(0, 8)} · ${view.receivedAt.replace('T', ' ').slice(0, 19)} · ${view.route}${view.attempts > 1 ? ` · ${view.attempts} attempts` : ''}`, summary ? [' · ', summary] : null),
  );
}

function headerTable(headers: Record<string, string>, label: string): HTMLElement {
  const redacted = redactHeaders(headers);
  return h(
    'table',
    { class: 'headers', 'aria-label': label },
    h('tbody', null, Object.entries(redacted).map(([name, value]) => h('tr', null, h('th', { scope: 'row' }, name), h('td', null, h('code', null, value))))),
  );
}

function codeBlock(text: string, label: string, className = ''): HTMLElement {
  return h('pre', { class: `code ${className}`, tabindex: '0', 'aria-label': label }, text);
}

function renderRequest(view: ResultView, model: ResultModel, callbacks: ResultCallbacks): Child {
  const request = view.request;
  const mapped = view.payload !== undefined ? h('details', { class: 'mapped-payload' }, h('summary', null, 'Mapped payload (what the destination’s perform received)'), codeBlock(JSON.stringify(view.payload, null, 2), 'Mapped payload')) : null;
  const copyFixture = button('Copy as test fixture', () => callbacks.copy('fixture'), { secondary: true, id: 'copy-fixture' });
  if (!request) {
    return [
      h('p', { class: 'no-request' }, view.status === 'rejected' ? 'No request: Segment rejected the event before building it.' : 'No Event API request was built.'),
      h('div', { class: 'toolbar' }, copyFixture),
      mapped,
    ];
  }
  const exchange = [...view.exchanges].reverse().find((item) => item.request.method === 'POST');
  const deliveredTo = exchange?.request.url ?? model.eventApiTarget;
  return [
    h('div', { class: 'request-line' }, h('code', { class: 'method' }, request.method), ' ', h('code', { class: 'url', id: 'request-url' }, request.url)),
    deliveredTo && deliveredTo !== request.url ? h('p', { class: 'muted' }, 'Segment posts to Optimizely’s Event API; the emulator delivered it to ', h('code', null, deliveredTo), '.') : null,
    h('h3', null, 'Headers'),
    headerTable(request.headers, 'Request headers'),
    h('div', { class: 'toolbar' }, button('Copy body', () => callbacks.copy('body'), { id: 'copy-body' }), button('Copy as curl', () => callbacks.copy('curl'), { secondary: true, id: 'copy-curl' }), copyFixture),
    h('h3', null, 'Body ', h('span', { class: 'muted' }, `(${new TextEncoder().encode(request.body).length} bytes)`)),
    codeBlock(prettyJson(request.body), 'Event API body, pretty-printed', 'body-pretty'),
    h('details', { class: 'raw-body', open: true }, h('summary', null, 'Raw body (the exact text sent)'), codeBlock(request.body, 'Event API body, exact text', 'body-raw')),
    mapped,
  ];
}

function renderChecks(model: ResultModel): Child {
  if (model.checksPending) return h('p', { class: 'muted' }, 'Running the checks…');
  if (!model.checks) return h('p', { class: 'muted' }, 'No checks for this record.');
  return h(
    'ul',
    { class: 'checks', 'aria-label': 'Diagnostics checklist' },
    sortChecks(model.checks).map((check) =>
      h(
        'li',
        { class: `check check-${check.severity}`, 'data-check': check.id },
        h('div', { class: 'check-head' }, h('span', { class: `severity severity-${check.severity}` }, SEVERITY_TEXT[check.severity]), ' ', h('strong', { class: 'check-title' }, check.title)),
        check.detail ? h('p', { class: 'check-detail' }, check.detail) : null,
        check.fix ? h('p', { class: 'check-fix' }, h('strong', null, 'Fix: '), check.fix) : null,
        h('p', { class: 'check-meta muted' }, h('code', null, check.id), check.docs ? [' · ', h('a', { href: check.docs, target: '_blank', rel: 'noopener noreferrer' }, 'docs')] : null),
      ),
    ),
  );
}

function exchangeSummary(exchange: Exchange): string {
  const status = exchange.response ? `${exchange.response.statusCode} ${exchange.response.statusMessage}` : `no response (${exchange.error ?? 'error'})`;
  return `${exchange.request.method} ${exchange.request.url} → ${status} · ${Math.round(exchange.durationMs)} ms`;
}

function renderExchanges(view: ResultView): Child {
  if (view.exchanges.length === 0) return h('p', { class: 'muted' }, 'No HTTP exchange was made (Segment stopped before its first request).');
  return h(
    'ol',
    { class: 'exchanges' },
    view.exchanges.map((exchange, index) =>
      h(
        'li',
        null,
        h(
          'details',
          { class: 'exchange', open: index === view.exchanges.length - 1 },
          h('summary', null, exchangeSummary(exchange)),
          h('h4', null, 'Request headers'),
          headerTable(exchange.request.headers, 'Request headers'),
          exchange.request.body ? [h('h4', null, 'Request body'), codeBlock(prettyJson(exchange.request.body), 'Request body')] : null,
          exchange.response
            ? [h('h4', null, 'Response headers'), headerTable(exchange.response.headers, 'Response headers'), h('h4', null, 'Response body'), codeBlock(exchange.response.body === '' ? '(empty)' : prettyJson(exchange.response.body), 'Response body')]
            : h('p', { class: 'error-text' }, exchange.error ?? 'No response.'),
        ),
      ),
    ),
  );
}

function renderDiff(model: ResultModel, callbacks: ResultCallbacks): Child {
  const current = model.view;
  const previous = model.previous;
  if (!current || !previous) return h('p', { class: 'muted' }, 'Send again (or open another record) to compare its Event API body with this one.');
  const label = `${previous.receivedAt.slice(11, 19)} (${previous.status})`;
  if (!previous.request || !current.request) {
    const reason = (view: ResultView) => (view.error ? `: ${view.error.message.replace(/\.$/, '')}` : '');
    const which = !previous.request ? `The previous result (${label}) has no Event API body${reason(previous)}.` : `This result has no Event API body${reason(current)}; the previous one (${label}) has.`;
    return h('p', { class: 'diff-unavailable' }, which);
  }
  const diff = diffBodies(previous.request.body, current.request.body);
  return [
    h('p', { class: 'muted' }, `Previous result ${label} → this one ${current.receivedAt.slice(11, 19)} (${current.status}).`),
    diff.identical ? h('p', { class: 'ok-text diff-identical' }, 'The two bodies are identical, byte for byte.') : renderDiffBody(diff),
    diff.identical ? null : h('div', { class: 'toolbar' }, button('Copy diff', () => callbacks.copy('diff'), { secondary: true, id: 'copy-diff' })),
  ];
}

function renderDiffBody(diff: BodyDiff): Child {
  const changes =
    diff.changes.length > 0
      ? h(
          'ul',
          { class: 'value-changes', 'aria-label': 'Changed values' },
          diff.changes.map((change) =>
            h(
              'li',
              { class: `change change-${change.kind}` },
              h('code', { class: 'change-path' }, change.path),
              ': ',
              change.kind === 'added' ? ['added ', h('code', null, change.after ?? '')] : change.kind === 'removed' ? ['removed (was ', h('code', null, change.before ?? ''), ')'] : [h('code', { class: 'before' }, change.before ?? ''), ' → ', h('code', { class: 'after' }, change.after ?? '')],
            ),
          ),
        )
      : null;
  const lines = h(
    'pre',
    { class: 'code diff-lines', tabindex: '0', 'aria-label': `Line diff: ${diff.removed} removed, ${diff.added} added` },
    diff.lines.map((line) =>
      line.op === 'fold'
        ? h('span', { class: 'diff-line diff-fold' }, `  … ${line.count} unchanged line${line.count === 1 ? '' : 's'}\n`)
        : h('span', { class: `diff-line diff-${line.op}` }, h('span', { class: 'diff-sign', 'aria-label': line.op === 'same' ? undefined : line.op }, line.op === 'added' ? '+' : line.op === 'removed' ? '-' : ' '), ` ${line.text}\n`),
    ),
  );
  return [h('h3', null, `${diff.changes.length} value${diff.changes.length === 1 ? '' : 's'} changed`), changes, h('h3', null, 'Body diff'), lines];
}
