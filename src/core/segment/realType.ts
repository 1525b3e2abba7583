/** `Object.prototype.toString` based type names, as actions-core uses them in checks and messages. */
export function realTypeOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1).toLowerCase();
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  // Fast path for what JSON produces; anything else gets the exact toString test.
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return true;
  return realTypeOf(value) === 'object';
}
