// File extension → language, and language → lexer dialect.
import type { LanguageId } from './types';

/** Lexer dialects: one per syntax family member (the C-like ones differ in strings and comments). */
export const DIALECT_JS = 0;
export const DIALECT_JAVA = 1;
export const DIALECT_KOTLIN = 2;
export const DIALECT_SWIFT = 3;
export const DIALECT_GO = 4;
export const DIALECT_PYTHON = 5;
export const DIALECT_RUBY = 6;
export type Dialect = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const EXTENSIONS: Readonly<Record<string, LanguageId>> = {
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascriptreact',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescriptreact',
  '.py': 'python',
  '.kt': 'kotlin',
  '.kts': 'kotlin',
  '.java': 'java',
  '.swift': 'swift',
  '.go': 'go',
  '.rb': 'ruby',
};

const DIALECTS: Readonly<Record<LanguageId, Dialect>> = {
  javascript: DIALECT_JS,
  javascriptreact: DIALECT_JS,
  typescript: DIALECT_JS,
  typescriptreact: DIALECT_JS,
  python: DIALECT_PYTHON,
  kotlin: DIALECT_KOTLIN,
  java: DIALECT_JAVA,
  swift: DIALECT_SWIFT,
  go: DIALECT_GO,
  ruby: DIALECT_RUBY,
};

/** File extensions the scanner handles (lower case, with the dot). */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(EXTENSIONS));

/** Supported language ids (VS Code identifiers). */
export const SUPPORTED_LANGUAGES: readonly LanguageId[] = Object.freeze(Object.keys(DIALECTS) as LanguageId[]);

/** The language of a file by its extension (case-insensitive; `/` or `\` separators), or undefined. */
export function languageForPath(path: string): LanguageId | undefined {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dot = path.lastIndexOf('.');
  if (dot <= slash + 1) return undefined; // no extension, or a dot file such as `.rb`
  const ext = path.slice(dot).toLowerCase();
  return Object.prototype.hasOwnProperty.call(EXTENSIONS, ext) ? EXTENSIONS[ext] : undefined;
}

/** Type guard for ids coming from outside (e.g. `TextDocument.languageId`). */
export function isSupportedLanguage(id: string): id is LanguageId {
  return Object.prototype.hasOwnProperty.call(DIALECTS, id);
}

/** JSX is lexed in JavaScript (React projects often use `.js`), JSX and TSX, but not in `.ts` (`<T>x` assertions). */
export function jsxEnabled(language: LanguageId): boolean {
  return language === 'javascript' || language === 'javascriptreact' || language === 'typescriptreact';
}

export function dialectOf(language: LanguageId): Dialect {
  const d = DIALECTS[language];
  if (d === undefined) throw new Error(`Unsupported language: ${String(language)}`);
  return d;
}
