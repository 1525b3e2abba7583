/** Labelled controls built on @vscode-elements (native look in VS Code, themed by --vscode-* variables). */
import { h, uid } from './dom';

export function button(label: string, onClick: () => void, options: { secondary?: boolean; id?: string; title?: string; disabled?: boolean; ariaLabel?: string } = {}): HTMLElement {
  const element = h(
    'vscode-button',
    { id: options.id, secondary: options.secondary, title: options.title, disabled: options.disabled, 'aria-label': options.ariaLabel },
    label,
  );
  element.addEventListener('click', () => {
    if (!element.hasAttribute('disabled')) onClick();
  });
  return element;
}

export interface TextFieldOptions {
  label: string;
  value: string;
  placeholder?: string;
  type?: 'text' | 'password' | 'url';
  description?: string;
  onInput: (value: string) => void;
  id?: string;
  required?: boolean;
  monospace?: boolean;
}

/** A vscode-textfield with a visible label (vscode-label wires aria-labelledby) and an optional description. */
export function textField(options: TextFieldOptions): { element: HTMLElement; field: HTMLElement & { value: string; invalid?: boolean } } {
  const id = options.id ?? uid('field');
  const descriptionId = options.description ? `${id}-description` : undefined;
  const field = h('vscode-textfield', {
    id,
    type: options.type ?? 'text',
    placeholder: options.placeholder,
    class: options.monospace ? 'monospace' : undefined,
    'aria-describedby': descriptionId,
  }) as HTMLElement & { value: string; invalid?: boolean };
  field.value = options.value;
  field.addEventListener('input', () => options.onInput(field.value));
  const element = h(
    'div',
    { class: 'form-field' },
    h('vscode-label', { for: id, required: options.required }, options.label),
    field,
    options.description ? h('div', { id: descriptionId, class: 'field-description' }, options.description) : null,
  );
  return { element, field };
}

export interface SelectOption {
  value: string;
  label: string;
  description?: string;
}

/** A vscode-single-select; `onChange` gets the chosen value. */
export function selectField(options: { label: string; value: string; options: SelectOption[]; onChange: (value: string) => void; id?: string; hideLabel?: boolean }): { element: HTMLElement; select: HTMLElement & { value: string } } {
  const id = options.id ?? uid('select');
  const select = h(
    'vscode-single-select',
    { id },
    options.options.map((option) => h('vscode-option', { value: option.value, selected: option.value === options.value, description: option.description }, option.label)),
  ) as HTMLElement & { value: string };
  select.addEventListener('change', () => options.onChange(select.value));
  const element = h('div', { class: 'form-field' }, h('vscode-label', { for: id, class: options.hideLabel ? 'visually-hidden' : undefined }, options.label), select);
  return { element, select };
}
