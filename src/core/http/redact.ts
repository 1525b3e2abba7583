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

/** Replaces every occurrence of each secret (e.g. the access token, a write key) in a text. */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; real tokens are long.
    if (secret && secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  return result;
}
