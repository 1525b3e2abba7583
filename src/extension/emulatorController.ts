/** Owns the in-process emulator: one instance at a time, started and stopped by commands. */
import * as vscode from 'vscode';
import { startEmulator, type RunningEmulator } from '../emulator/server';

export class EmulatorController implements vscode.Disposable {
  private running?: RunningEmulator;

  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly extensionUri: vscode.Uri,
  ) {}

  get url(): string | undefined {
    return this.running?.url;
  }

  async start(): Promise<void> {
    if (this.running) {
      void vscode.window.showInformationMessage(`The emulator is already running at ${this.running.url}.`);
      return;
    }
    const config = vscode.workspace.getConfiguration('segmentOptimizely');
    const datafile = config.get<string>('datafile') || vscode.Uri.joinPath(this.extensionUri, 'samples', 'shop.datafile.json').fsPath;
    try {
      this.running = await startEmulator({
        host: '127.0.0.1',
        port: config.get<number>('emulator.port', 8787),
        datafile,
        log: (message) => this.output.error(message),
      });
      this.output.info(`emulator listening on ${this.running.url} (datafile ${datafile})`);
      void vscode.window.showInformationMessage(`Emulator listening on ${this.running.url}`);
    } catch (error) {
      const message = (error as Error).message;
      this.output.error(`could not start the emulator: ${message}`);
      void vscode.window.showErrorMessage(`Could not start the emulator: ${message}`, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'segmentOptimizely.emulator.port');
      });
    }
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) {
      await running.close();
      this.output.info('emulator stopped');
    }
  }

  dispose(): void {
    void this.stop();
  }
}
