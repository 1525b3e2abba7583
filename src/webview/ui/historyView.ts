/** The emulator's history, newest first, kept live by the host's pushes; any record opens in the console. */
import type { HistoryChange, HistoryRecord } from '../protocol';
import { button } from './controls';
import { h, replaceChildren, uid } from './dom';

export interface HistoryCallbacks {
  open: (record: HistoryRecord) => void;
  loadMore: () => void;
  filter: (text: string) => void;
  clear: () => void;
}

const MAX_SHOWN = 500;

/** The same text match the emulator's `?text=` filter applies. */
export function recordMatches(record: HistoryRecord, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  return `${record.event ?? ''}\n${record.visitorId ?? ''}\n${record.rawBody}`.toLowerCase().includes(needle);
}

function statusTone(status: string): string {
  if (status === 'sent' || status === 'ok' || status === 'recorded') return 'ok';
  if (status === 'rejected' || status === 'failed') return 'error';
  if (status === 'received') return 'pending';
  return 'warn';
}

export class HistoryView {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly more: HTMLElement;
  private readonly count: HTMLElement;
  private records: HistoryRecord[] = [];
  private filterText = '';
  private selectedId?: string;

  constructor(private readonly callbacks: HistoryCallbacks, filterText: string) {
    this.filterText = filterText;
    const filterId = uid('history-filter');
    const filter = h('input', { id: filterId, class: 'text-input', type: 'search', placeholder: 'Filter: event, visitor or any text', value: filterText });
    let timer: ReturnType<typeof setTimeout> | undefined;
    filter.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        this.filterText = filter.value;
        callbacks.filter(filter.value);
      }, 250);
    });
    this.list = h('ol', { class: 'history-list', 'aria-label': 'History records, newest first' });
    this.more = h('div', { class: 'history-more' });
    this.count = h('span', { class: 'muted', role: 'status' });
    this.element = h(
      'section',
      { class: 'history', 'aria-labelledby': 'history-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'history-title' }, 'History'), this.count, h('span', { class: 'spacer' }), button('Clear', () => callbacks.clear(), { secondary: true, id: 'history-clear', ariaLabel: 'Clear the emulator’s history' })),
      h('div', { class: 'form-field' }, h('label', { class: 'visually-hidden', for: filterId }, 'Filter history'), filter),
      this.list,
      this.more,
    );
  }

  setRecords(records: HistoryRecord[], nextCursor: string | null, append = false): void {
    this.records = append ? [...this.records, ...records.filter((record) => !this.records.some((known) => known.id === record.id))] : records;
    replaceChildren(this.more, nextCursor ? button('Load older records', () => this.callbacks.loadMore(), { secondary: true, id: 'history-more' }) : null);
    this.render();
  }

  /** Applies a pushed change (new or updated record, or the history cleared). */
  apply(change: HistoryChange, record: HistoryRecord | undefined): void {
    if (change === 'cleared') this.records = [];
    else if (record) {
      const index = this.records.findIndex((known) => known.id === record.id);
      if (index >= 0) this.records[index] = record;
      else if (change === 'added' && recordMatches(record, this.filterText)) this.records.unshift(record);
      if (this.records.length > MAX_SHOWN) this.records.length = MAX_SHOWN;
    }
    this.render();
  }

  select(id: string | undefined): void {
    this.selectedId = id;
    this.render();
  }

  private render(): void {
    this.count.textContent = `${this.records.length} record${this.records.length === 1 ? '' : 's'}${this.filterText ? ' matching' : ''}`;
    if (this.records.length === 0) {
      replaceChildren(this.list, h('li', { class: 'muted history-empty' }, this.filterText ? 'No record matches the filter.' : 'No records yet. Sends from this console, curl, SDKs and Segment clients all appear here.'));
      return;
    }
    replaceChildren(
      this.list,
      this.records.map((record) => {
        const time = record.receivedAt.slice(11, 19);
        const what = record.event ?? record.type ?? '';
        const item = h(
          'button',
          {
            type: 'button',
            class: record.id === this.selectedId ? 'history-item selected' : 'history-item',
            'data-record-id': record.id,
            'aria-current': record.id === this.selectedId ? 'true' : undefined,
            'aria-label': `Open ${what || record.route} from ${time}, ${record.status}${record.visitorId ? `, visitor ${record.visitorId}` : ''}, via ${record.route}`,
          },
          h('span', { class: 'history-time' }, time),
          h('span', { class: `history-status tone-${statusTone(record.status)}` }, record.status),
          h('span', { class: 'history-event' }, what || '—'),
          h('span', { class: 'history-visitor muted' }, record.visitorId ?? ''),
          h('span', { class: 'history-route muted' }, record.route),
        );
        item.addEventListener('click', () => this.callbacks.open(record));
        return h('li', null, item);
      }),
    );
  }
}
