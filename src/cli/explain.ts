/** Human-readable rendering of a diagnosis for the terminal (`preview --explain`). */
import type { Diagnosis } from '../core/diagnose/types';

const MARK: Record<string, string> = { fail: '✗', warn: '!', info: 'i', pass: '✓' };

export function formatDiagnosis(diagnosis: Diagnosis): string {
  const lines: string[] = [];
  if (diagnosis.request) {
    lines.push(`Segment would send: POST ${diagnosis.request.url}`);
    lines.push(`  ${diagnosis.request.body}`);
  } else if (diagnosis.error) {
    lines.push(`Segment would not send this event: ${diagnosis.error.name}: ${diagnosis.error.message}`);
  }
  const failures = diagnosis.checks.filter((check) => check.severity === 'fail').length;
  const warnings = diagnosis.checks.filter((check) => check.severity === 'warn').length;
  lines.push('');
  lines.push(failures === 0 ? (warnings === 0 ? 'Optimizely should count this conversion.' : `Optimizely should count this conversion, with ${warnings} warning${warnings === 1 ? '' : 's'}.`) : `Optimizely will not count this conversion (${failures} problem${failures === 1 ? '' : 's'}).`);
  for (const check of diagnosis.checks) {
    lines.push(`${MARK[check.severity]} [${check.id}] ${check.title}`);
    if (check.detail) lines.push(`    ${check.detail}`);
    if (check.fix) lines.push(`    fix: ${check.fix}`);
    if (check.docs && check.severity !== 'pass') lines.push(`    docs: ${check.docs}`);
  }
  if (diagnosis.decisions.length > 0) {
    lines.push('');
    lines.push('Decisions for this visitor:');
    for (const decision of diagnosis.decisions) {
      const rule = decision.flagKey ? `${decision.flagKey} / ${decision.ruleKey}` : decision.experimentKey;
      lines.push(`  ${rule} (${decision.status}): ${decision.variationKey ?? 'not bucketed'}${decision.impressionSent ? '' : decision.variationKey ? ' (no impression sent)' : ''}`);
      const reason = decision.reasons[decision.reasons.length - 1];
      if (reason) lines.push(`    ${reason}`);
    }
  }
  return lines.join('\n');
}
