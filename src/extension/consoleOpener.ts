/**
 * The one place that reaches the test console (src/extension/console, the console's own module): opening
 * it, prefilled with a history record or with a track event for an event key, and its serializer.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { buildTemplate } from '../webview/logic/templates';
import type { ConsoleInitial } from '../webview/protocol';
import type { ConsoleBackend } from './console/backend';
import { ConsolePanel, registerConsoleSerializer } from './console/consolePanel';

export interface ConsoleOpenRequest {
  /** Start from a track event with this event key. */
  eventKey?: string;
  /** Load this history record. */
  recordId?: string;
  /** The datafile's attribute keys, to fill `context.traits` of a composed event. */
  attributes?: string[];
}

/** What the console opens with: the record, or a track event for the key (the console's own template). */
export function consoleInitial(request: ConsoleOpenRequest | undefined): ConsoleInitial | undefined {
  if (request?.recordId) return { recordId: request.recordId };
  if (request?.eventKey) {
    const template = request.attributes && request.attributes.length > 0 ? 'traits' : 'minimal';
    const payload = buildTemplate(template, {
      currentEventKey: request.eventKey,
      datafile: { events: [], attributes: request.attributes ?? [] },
      now: new Date(),
      newId: randomUUID,
    });
    return { payload };
  }
  return undefined;
}

export function openConsolePanel(extensionUri: vscode.Uri, backend: ConsoleBackend, request?: ConsoleOpenRequest): void {
  ConsolePanel.createOrShow(extensionUri, backend, consoleInitial(request));
}

/**
 * Restores the console after a reload (`onWebviewPanel:segmentOptimizely.console` activates the extension);
 * the registration is owned by `context.subscriptions`.
 */
export function registerConsolePanelSerializer(context: vscode.ExtensionContext, backend: ConsoleBackend): void {
  registerConsoleSerializer(context, backend);
}
