/**
 * The history's file: one JSON record per line (`history.jsonl`), appended as records are added or
 * updated (the last line of an id wins on reload). A torn last line — a crash in the middle of a write —
 * is skipped with a warning, never a failed start. Too long a file is compacted at start.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HistoryRecord } from './history';

export interface LoadedHistory {
  records: HistoryRecord[];
  warnings: string[];
}

export class HistoryFile {
  private fd?: number;
  private writeFailed = false;
  /** Told (once) when appending fails, e.g. the disk is full; the in-memory history keeps working. */
  onWriteError?: (message: string) => void;

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
    // Without a final newline the next append would run into the last record and spoil both: rewrite then too.
    const unterminated = text !== '' && !text.endsWith('\n');
    if (lineCount > records.length * 2 + 100 || warnings.length > 0 || unterminated) this.rewrite(records);
    return { records, warnings };
  }

  /**
   * Appends synchronously: once a request is answered its record is in the OS's hands, so a process killed
   * right after (SIGKILL, a crash) loses nothing it acknowledged. A buffered stream would lose its buffer.
   */
  append(record: HistoryRecord): void {
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    try {
      const fd = this.open();
      for (let offset = 0; offset < line.length; ) offset += writeSync(fd, line, offset);
    } catch (error) {
      if (this.writeFailed) return;
      this.writeFailed = true;
      this.onWriteError?.(`${this.path}: cannot append to the history file (${(error as Error).message}); history is kept in memory only.`);
    }
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

  /** Closes the file (everything appended is already written); the next append reopens it. */
  close(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) closeSync(fd);
    return Promise.resolve();
  }

  private open(): number {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a');
    }
    return this.fd;
  }
}
