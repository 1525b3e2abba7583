/**
 * A tiny DOM builder. Text always goes in as text nodes (never HTML): payloads, datafile keys and error
 * messages come from users and servers.
 */

export type Child = Node | string | number | null | undefined | false | Child[];

type Listener = (event: Event) => void;
export type Props = Record<string, string | number | boolean | null | undefined | Listener>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const item of child) append(parent, item);
    return;
  }
  parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
}

/** `h('button', {class: 'x', onclick: fn, 'aria-label': 'Send'}, 'Send')` */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement;
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let counter = 0;
/** Ids unique in the page, for label/aria wiring. */
export function uid(prefix: string): string {
  counter++;
  return `${prefix}-${counter}`;
}

/** Announces a message to screen readers through the page's polite live region. */
export function announce(message: string): void {
  const region = document.getElementById('console-announcer');
  if (!region) return;
  region.textContent = '';
  // A new text node in a later frame makes screen readers read it even when it repeats.
  requestAnimationFrame(() => (region.textContent = message));
}
