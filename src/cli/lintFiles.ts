/**
 * The files `lint` reads: walks the given paths, honours `.gitignore` files (the ones above the start directory up to
 * the repository root, `.git/info/exclude`, and every nested one, with git's precedence: the deepest file with a
 * matching rule decides), always skips `node_modules`, `.git`, `dist` and `out`, applies `--include` / `--exclude`
 * (gitignore syntax, matched against the path relative to the current directory) and keeps supported languages only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { languageForPath, SUPPORTED_EXTENSIONS, type LanguageId } from '../core/lint';
import { UsageError } from './args';

/** Directory names never walked into. */
export const ALWAYS_SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', 'out']);

export interface LintFile {
  /** Absolute path. */
  absolute: string;
  /** Relative to the current directory, `/`-separated (the absolute path, `/`-separated, outside it). */
  display: string;
  /** Whether `display` is relative to the current directory. */
  relative: boolean;
  language: LanguageId;
}

export interface CollectOptions {
  cwd: string;
  include?: readonly string[];
  exclude?: readonly string[];
}

/** The rules of one `.gitignore` (or `info/exclude`), relative to the directory `prefix` names (with a trailing separator). */
interface IgnoreLevel {
  prefix: string;
  rules: Ignore;
}

function withSeparator(dir: string): string {
  return dir.endsWith(path.sep) ? dir : dir + path.sep;
}

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

function readIgnoreFile(file: string): Ignore | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return ignore().add(text);
}

/**
 * The ignore files that apply above `dir`: from the repository root (the nearest ancestor holding `.git`, whose
 * `info/exclude` comes first) down to `dir`'s parent. Outside a repository there are none.
 */
function ancestorLevels(dir: string): IgnoreLevel[] {
  const chain: string[] = [];
  let current = path.dirname(dir);
  let root: string | undefined;
  if (fs.existsSync(path.join(dir, '.git'))) root = dir;
  while (root === undefined) {
    chain.push(current);
    if (fs.existsSync(path.join(current, '.git'))) {
      root = current;
      break;
    }
    const parent = path.dirname(current);
    if (parent === current) return [];
    current = parent;
  }
  const levels: IgnoreLevel[] = [];
  const exclude = readIgnoreFile(path.join(root, '.git', 'info', 'exclude'));
  if (exclude) levels.push({ prefix: withSeparator(root), rules: exclude });
  for (const d of chain.reverse()) {
    const rules = readIgnoreFile(path.join(d, '.gitignore'));
    if (rules) levels.push({ prefix: withSeparator(d), rules });
  }
  return levels;
}

/** Git's answer for `absolute` (a directory when `isDirectory`): the deepest level with a matching rule decides. */
function gitIgnored(levels: readonly IgnoreLevel[], absolute: string, isDirectory: boolean): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i];
    if (absolute.length <= level.prefix.length || !absolute.startsWith(level.prefix)) continue;
    let rel = toPosix(absolute.slice(level.prefix.length));
    if (isDirectory) rel += '/';
    const result = level.rules.test(rel);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

function compileGlobs(globs: readonly string[] | undefined, option: string): Ignore | undefined {
  if (globs === undefined || globs.length === 0) return undefined;
  for (const g of globs) if (g.trim() === '') throw new UsageError(`--${option} needs a non-empty GLOB (.gitignore syntax, e.g. "src/**" or "*.test.ts").`);
  return ignore().add([...globs]);
}

/** Every supported file under `paths` (default `.`), sorted by display path, each once. */
export function collectLintFiles(paths: readonly string[], options: CollectOptions): LintFile[] {
  const cwd = path.resolve(options.cwd);
  const include = compileGlobs(options.include, 'include');
  const exclude = compileGlobs(options.exclude, 'exclude');
  const globs = include !== undefined || exclude !== undefined;
  const files = new Map<string, LintFile>();

  /**
   * Adds a file. `display` is relative to the cwd (or absolute outside it); `globPath` is what --include / --exclude
   * see: relative to the cwd, or to the walk root outside it.
   */
  const addFile = (absolute: string, display: string, relative: boolean, globPath: string, language: LanguageId): void => {
    if (files.has(absolute)) return;
    if (include !== undefined && !include.ignores(globPath)) return;
    if (exclude !== undefined && exclude.ignores(globPath)) return;
    files.set(absolute, { absolute, display, relative, language });
  };

  const walk = (dir: string, display: string, relative: boolean, globDir: string, levels: IgnoreLevel[]): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'ENOTDIR') return; // unreadable or vanished
      throw error;
    }
    let here = levels;
    for (const e of entries) {
      if (e.name === '.gitignore' && !e.isDirectory()) {
        const own = readIgnoreFile(path.join(dir, '.gitignore'));
        if (own) here = [...levels, { prefix: withSeparator(dir), rules: own }];
        break;
      }
    }
    const dirPrefix = withSeparator(dir);
    for (const entry of entries) {
      const name = entry.name;
      const absolute = dirPrefix + name;
      let isDirectory = entry.isDirectory();
      let language: LanguageId | undefined;
      if (!isDirectory) {
        language = languageForPath(name);
        if (language === undefined) continue;
      }
      if (entry.isSymbolicLink()) {
        // Linked files are read; linked directories are not followed (cycles, trees outside the project).
        try {
          if (!fs.statSync(absolute).isFile()) continue;
        } catch {
          continue;
        }
        isDirectory = false;
        language = languageForPath(name);
        if (language === undefined) continue;
      } else if (!isDirectory && !entry.isFile()) {
        continue;
      }
      const childDisplay = display === '' ? name : `${display}/${name}`;
      const childGlob = !globs ? '' : globDir === '' ? name : `${globDir}/${name}`;
      if (isDirectory) {
        if (ALWAYS_SKIPPED_DIRECTORIES.has(name)) continue;
        if (here.length > 0 && gitIgnored(here, absolute, true)) continue;
        if (exclude !== undefined && exclude.ignores(childGlob + '/')) continue;
        walk(absolute, childDisplay, relative, childGlob, here);
      } else if (language !== undefined) {
        if (here.length > 0 && gitIgnored(here, absolute, false)) continue;
        addFile(absolute, childDisplay, relative, childGlob, language);
      }
    }
  };

  for (const given of paths.length > 0 ? paths : ['.']) {
    const absolute = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`Cannot lint ${given}: ${code === 'ENOENT' ? 'no such file or directory' : (code ?? (error as Error).message)}.`);
    }
    const rel = path.relative(cwd, absolute);
    const inside = !(rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel));
    if (stat.isDirectory()) {
      walk(absolute, inside ? toPosix(rel) : toPosix(absolute), inside, inside ? toPosix(rel) : '', ancestorLevels(absolute));
    } else if (stat.isFile()) {
      // A file named on the command line is linted even when ignored; --include / --exclude still apply.
      const language = languageForPath(absolute);
      if (language === undefined) {
        throw new UsageError(`Cannot lint ${given}: not a supported source file (${SUPPORTED_EXTENSIONS.join(' ')}).`);
      }
      addFile(absolute, inside ? toPosix(rel) : toPosix(absolute), inside, inside ? toPosix(rel) : path.basename(absolute), language);
    }
  }
  return [...files.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
}
