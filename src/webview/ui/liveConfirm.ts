/**
 * The confirmation before anything goes to Optimizely for real: an in-page alert dialog (webviews cannot
 * show `window.confirm`), saying exactly where events go. Focus starts on Cancel; Escape cancels; focus
 * returns where it was.
 */
import { EVENT_API_URL } from '../protocol';
import { button } from './controls';
import { h, replaceChildren } from './dom';

export type LiveScope = 'once' | 'on';

export class LiveConfirm {
  readonly element: HTMLElement;
  private pending?: (ok: boolean) => void;
  private returnFocus?: HTMLElement;

  constructor() {
    this.element = h('div', { class: 'live-confirm', role: 'alertdialog', 'aria-modal': 'false', 'aria-labelledby': 'live-confirm-title', 'aria-describedby': 'live-confirm-text', hidden: true });
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.finish(false);
      }
    });
  }

  get isOpen(): boolean {
    return this.pending !== undefined;
  }

  ask(scope: LiveScope, accountId: string | undefined): Promise<boolean> {
    this.finish(false);
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const cancel = button('Cancel', () => this.finish(false), { secondary: true, id: 'live-cancel' });
    const confirm = button(scope === 'once' ? 'Send live' : 'Turn live send on', () => this.finish(true), { id: 'live-confirm' });
    const account = accountId ? ` for account ${accountId}` : '';
    replaceChildren(
      this.element,
      h('h2', { id: 'live-confirm-title' }, scope === 'once' ? 'Send this event to Optimizely for real?' : 'Turn live send on?'),
      h(
        'p',
        { id: 'live-confirm-text' },
        'Live send posts the Event API request to ',
        h('code', { class: 'live-url' }, EVENT_API_URL),
        ` — Optimizely’s real Event API${account}. The conversion counts in your experiment results and cannot be taken back. `,
        scope === 'once' ? 'Only this one request goes live; live send is turned off again right after it.' : 'Every request the emulator handles goes live — from this console and from any other client — until you turn it off.',
      ),
      h('div', { class: 'toolbar' }, confirm, cancel),
    );
    this.element.hidden = false;
    requestAnimationFrame(() => cancel.focus());
    return new Promise((resolve) => (this.pending = resolve));
  }

  private finish(ok: boolean): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.element.hidden = true;
    replaceChildren(this.element);
    this.returnFocus?.focus();
    pending(ok);
  }
}
