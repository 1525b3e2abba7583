/**
 * "Did you mean …?" suggestions for keys that are not in the datafile (event keys above all:
 * Segment sends the track event name, which must equal an Optimizely event key exactly).
 */

/** Why a candidate was suggested, from the strongest to the weakest reason. */
export type SuggestionReason =
  | 'exact' // identical
  | 'case' // equal ignoring case
  | 'whitespace' // equal after trimming and collapsing whitespace (case ignored)
  | 'separators' // same words with different separators / camelCase ("Order Completed" vs "order_completed")
  | 'edit-distance'; // a typo: Damerau-Levenshtein distance within the limit

export interface KeySuggestion {
  key: string;
  reason: SuggestionReason;
  /** Damerau-Levenshtein distance between the query and the key as written (case-sensitive). */
  distance: number;
  /** Lower is better; results are sorted by it. exact 0, case 1, whitespace 2, separators 3, edit distance 10 + distance. */
  score: number;
}

/**
 * Unrestricted Damerau-Levenshtein distance (insertions, deletions, substitutions and transpositions
 * of adjacent characters, with edits allowed between transposed characters). Works on code points.
 */
export function damerauLevenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  const n = s.length;
  const m = t.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const infinity = n + m;
  const lastRow = new Map<string, number>();
  const d: number[][] = Array.from({ length: n + 2 }, () => new Array<number>(m + 2).fill(0));
  d[0][0] = infinity;
  for (let i = 0; i <= n; i++) {
    d[i + 1][0] = infinity;
    d[i + 1][1] = i;
  }
  for (let j = 0; j <= m; j++) {
    d[0][j + 1] = infinity;
    d[1][j + 1] = j;
  }
  for (let i = 1; i <= n; i++) {
    let lastMatchCol = 0;
    for (let j = 1; j <= m; j++) {
      const i1 = lastRow.get(t[j - 1]) ?? 0;
      const j1 = lastMatchCol;
      let cost = 1;
      if (s[i - 1] === t[j - 1]) {
        cost = 0;
        lastMatchCol = j;
      }
      d[i + 1][j + 1] = Math.min(
        d[i][j] + cost, // substitution
        d[i + 1][j] + 1, // insertion
        d[i][j + 1] + 1, // deletion
        d[i1][j1] + (i - i1 - 1) + 1 + (j - j1 - 1), // transposition
      );
    }
    lastRow.set(s[i - 1], i);
  }
  return d[n + 1][m + 1];
}

function normaliseWhitespace(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** Lower-cased words without separators: "Order Completed", "order_completed" and "orderCompleted" all give "ordercompleted". */
function looseForm(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[\s_\-.:/]+/g, '');
}

/** The edit-distance limit for a query: max(2, 30% of its length). */
export function editDistanceLimit(query: string): number {
  return Math.max(2, Math.floor(Array.from(normaliseWhitespace(query)).length * 0.3));
}

/**
 * Ranks `candidates` by how likely they are what `query` meant: exact, then equal ignoring case,
 * then equal after whitespace normalisation, then equal ignoring separators, then Damerau-Levenshtein
 * distance of at most max(2, 30% of the query length), measured case-insensitively on the
 * whitespace-normalised keys or on their separator-free forms, whichever is smaller.
 * Returns at most `limit` suggestions sorted by score (ties: smaller raw distance, then alphabetical).
 */
export function nearestKeys(query: string, candidates: Iterable<string>, limit = 5): KeySuggestion[] {
  const queryLower = query.toLowerCase();
  const queryNorm = normaliseWhitespace(queryLower);
  const queryLoose = looseForm(query);
  const maxDistance = editDistanceLimit(query);
  const seen = new Set<string>();
  const out: KeySuggestion[] = [];
  for (const key of candidates) {
    if (seen.has(key)) continue;
    seen.add(key);
    const distance = damerauLevenshtein(query, key);
    let reason: SuggestionReason | undefined;
    let score = 0;
    if (key === query) {
      reason = 'exact';
    } else if (key.toLowerCase() === queryLower) {
      reason = 'case';
      score = 1;
    } else if (normaliseWhitespace(key.toLowerCase()) === queryNorm) {
      reason = 'whitespace';
      score = 2;
    } else if (queryLoose !== '' && looseForm(key) === queryLoose) {
      reason = 'separators';
      score = 3;
    } else {
      const folded = Math.min(
        damerauLevenshtein(queryNorm, normaliseWhitespace(key.toLowerCase())),
        queryLoose === '' ? Infinity : damerauLevenshtein(queryLoose, looseForm(key)),
      );
      if (folded <= maxDistance) {
        reason = 'edit-distance';
        score = 10 + folded;
      }
    }
    if (reason !== undefined) out.push({ key, reason, distance, score });
  }
  out.sort((a, b) => a.score - b.score || a.distance - b.distance || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out.slice(0, Math.max(0, limit));
}
