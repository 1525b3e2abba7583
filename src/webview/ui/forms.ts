/**
 * The destination settings and the "Track Event" mapping, rendered from the destination's definition
 * (SETTINGS_FIELDS, TRACK_EVENT_FIELDS): labels, descriptions, defaults and types come from there.
 */
import { SETTINGS_FIELDS, TRACK_EVENT_FIELDS, type TrackEventFieldKey } from '../../core/destination/definition';
import type { Mapping } from '../../core/segment/mapping';
import { describeMapping, emptyForm, FIELD_KEYS, MAPPING_MODES, mappingOf, previewField, switchMode, type FieldForm, type MappingMode } from '../logic/mappingForm';
import { selectField, textField } from './controls';
import { h, replaceChildren, uid } from './dom';

export interface SettingsValues {
  accountId: string;
  dataFileUrl: string;
  accessToken: string;
}

/** The three settings; empty inputs fall back to the emulator's defaults (shown as placeholders). */
export function renderSettings(values: SettingsValues, defaults: Record<string, unknown>, onChange: (name: keyof SettingsValues, value: string) => void): HTMLElement {
  const fields = (Object.keys(SETTINGS_FIELDS) as (keyof typeof SETTINGS_FIELDS)[]).map((name) => {
    const definition = SETTINGS_FIELDS[name];
    const fallback = defaults[name];
    const placeholder = name === 'accessToken' ? (fallback ? 'Set (<redacted>) — type to override' : 'Not set') : typeof fallback === 'string' ? `Default: ${fallback}` : '';
    return textField({
      id: `setting-${name}`,
      label: `${definition.label}${definition.required ? '' : ' (optional)'}`,
      value: values[name],
      placeholder,
      type: definition.type === 'password' ? 'password' : 'text',
      description: name === 'accessToken' ? 'Used only for GDPR deletes. Never stored by the console.' : firstSentence(definition.description),
      required: definition.required,
      monospace: true,
      onInput: (value) => onChange(name, value),
    }).element;
  });
  return h('div', { class: 'settings-form' }, h('p', { class: 'muted' }, 'Leave a setting empty to use the emulator’s default.'), fields);
}

function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end > 0 ? text.slice(0, end + 1) : text;
}

export interface MappingFormCallbacks {
  onChange: (key: TrackEventFieldKey, form: FieldForm) => void;
}

/** One row per field: mode, inputs for that mode, the default, the resolved value, and Segment's complaint. */
export class MappingFormView {
  readonly element: HTMLElement;
  private readonly rows = new Map<TrackEventFieldKey, { row: HTMLElement; inputs: HTMLElement; preview: HTMLElement; message: HTMLElement }>();
  private forms: Partial<Record<TrackEventFieldKey, FieldForm>> = {};

  constructor(private readonly callbacks: MappingFormCallbacks) {
    this.element = h(
      'div',
      { class: 'mapping-form' },
      h('p', { class: 'muted' }, 'Each field of the “Track Event” action, as in Segment’s Mappings tab. Supported: @path, @if (exists / blank, then, else), @literal, @template.'),
      FIELD_KEYS.map((key) => this.renderRow(key)),
    );
  }

  setForms(forms: Partial<Record<TrackEventFieldKey, FieldForm>>): void {
    this.forms = { ...forms };
    for (const key of FIELD_KEYS) this.renderInputs(key);
  }

  /** Refreshes previews and messages: `fieldErrors` are Segment's (error.fields), shown on the row. */
  update(payload: unknown, overrides: Mapping, formErrors: Partial<Record<TrackEventFieldKey, string>>, fieldErrors: Record<string, string>): void {
    for (const key of FIELD_KEYS) {
      const parts = this.rows.get(key);
      if (!parts) continue;
      const formError = formErrors[key];
      const segmentError = fieldErrors[key];
      parts.row.classList.toggle('invalid', Boolean(formError || segmentError));
      parts.row.classList.toggle('overridden', (this.forms[key]?.mode ?? 'default') !== 'default');
      parts.row.setAttribute('aria-invalid', formError || segmentError ? 'true' : 'false');
      const preview = payload === undefined ? undefined : previewField(key, overrides, payload);
      replaceChildren(
        parts.preview,
        preview === undefined
          ? null
          : preview.kind === 'value'
            ? ['→ ', h('code', null, truncate(preview.text, 120))]
            : preview.kind === 'dropped'
              ? h('span', { class: 'muted' }, '→ (nothing: the field is left out)')
              : h('span', { class: 'error-text' }, `→ ${preview.text}`),
      );
      replaceChildren(
        parts.message,
        formError ? h('div', { class: 'error-text' }, formError) : null,
        segmentError ? h('div', { class: 'error-text segment-field-error' }, `Segment: ${segmentError}`) : null,
      );
    }
  }

  /** Scrolls to a field's row and focuses its first control. */
  focusField(key: string): void {
    const parts = this.rows.get(key as TrackEventFieldKey);
    if (!parts) return;
    parts.row.scrollIntoView({ block: 'center' });
    (parts.row.querySelector('vscode-single-select') as HTMLElement | null)?.focus();
  }

  private renderRow(key: TrackEventFieldKey): HTMLElement {
    const field = TRACK_EVENT_FIELDS[key];
    const headingId = uid('mapping-heading');
    const current = this.forms[key] ?? emptyForm();
    const mode = selectField({
      id: `mapping-mode-${key}`,
      label: `${field.label} mapping`,
      hideLabel: true,
      value: current.mode,
      options: MAPPING_MODES.map((item) => ({ value: item.mode, label: item.label })),
      onChange: (value) => {
        const form = switchMode(key, this.forms[key] ?? emptyForm(), value as MappingMode);
        this.forms[key] = form;
        this.renderInputs(key);
        this.callbacks.onChange(key, form);
      },
    });
    const inputs = h('div', { class: 'mapping-inputs' });
    const preview = h('div', { class: 'mapping-preview', 'aria-live': 'off' });
    const message = h('div', { class: 'mapping-message', role: 'status' });
    const row = h(
      'div',
      { class: 'mapping-row', 'data-field': key, role: 'group', 'aria-labelledby': headingId },
      h(
        'div',
        { class: 'mapping-head' },
        h('div', { id: headingId, class: 'mapping-title' }, h('strong', null, field.label), ' ', h('code', { class: 'muted' }, key), ' ', h('span', { class: 'muted' }, `${field.type}${field.required ? ', required' : ''}`)),
        mode.element,
      ),
      h('div', { class: 'mapping-default muted' }, `Default: ${describeMapping(field.default)}`),
      inputs,
      preview,
      message,
    );
    this.rows.set(key, { row, inputs, preview, message });
    return row;
  }

  private renderInputs(key: TrackEventFieldKey): void {
    const parts = this.rows.get(key);
    if (!parts) return;
    const form = this.forms[key] ?? emptyForm();
    const select = parts.row.querySelector('vscode-single-select') as (HTMLElement & { value: string }) | null;
    if (select && select.value !== form.mode) select.value = form.mode;
    const set = (name: keyof FieldForm) => (value: string) => {
      const next = { ...(this.forms[key] ?? emptyForm()), [name]: value } as FieldForm;
      this.forms[key] = next;
      this.callbacks.onChange(key, next);
    };
    const input = (name: 'path' | 'ifPath' | 'thenValue' | 'elseValue' | 'literal' | 'template', label: string, placeholder: string) =>
      textField({ id: `mapping-${key}-${name}`, label, value: form[name], placeholder, monospace: true, onInput: set(name) }).element;
    let content: HTMLElement | HTMLElement[] | null = null;
    switch (form.mode) {
      case 'path':
        content = input('path', 'Path', '$.properties.revenue');
        break;
      case 'if': {
        const kind = selectField({
          id: `mapping-${key}-ifKind`,
          label: 'Condition',
          value: form.ifKind,
          options: [
            { value: 'exists', label: 'exists (not undefined / null)' },
            { value: 'blank', label: 'blank (not empty)' },
          ],
          onChange: set('ifKind'),
        }).element;
        content = [kind, input('ifPath', 'Path tested', '$.userId'), input('thenValue', 'Then ($.path or literal)', '$.userId'), input('elseValue', 'Else ($.path or literal)', '$.anonymousId')];
        break;
      }
      case 'literal':
        content = input('literal', 'Value (JSON, or text for a string)', '4999');
        break;
      case 'template':
        content = input('template', 'Template', '{{properties.order_id}}');
        break;
      case 'json': {
        const id = `mapping-${key}-json`;
        const area = h('textarea', { id, class: 'code-input', rows: 4, spellcheck: 'false' });
        area.value = form.json;
        area.addEventListener('input', () => set('json')(area.value));
        content = h('div', { class: 'form-field' }, h('label', { class: 'field-label', for: id }, 'Mapping JSON'), area);
        break;
      }
      case 'default':
        content = null;
    }
    replaceChildren(parts.inputs, content);
    const check = mappingOf(key, form);
    parts.row.classList.toggle('form-invalid', !check.ok);
  }
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
