/** `Object.prototype.toString` based type names, as actions-core uses them in checks and messages. */
export function realTypeOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1).toLowerCase();
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return realTypeOf(value) === 'object';
}
