/**
 * A JSON editor without remote code: a native textarea (so every browser feature — undo, IME, screen
 * readers — just works) with a line-number gutter, line highlights for the syntax error and for the fields
 * Segment complained about, and a status line that says where the problem is and jumps to it.
 */
import { h, replaceChildren } from './dom';
import type { JsonSyntaxError } from '../logic/jsonText';

export interface EditorMark {
  line: number;
  kind: 'error' | 'field' | 'warning';
  message: string;
}

export interface JsonEditorOptions {
  id: string;
  label: string;
  onInput: (text: string) => void;
}

export class JsonEditor {
  readonly element: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly gutter: HTMLElement;
  private readonly backdrop: HTMLElement;
  private readonly status: HTMLElement;
  private marks: EditorMark[] = [];
  private lineCount = 0;

  constructor(options: JsonEditorOptions) {
    const statusId = `${options.id}-status`;
    this.textarea = h('textarea', {
      id: options.id,
      class: 'json-editor-input',
      spellcheck: 'false',
      autocapitalize: 'off',
      autocomplete: 'off',
      wrap: 'off',
      'aria-describedby': statusId,
      'aria-multiline': 'true',
    });
    this.gutter = h('div', { class: 'json-editor-gutter', 'aria-hidden': 'true' });
    this.backdrop = h('div', { class: 'json-editor-backdrop', 'aria-hidden': 'true' });
    this.status = h('div', { id: statusId, class: 'json-editor-status', role: 'status' });
    this.element = h(
      'div',
      { class: 'json-editor' },
      h('label', { class: 'field-label', for: options.id }, options.label),
      h('div', { class: 'json-editor-frame' }, this.gutter, h('div', { class: 'json-editor-body' }, this.backdrop, this.textarea)),
      this.status,
    );
    this.textarea.addEventListener('input', () => {
      this.renderGutter();
      options.onInput(this.textarea.value);
    });
    this.textarea.addEventListener('scroll', () => this.syncScroll());
  }

  get text(): string {
    return this.textarea.value;
  }

  set text(value: string) {
    if (this.textarea.value === value) return;
    this.textarea.value = value;
    this.renderGutter();
  }

  /** Shows the syntax error (or that the JSON is valid) and highlights lines. */
  setDiagnostics(error: JsonSyntaxError | undefined, marks: EditorMark[], summary: string): void {
    this.marks = error ? [{ line: error.line, kind: 'error', message: error.message }, ...marks] : marks;
    this.textarea.setAttribute('aria-invalid', error ? 'true' : 'false');
    this.element.classList.toggle('has-error', Boolean(error));
    const items = this.marks.map((mark) =>
      h(
        'li',
        { class: `mark mark-${mark.kind}` },
        h('button', { type: 'button', class: 'link-button', onclick: () => this.goTo(mark.line, mark.kind === 'error' && error ? error.column : 1) }, `Line ${mark.line}${mark.kind === 'error' && error ? `, column ${error.column}` : ''}`),
        ': ',
        mark.message,
      ),
    );
    replaceChildren(this.status, items.length > 0 ? h('ul', { class: 'marks' }, items) : h('span', { class: 'ok-text' }, summary));
    this.renderGutter();
  }

  /** Puts the caret at a line and column (1-based) and scrolls there. */
  goTo(line: number, column = 1): void {
    const lines = this.textarea.value.split('\n');
    let offset = 0;
    for (let index = 0; index < Math.min(line - 1, lines.length); index++) offset += lines[index].length + 1;
    offset += Math.max(0, column - 1);
    this.textarea.focus();
    this.textarea.setSelectionRange(offset, offset);
    const lineHeight = parseFloat(getComputedStyle(this.textarea).lineHeight) || 18;
    this.textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
    this.syncScroll();
  }

  focus(): void {
    this.textarea.focus();
  }

  private renderGutter(): void {
    const count = this.textarea.value.split('\n').length;
    const byLine = new Map<number, EditorMark>();
    for (const mark of this.marks) if (!byLine.has(mark.line) || mark.kind === 'error') byLine.set(mark.line, mark);
    if (count !== this.lineCount || this.gutter.childElementCount !== count || this.marks.length > 0 || this.gutter.querySelector('.marked')) {
      const rows: HTMLElement[] = [];
      for (let line = 1; line <= count; line++) {
        const mark = byLine.get(line);
        rows.push(h('div', { class: mark ? `gutter-line marked mark-${mark.kind}` : 'gutter-line', 'data-line': line }, String(line)));
      }
      replaceChildren(this.gutter, rows);
      this.lineCount = count;
    }
    const bands = [...byLine.values()].map((mark) => {
      const band = h('div', { class: `json-editor-band mark-${mark.kind}`, 'data-line': mark.line });
      band.style.setProperty('--line', String(mark.line - 1));
      return band;
    });
    replaceChildren(this.backdrop, bands);
    this.syncScroll();
  }

  private syncScroll(): void {
    this.gutter.scrollTop = this.textarea.scrollTop;
    this.backdrop.style.setProperty('--scroll-top', `${this.textarea.scrollTop}px`);
    this.backdrop.style.setProperty('--scroll-left', `${this.textarea.scrollLeft}px`);
  }
}
