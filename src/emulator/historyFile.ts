/**
 * The history's file: one JSON record per line (`history.jsonl`), appended as records are added or
 * updated (the last line of an id wins on reload). A torn last line — a crash in the middle of a write —
 * is skipped with a warning, never a failed start. Too long a file is compacted at start.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HistoryRecord } from './history';

export interface LoadedHistory {
  records: HistoryRecord[];
  warnings: string[];
}

export class HistoryFile {
  private stream?: WriteStream;

  constructor(readonly path: string) {}

  static inDirectory(dataDir: string): HistoryFile {
    return new HistoryFile(join(dataDir, 'history.jsonl'));
  }

  /** Reads the file (if any), keeping the newest `limit` records; compacts it when it holds much more. */
  load(limit: number): LoadedHistory {
    const warnings: string[] = [];
    if (!existsSync(this.path)) return { records: [], warnings };
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    const byId = new Map<string, HistoryRecord>();
    let lineCount = 0;
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      lineCount++;
      try {
        const record = JSON.parse(line) as HistoryRecord;
        if (typeof record.id !== 'string') throw new Error('no id');
        byId.delete(record.id); // re-insert so Map order follows the latest write
        byId.set(record.id, record);
      } catch {
        const last = index >= lines.length - 2;
        warnings.push(
          last
            ? `${this.path}: the last line was cut off (the emulator stopped in the middle of a write); it was skipped.`
            : `${this.path}:${index + 1}: not a valid history record; it was skipped.`,
        );
      }
    });
    const all = [...byId.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    const records = all.slice(-limit);
    if (lineCount > records.length * 2 + 100 || warnings.length > 0) this.rewrite(records);
    return { records, warnings };
  }

  append(record: HistoryRecord): void {
    this.open().write(`${JSON.stringify(record)}\n`);
  }

  /** Replaces the whole file atomically (write a temporary file, then rename). */
  rewrite(records: HistoryRecord[]): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    renameSync(temporary, this.path);
  }

  async clear(): Promise<void> {
    await this.close();
    this.rewrite([]);
  }

  /** Waits until everything appended so far is handed to the OS, and closes the file. */
  close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }

  private open(): WriteStream {
    if (!this.stream) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.stream = createWriteStream(this.path, { flags: 'a' });
    }
    return this.stream;
  }
}
