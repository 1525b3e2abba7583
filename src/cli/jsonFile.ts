import { readFileSync } from 'node:fs';
import { UsageError } from './args';

/** Reads and parses a JSON file, with errors that name the file and the position. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The ${what} file ${path} is not valid JSON: ${(error as Error).message}.`);
  }
}
