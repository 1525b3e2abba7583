/**
 * Where the datafile comes from (URL, workspace file or the bundled sample), loading it on demand, and
 * keeping it fresh: a file is watched and reloaded on change, a URL is refreshed on command and on the
 * configured interval. Fetching a URL goes through the core's `fetchDatafile` (the destination's own
 * GET and content-type rules), so what the view shows is what Segment would read.
 */
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { buildDatafileIndex, type DatafileIndex, type ProjectConfig } from '../core/datafile/index';
import { fetchDatafile } from '../core/destination/datafileFetch';
import { RecordingClient } from '../core/destination/http';
import { nodeTransport } from '../core/http/nodeTransport';
import { currentSettings } from './config';
import type { Log } from './log';
import { resolveDatafilePath, type ExtensionSettings } from './settingsModel';

export type DatafileSource =
  | { kind: 'url'; location: string; url: string }
  | { kind: 'file'; location: string; path: string }
  | { kind: 'sample'; location: string; path: string };

export type DatafileState =
  | { status: 'none' }
  | { status: 'loading'; source: DatafileSource }
  | { status: 'error'; source: DatafileSource; message: string }
  | {
      status: 'loaded';
      source: DatafileSource;
      /** The text as read (for reveal and the read-only document). */
      text: string;
      datafile: ProjectConfig;
      index: DatafileIndex;
      problems: { pointer: string; message: string }[];
      loadedAt: Date;
      /** Set when the last refresh failed; the datafile shown is the one loaded before. */
      refreshError?: string;
    };

/** Remembered per workspace: the user chose the bundled sample (settings name no datafile). */
const USE_SAMPLE_KEY = 'segmentOptimizely.useSampleDatafile';

export class DatafileManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DatafileState>();
  readonly onDidChange = this.changed.event;
  private current: DatafileState = { status: 'none' };
  private loading?: Promise<DatafileState>;
  private generation = 0;
  private watcher?: vscode.Disposable;
  private timer?: ReturnType<typeof setInterval>;
  private reloadTimer?: ReturnType<typeof setTimeout>;
  private started = false;
  /** The source the current state belongs to (kind + location). */
  private loadedKey?: string;
  private wiredInterval?: number;
  /** The source the watcher or timer belongs to. */
  private wiredKey?: string;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly workspaceState: vscode.Memento,
    private readonly log: Log,
  ) {}

  get state(): DatafileState {
    return this.current;
  }

  get samplePath(): string {
    return vscode.Uri.joinPath(this.extensionUri, 'samples', 'shop.datafile.json').fsPath;
  }

  /** The configured source: the URL setting, else the path setting, else the sample if chosen, else none. */
  source(settings: ExtensionSettings = currentSettings()): DatafileSource | undefined {
    if (settings.datafileUrl) return { kind: 'url', location: settings.datafileUrl, url: settings.datafileUrl };
    if (settings.datafilePath) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const resolved = resolveDatafilePath(settings.datafilePath, folder, path.join, path.isAbsolute) ?? settings.datafilePath;
      return { kind: 'file', location: resolved, path: resolved };
    }
    if (this.workspaceState.get<boolean>(USE_SAMPLE_KEY)) return { kind: 'sample', location: 'samples/shop.datafile.json (bundled)', path: this.samplePath };
    return undefined;
  }

  get isConfigured(): boolean {
    return this.source() !== undefined;
  }

  /** What the emulator serves / points `dataFileUrl` at: a path or a URL. */
  emulatorDatafile(): string | undefined {
    const source = this.source();
    if (!source) return undefined;
    return source.kind === 'url' ? source.url : source.path;
  }

  async setUseSample(value: boolean): Promise<void> {
    await this.workspaceState.update(USE_SAMPLE_KEY, value || undefined);
  }

  /** Loads once (the first time a view or command needs the datafile); later calls share the result. */
  async ensureLoaded(): Promise<DatafileState> {
    if (!this.started) {
      this.started = true;
      return this.reload();
    }
    return this.loading ?? this.current;
  }

  /**
   * After a settings change: loads the new source if it differs from the one loaded (idempotent, so the
   * settings listener and the load commands can both call it). Before the first load nothing is read; the
   * change is only announced (context keys, welcome view).
   */
  sync(): Promise<DatafileState> {
    const source = this.source();
    if (!this.started) {
      this.changed.fire(this.current);
      return Promise.resolve(this.current);
    }
    if (sourceKey(source) === this.loadedKey && !this.intervalChanged()) return this.loading ?? Promise.resolve(this.current);
    return this.reload();
  }

  private intervalChanged(): boolean {
    return this.source()?.kind === 'url' && currentSettings().datafileRefreshInterval !== this.wiredInterval;
  }

  /** Re-reads the source (settings may have changed): watcher and timer follow the new source. */
  reload(options: { quiet?: boolean } = {}): Promise<DatafileState> {
    this.started = true;
    const generation = ++this.generation;
    const source = this.source();
    this.loadedKey = sourceKey(source);
    // The watcher / timer stay as they are for a refresh of the same source (no events lost in between).
    if (this.wiredKey !== this.loadedKey || this.intervalChanged()) this.rewire(source);
    if (!source) {
      this.set({ status: 'none' });
      return Promise.resolve(this.current);
    }
    const previous = this.current;
    const keepShowing = options.quiet && previous.status === 'loaded' && sameSource(previous.source, source);
    if (!keepShowing) this.set({ status: 'loading', source });
    const task = this.load(source).then(
      (state) => {
        if (generation !== this.generation) return this.current; // a newer load superseded this one
        if (state.status === 'error' && keepShowing && previous.status === 'loaded') {
          this.log.warn(`refreshing the datafile failed, still showing revision ${previous.index.revision}: ${state.message}`);
          this.set({ ...previous, refreshError: state.message });
        } else {
          this.set(state);
        }
        return this.current;
      },
    );
    this.loading = task;
    void task.finally(() => {
      if (this.loading === task) this.loading = undefined;
    });
    return task;
  }

  private set(state: DatafileState): void {
    this.current = state;
    this.changed.fire(state);
  }

  private async load(source: DatafileSource): Promise<DatafileState> {
    let text: string;
    try {
      text = source.kind === 'url' ? await this.fetchText(source.url) : await readFile(source.path, 'utf8');
    } catch (error) {
      const message = describeLoadError(source, error);
      this.log.error(message);
      return { status: 'error', source, message };
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      const message = `${source.location} is not valid JSON: ${(error as Error).message}`;
      this.log.error(message);
      return { status: 'error', source, message };
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      return { status: 'error', source, message: `${source.location} is not an Optimizely datafile (expected a JSON object).` };
    }
    const datafile = data as ProjectConfig;
    let index: DatafileIndex;
    try {
      index = buildDatafileIndex(datafile);
    } catch (error) {
      return { status: 'error', source, message: `${source.location} is not a usable datafile: ${(error as Error).message}` };
    }
    // The schema (ajv) is loaded only now, never at activation.
    const { validateDatafile } = await import('../core/datafile/schema');
    const problems = validateDatafile(datafile);
    this.log.info(
      `datafile loaded from ${source.location}: project ${datafile.projectId}, revision ${datafile.revision}, ${index.events.length} events, ${index.experimentsById.size} experiments and rules${problems.length > 0 ? `, ${problems.length} problems` : ''}`,
    );
    return { status: 'loaded', source, text, datafile, index, problems, loadedAt: new Date() };
  }

  private async fetchText(url: string): Promise<string> {
    const fetched = await fetchDatafile(new RecordingClient(nodeTransport), url);
    if (!fetched.isJson) {
      const type = fetched.response.headers['content-type'] ?? 'none';
      throw new Error(`the answer is not JSON (content-type ${type}); Segment would treat the project as deactivated`);
    }
    const contentType = fetched.response.headers['content-type'] ?? '';
    if (!contentType.includes('application/json')) {
      this.log.warn(`${url} answers with content-type ${contentType || 'none'}: Segment only parses application/json, so every event would be rejected as "not defined".`);
    }
    return fetched.content;
  }

  /** File watcher for a file source, refresh timer for a URL source; nothing for the sample. */
  private rewire(source: DatafileSource | undefined): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.wiredInterval = undefined;
    this.wiredKey = sourceKey(source);
    if (source?.kind === 'file') {
      const pattern = new vscode.RelativePattern(vscode.Uri.file(path.dirname(source.path)), path.basename(source.path));
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const onFileEvent = () => this.scheduleReload();
      this.watcher = vscode.Disposable.from(watcher, watcher.onDidChange(onFileEvent), watcher.onDidCreate(onFileEvent), watcher.onDidDelete(onFileEvent));
    } else if (source?.kind === 'url') {
      const seconds = currentSettings().datafileRefreshInterval;
      this.wiredInterval = seconds;
      if (seconds > 0) this.timer = setInterval(() => void this.reload({ quiet: true }), Math.max(seconds, 10) * 1_000);
    }
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      this.log.info('the datafile file changed; reloading');
      void this.reload({ quiet: true });
    }, 200);
  }

  dispose(): void {
    this.watcher?.dispose();
    if (this.timer) clearInterval(this.timer);
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.changed.dispose();
  }
}

function sourceKey(source: DatafileSource | undefined): string {
  return source ? `${source.kind}:${source.location}` : 'none';
}

function sameSource(a: DatafileSource, b: DatafileSource): boolean {
  return a.kind === b.kind && a.location === b.location;
}

function describeLoadError(source: DatafileSource, error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  if (source.kind === 'url') {
    const status = (error as { status?: number }).status;
    return status ? `The datafile URL ${source.url} answered HTTP ${status} (${err.message}).` : `The datafile URL ${source.url} could not be fetched: ${err.message}`;
  }
  if (err.code === 'ENOENT') return `The datafile ${source.path} does not exist.`;
  return `The datafile ${source.path} cannot be read: ${err.message}`;
}
