/**
 * One status bar item: emulator off / on with its port / LIVE (warning colours). A click opens the
 * actions quick pick (`segmentOptimizely.showActions`).
 */
import * as vscode from 'vscode';
import type { EmulatorController } from './emulatorController';

export class EmulatorStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly emulator: EmulatorController) {
    this.item = vscode.window.createStatusBarItem('segmentOptimizely.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Segment → Optimizely Emulator';
    this.item.command = 'segmentOptimizely.showActions';
    this.subscription = emulator.onDidChangeState(() => this.update());
    this.update();
    this.item.show();
  }

  update(): void {
    const { state, url, live } = this.emulator;
    const port = url ? new URL(url).port : '';
    if (state === 'running' && live) {
      this.item.text = `$(warning) Emulator :${port} LIVE`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.tooltip = `The emulator at ${url} sends events to Optimizely for real (${this.emulator.eventApiTarget}). Click for actions.`;
    } else if (state === 'running') {
      this.item.text = `$(radio-tower) Emulator :${port}`;
      this.item.backgroundColor = undefined;
      this.item.tooltip = `The emulator listens on ${url}; Event API requests go to ${this.emulator.eventApiTarget}. Click for actions.`;
    } else if (state === 'starting' || state === 'stopping') {
      this.item.text = `$(loading~spin) Emulator ${state}…`;
      this.item.backgroundColor = undefined;
      this.item.tooltip = undefined;
    } else {
      this.item.text = '$(circle-slash) Emulator off';
      this.item.backgroundColor = undefined;
      this.item.tooltip = 'The Segment → Optimizely emulator is not running. Click for actions.';
    }
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/g, '') };
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
