/**
 * The event key picker: an ARIA 1.2 combobox over the datafile's events (type to filter, arrows to move,
 * Enter to pick, Escape to close). A key that is not in the datafile is flagged with Segment's own
 * consequence and the closest keys.
 */
import { h, replaceChildren, uid } from './dom';
import type { DatafileSummary } from '../protocol';
import { nearestKeys } from '../../core/datafile/suggest';

type DatafileEvent = DatafileSummary['events'][number];

export interface EventKeyPickerOptions {
  onPick: (key: string) => void;
}

export function filterEvents(events: readonly DatafileEvent[], query: string): DatafileEvent[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [...events];
  const words = needle.split(/\s+/);
  return events.filter((event) => words.every((word) => event.key.toLowerCase().includes(word)));
}

export class EventKeyPicker {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly listbox: HTMLUListElement;
  private readonly note: HTMLElement;
  private events: DatafileEvent[] = [];
  private shown: DatafileEvent[] = [];
  private active = -1;
  private open = false;
  /** The key last shown or picked: leaving the input only picks what was typed since. */
  private lastValue = '';
  /** What the note shows, so it is not rebuilt (under a pointer about to click it) when nothing changed. */
  private noteSignature = '';
  private readonly id = uid('event-key');

  constructor(private readonly options: EventKeyPickerOptions) {
    const listId = `${this.id}-list`;
    this.input = h('input', {
      id: this.id,
      class: 'text-input combobox-input',
      type: 'text',
      role: 'combobox',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': listId,
      'aria-describedby': `${this.id}-note`,
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'Search the datafile’s events…',
    });
    this.listbox = h('ul', { id: listId, class: 'combobox-list', role: 'listbox', 'aria-label': 'Events in the datafile', hidden: true });
    this.note = h('div', { id: `${this.id}-note`, class: 'picker-note' });
    const toggle = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Show all events', tabindex: '-1', onclick: () => (this.open ? this.close() : this.show('')) }, '▾');
    this.element = h(
      'div',
      { class: 'event-key-picker' },
      h('label', { class: 'field-label', for: this.id }, 'Event key ', h('span', { class: 'hint' }, '(Segment’s event name → Optimizely event key)')),
      h('div', { class: 'combobox' }, this.input, toggle, this.listbox),
      this.note,
    );
    this.input.addEventListener('input', () => this.show(this.input.value));
    this.input.addEventListener('keydown', (event) => this.onKey(event));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.input.addEventListener('change', () => {
      if (!this.open && this.input.value !== this.lastValue) this.pick(this.input.value);
    });
  }

  setEvents(events: DatafileEvent[]): void {
    this.events = events;
  }

  /** Shows the key the payload resolves to, flagged when unknown. `editable` false when the mapping is not a simple path or literal. */
  setValue(key: string | undefined, state: { editable: boolean; reason?: string; datafileLoaded: boolean; revision?: string }): void {
    if (document.activeElement !== this.input) this.input.value = key ?? '';
    this.lastValue = key ?? '';
    this.input.disabled = !state.editable;
    const known = key !== undefined && this.events.find((event) => event.key === key);
    this.input.setAttribute('aria-invalid', key !== undefined && state.datafileLoaded && !known ? 'true' : 'false');
    const signature = JSON.stringify([key, state, this.events.length]);
    if (signature === this.noteSignature) return;
    this.noteSignature = signature;
    if (!state.editable) {
      replaceChildren(this.note, h('span', { class: 'muted' }, state.reason ?? 'The event key comes from the mapping.'));
    } else if (key === undefined || key === '') {
      replaceChildren(this.note, h('span', { class: 'warn-text' }, 'No event key: Segment rejects the event (eventKey is required).'));
    } else if (!state.datafileLoaded) {
      replaceChildren(this.note, h('span', { class: 'muted' }, 'The datafile is not loaded: the key cannot be checked.'));
    } else if (known) {
      replaceChildren(this.note, h('span', { class: 'ok-text' }, `✓ In the datafile (event id ${known.id}); ${experimentsText(known)}.`));
    } else {
      const suggestions = nearestKeys(key, this.events.map((event) => event.key), 3);
      replaceChildren(
        this.note,
        h('span', { class: 'error-text' }, `✗ "${key}" is not an event in the datafile${state.revision ? ` (revision ${state.revision})` : ''}: Segment rejects it with “Event with name ${key} is not defined”.`),
        suggestions.length > 0
          ? [' Did you mean ', suggestions.map((suggestion, index) => [index > 0 ? ', ' : '', h('button', { type: 'button', class: 'link-button', onclick: () => this.pick(suggestion.key) }, suggestion.key)]), '?']
          : null,
      );
    }
  }

  private show(query: string): void {
    this.shown = filterEvents(this.events, query);
    this.active = this.shown.findIndex((event) => event.key === this.input.value);
    this.open = true;
    this.renderList();
  }

  private close(): void {
    if (!this.open) return;
    this.open = false;
    this.active = -1;
    this.renderList();
  }

  private pick(key: string): void {
    this.input.value = key;
    this.lastValue = key;
    this.close();
    this.options.onPick(key);
  }

  private onKey(event: KeyboardEvent): void {
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        event.preventDefault();
        if (!this.open) this.show('');
        if (this.shown.length === 0) return;
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.active = (this.active + step + this.shown.length) % this.shown.length;
        this.renderList();
        return;
      }
      case 'Enter':
        if (this.open && this.active >= 0 && this.shown[this.active]) {
          event.preventDefault();
          this.pick(this.shown[this.active].key);
        } else if (!event.ctrlKey && !event.metaKey) {
          event.preventDefault();
          this.pick(this.input.value);
        }
        return;
      case 'Escape':
        if (this.open) {
          event.preventDefault();
          event.stopPropagation();
          this.close();
        }
        return;
    }
  }

  private renderList(): void {
    this.input.setAttribute('aria-expanded', String(this.open));
    this.listbox.hidden = !this.open;
    if (!this.open) {
      this.input.removeAttribute('aria-activedescendant');
      return;
    }
    const items = this.shown.map((event, index) => {
      const id = `${this.id}-option-${index}`;
      const item = h(
        'li',
        { id, role: 'option', class: index === this.active ? 'option active' : 'option', 'aria-selected': String(index === this.active) },
        h('span', { class: 'option-key' }, event.key),
        h('span', { class: event.runningExperimentCount > 0 ? 'option-meta' : 'option-meta warn-text' }, experimentsText(event)),
      );
      // mousedown, not click: the input's blur would close the list first.
      item.addEventListener('mousedown', (mouse) => {
        mouse.preventDefault();
        this.pick(event.key);
      });
      return item;
    });
    replaceChildren(this.listbox, items.length > 0 ? items : h('li', { class: 'option empty', role: 'option', 'aria-disabled': 'true' }, 'No event matches'));
    if (this.active >= 0) {
      this.input.setAttribute('aria-activedescendant', `${this.id}-option-${this.active}`);
      this.listbox.querySelector('.active')?.scrollIntoView({ block: 'nearest' });
    } else this.input.removeAttribute('aria-activedescendant');
  }
}

function experimentsText(event: DatafileEvent): string {
  if (event.experimentCount === 0) return 'used by no experiment';
  return `${event.runningExperimentCount} running of ${event.experimentCount} experiment${event.experimentCount === 1 ? '' : 's'}`;
}
