/** Secrets never leave the process: these headers and any registered secret values become `<redacted>`. */

export const REDACTED = '<redacted>';

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'x-api-key', 'proxy-authorization']);

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  }
  return result;
}

/**
 * Replaces every occurrence of each secret (e.g. the access token, a write key) in a text, also in the
 * forms it takes inside JSON text (escaped quotes and backslashes, `\uXXXX` escapes) and base64 (HTTP
 * Basic credentials).
 */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; real tokens are long.
    if (!secret || secret.length < 4) continue;
    for (const form of secretForms(secret)) result = result.split(form).join(REDACTED);
  }
  return result;
}

function secretForms(secret: string): string[] {
  const jsonEscaped = JSON.stringify(secret).slice(1, -1);
  const unicodeEscaped = [...secret].map((char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`).join('');
  const basic = Buffer.from(`${secret}:`).toString('base64').replace(/=+$/, '');
  return [...new Set([secret, jsonEscaped, unicodeEscaped, unicodeEscaped.toUpperCase().replace(/\\U/g, '\\u'), basic])];
}
