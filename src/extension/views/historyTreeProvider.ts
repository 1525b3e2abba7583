/**
 * The Emulator view: state, URL and live-send mode, then the received events, updated live from the
 * history's `onChange` (coalesced, so a burst of events refreshes the view a few times a second at most).
 */
import * as vscode from 'vscode';
import type { EmulatorController } from '../emulatorController';
import { HistoryTreeModel } from './historyTreeModel';
import type { ModelNode } from './treeNode';
import { resolveTooltip, toTreeItem } from './treeItems';

/** Records listed at first, and added by each "N older records…" click. */
export const HISTORY_PAGE = 200;
const REFRESH_DELAY_MS = 150;

export class HistoryTreeProvider implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private shown = HISTORY_PAGE;
  private pending?: ReturnType<typeof setTimeout>;
  private model?: HistoryTreeModel;

  constructor(private readonly emulator: EmulatorController) {
    this.subscriptions.push(
      emulator.onDidChangeState(() => this.refresh()),
      emulator.onDidChangeHistory(({ change }) => {
        if (change === 'cleared') this.shown = HISTORY_PAGE;
        this.refresh();
      }),
    );
  }

  /** Drops the model now (readers see the change at once); tells the view once per burst of changes. */
  refresh(): void {
    this.model = undefined;
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.changed.fire(undefined);
    }, REFRESH_DELAY_MS);
  }

  showMore(): void {
    this.shown += HISTORY_PAGE;
    this.model = undefined;
    this.changed.fire(undefined);
  }

  currentModel(): HistoryTreeModel {
    if (!this.model) {
      const running = this.emulator.emulator;
      const history = running?.service.history;
      this.model = new HistoryTreeModel({
        state: this.emulator.state,
        url: running?.url,
        live: this.emulator.live,
        eventApiTarget: this.emulator.eventApiTarget,
        records: history ? history.list() : [],
        shown: this.shown,
      });
    }
    return this.model;
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  resolveTreeItem(item: vscode.TreeItem, node: ModelNode): vscode.TreeItem {
    return resolveTooltip(item, node);
  }

  getChildren(node?: ModelNode): ModelNode[] {
    return node ? node.children() : this.currentModel().roots();
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}
