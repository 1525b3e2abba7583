/** Turns model nodes into `vscode.TreeItem`s: icons with theme colours, lazy tooltips, commands. */
import * as vscode from 'vscode';
import { tooltipOf, type IconColor, type ModelNode } from './treeNode';

const COLORS: Record<IconColor, string> = {
  passed: 'testing.iconPassed',
  warning: 'list.warningForeground',
  error: 'list.errorForeground',
  info: 'charts.blue',
  disabled: 'disabledForeground',
};

const STATES: Record<ModelNode['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function toTreeItem(node: ModelNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, STATES[node.collapsible]);
  item.id = node.id;
  if (node.description !== undefined) item.description = node.description;
  // Functions are resolved in resolveTreeItem (on hover), so long lists stay cheap.
  if (typeof node.tooltip === 'string') item.tooltip = node.tooltip;
  if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(COLORS[node.icon.color]) : undefined);
  if (node.contextValue) item.contextValue = node.contextValue;
  if (node.command) item.command = { command: node.command.id, title: node.command.title, arguments: node.command.args ?? [node] };
  return item;
}

export function resolveTooltip(item: vscode.TreeItem, node: ModelNode): vscode.TreeItem {
  if (item.tooltip === undefined) {
    const tooltip = tooltipOf(node);
    if (tooltip !== undefined) item.tooltip = tooltip;
  }
  return item;
}
