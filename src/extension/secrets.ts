/**
 * The Optimizely personal access token, kept only in VS Code's SecretStorage (OS keychain): never in
 * settings, workspace state, logs or webview HTML. The emulator receives it as `accessToken` when it starts.
 */
import * as vscode from 'vscode';

export const ACCESS_TOKEN_SECRET = 'segmentOptimizely.accessToken';

export class AccessTokenStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly storage: vscode.SecretStorage) {
    this.subscription = storage.onDidChange((event) => {
      if (event.key === ACCESS_TOKEN_SECRET) this.changed.fire();
    });
  }

  async get(): Promise<string | undefined> {
    const value = await this.storage.get(ACCESS_TOKEN_SECRET);
    return value === undefined || value === '' ? undefined : value;
  }

  async has(): Promise<boolean> {
    return (await this.get()) !== undefined;
  }

  async set(token: string): Promise<void> {
    await this.storage.store(ACCESS_TOKEN_SECRET, token);
  }

  async clear(): Promise<void> {
    await this.storage.delete(ACCESS_TOKEN_SECRET);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
