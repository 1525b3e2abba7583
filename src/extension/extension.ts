/**
 * Extension entry point. `activate()` only registers; the emulator starts on demand (a command), and
 * everything registered is owned by `context.subscriptions` so deactivation disposes it.
 */
import * as vscode from 'vscode';
import { EmulatorController } from './emulatorController';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Segment → Optimizely Emulator', { log: true });
  const emulator = new EmulatorController(output, context.extensionUri);
  context.subscriptions.push(
    output,
    emulator,
    vscode.commands.registerCommand('segmentOptimizely.startEmulator', () => emulator.start()),
    vscode.commands.registerCommand('segmentOptimizely.stopEmulator', () => emulator.stop()),
  );
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the emulator; nothing else to do.
}
