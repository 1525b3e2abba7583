/**
 * The Datafile view: asks the manager to load the datafile the first time the view is shown, then renders
 * the pure `DatafileTreeModel`, rebuilt (lazily) on every reload.
 */
import * as vscode from 'vscode';
import type { DatafileManager, DatafileState } from '../datafileManager';
import { DatafileTreeModel, messageNode } from './datafileTreeModel';
import type { ModelNode } from './treeNode';
import { resolveTooltip, toTreeItem } from './treeItems';

export class DatafileTreeProvider implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private model?: DatafileTreeModel;
  private modelState?: DatafileState;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly manager: DatafileManager) {
    this.subscription = manager.onDidChange(() => {
      this.model = undefined;
      this.changed.fire(undefined);
    });
  }

  /** The model of the loaded datafile (undefined until loaded). */
  currentModel(): DatafileTreeModel | undefined {
    const state = this.manager.state;
    if (state.status !== 'loaded') return undefined;
    if (!this.model || this.modelState !== state) {
      this.model = new DatafileTreeModel({ index: state.index, source: { kind: state.source.kind, location: state.source.location }, loadedAt: state.loadedAt, problems: state.problems });
      this.modelState = state;
    }
    return this.model;
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  resolveTreeItem(item: vscode.TreeItem, node: ModelNode): vscode.TreeItem {
    return resolveTooltip(item, node);
  }

  async getChildren(node?: ModelNode): Promise<ModelNode[]> {
    if (node) return node.children();
    if (!this.manager.isConfigured) return []; // the welcome content shows
    const state = await this.manager.ensureLoaded();
    switch (state.status) {
      case 'none':
        return [];
      case 'loading':
        return [messageNode('loading', `Loading ${state.source.location}…`, { icon: { id: 'loading~spin' } })];
      case 'error':
        return [
          messageNode('error', 'The datafile could not be loaded', {
            description: state.message,
            tooltip: `${state.message}\nClick to try again.`,
            icon: { id: 'error', color: 'error' },
            command: { id: 'segmentOptimizely.refreshDatafile', title: 'Try Again', args: [] },
          }),
          messageNode('error-fix', 'Load another datafile…', { icon: { id: 'folder-opened' }, command: { id: 'segmentOptimizely.loadDatafile', title: 'Load Datafile', args: [] } }),
        ];
      case 'loaded': {
        const roots = this.currentModel()?.roots() ?? [];
        if (state.refreshError) {
          return [messageNode('refresh-error', 'Refresh failed; showing the last loaded revision', { description: state.refreshError, tooltip: state.refreshError, icon: { id: 'warning', color: 'warning' } }), ...roots];
        }
        return roots;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
