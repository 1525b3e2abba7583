/** Imported first by extension.ts: the time the bundle started evaluating its modules (activation metrics). */
export const moduleEvaluationStarted = performance.now();
