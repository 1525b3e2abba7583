/**
 * Reading and scanning the files of `lint`: one reusable read buffer, the scanner's byte pre-filter before any
 * decoding, one scanner for every file. Checking against the datafile happens afterwards (lint.ts).
 *
 * One thread on purpose. Two designs with worker_threads were measured over the benchmark tree on the 2-core machine
 * (bench/lint.bench.ts): both threads reading and scanning chunks claimed from a shared counter (each thread was about
 * 1.7 times slower per file, so the wall time did not move), and this thread reading while a worker lexes the
 * candidate files (within noise of one thread). Neither measurably helped, so neither ships.
 */
import * as fs from 'node:fs';
import { createEventKeyScanner, literalOpener, type EventKeyReference, type EventKeyScanner, type LanguageId } from '../core/lint';

export interface ScanJob {
  absolute: string;
  language: LanguageId;
}

export interface ScannedFile {
  /** Index in the job list. */
  index: number;
  refs: EventKeyReference[];
  /** The opening delimiter of each reference's literal (for fixes that must keep its quoting style). */
  openers: string[];
}

export interface ScanOutcome {
  /** Files read (unreadable ones are skipped). */
  filesRead: number;
  /** Files with at least one reference, in job order. */
  scanned: ScannedFile[];
}

/**
 * Reads whole files into one growing buffer (no per-file allocation, no fstat): most files are only searched for the
 * pre-filter's needles and dropped. The returned view is valid until the next `read`.
 */
export class FileReader {
  private buffer = Buffer.allocUnsafe(256 * 1024);

  read(file: string): Buffer | undefined {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return undefined; // vanished or unreadable since the walk
    }
    try {
      let length = 0;
      for (;;) {
        const room = this.buffer.length - length;
        const n = fs.readSync(fd, this.buffer, length, room, null);
        length += n;
        // A short read of a regular file is its end: no extra read() that returns 0.
        if (n < room) break;
        const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
        this.buffer.copy(bigger, 0, 0, length);
        this.buffer = bigger;
      }
      return this.buffer.subarray(0, length);
    } catch {
      return undefined;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Reads, pre-filters and scans every job, in order. */
export function scanFiles(jobs: readonly ScanJob[], scanner: EventKeyScanner = createEventKeyScanner()): ScanOutcome {
  const reader = new FileReader();
  const outcome: ScanOutcome = { filesRead: 0, scanned: [] };
  for (let i = 0; i < jobs.length; i++) {
    const bytes = reader.read(jobs[i].absolute);
    if (bytes === undefined) continue;
    outcome.filesRead++;
    if (!scanner.mightContainEventKeys(bytes)) continue;
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // columns as editors count them
    const refs = scanner.scan(text, jobs[i].language);
    if (refs.length > 0) outcome.scanned.push({ index: i, refs, openers: refs.map((r) => literalOpener(text, r)) });
  }
  return outcome;
}
