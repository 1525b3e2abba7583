/** Reading and writing the `segmentOptimizely.*` settings through VS Code (the pure part is settingsModel). */
import * as vscode from 'vscode';
import { KEYS, SECTION, readSettings, type ExtensionSettings, type SettingName } from './settingsModel';

export function currentSettings(): ExtensionSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return readSettings((key, fallback) => config.get(key, fallback));
}

export function settingId(name: SettingName): string {
  return `${SECTION}.${KEYS[name]}`;
}

/** Where a command writes a setting: the workspace when one is open, else the user settings. */
export function defaultTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export async function updateSetting(name: SettingName, value: unknown, target = defaultTarget()): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(KEYS[name], value, target);
}

/** Removes a setting wherever it is set (user, workspace, folder), so a lower-priority source can apply. */
export async function clearSetting(name: SettingName): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect(KEYS[name]);
  if (!inspected) return;
  if (inspected.workspaceFolderValue !== undefined) {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      await vscode.workspace.getConfiguration(SECTION, folder.uri).update(KEYS[name], undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  }
  if (inspected.workspaceValue !== undefined) await config.update(KEYS[name], undefined, vscode.ConfigurationTarget.Workspace);
  if (inspected.globalValue !== undefined) await config.update(KEYS[name], undefined, vscode.ConfigurationTarget.Global);
}

export function openSetting(name: SettingName): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', settingId(name));
}
