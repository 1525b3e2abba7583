/**
 * The extension's one `LogOutputChannel`. Every line goes through redaction of the registered secrets
 * (the personal access token, the write key), so nothing secret reaches the log files.
 */
import * as vscode from 'vscode';
import { redactText } from '../core/http/redact';

export class Log implements vscode.Disposable {
  private secrets: string[] = [];

  constructor(readonly channel: vscode.LogOutputChannel) {}

  /** Values to redact from now on (replaces the previous list). */
  setSecrets(values: readonly (string | undefined)[]): void {
    this.secrets = values.filter((value): value is string => typeof value === 'string' && value !== '');
  }

  private clean(message: string): string {
    return redactText(message, this.secrets);
  }

  trace(message: string): void {
    this.channel.trace(this.clean(message));
  }

  debug(message: string): void {
    this.channel.debug(this.clean(message));
  }

  info(message: string): void {
    this.channel.info(this.clean(message));
  }

  warn(message: string): void {
    this.channel.warn(this.clean(message));
  }

  error(message: string | Error): void {
    const text = message instanceof Error ? (message.stack ?? message.message) : message;
    this.channel.error(this.clean(text));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
