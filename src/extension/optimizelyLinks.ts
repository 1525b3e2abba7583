/**
 * Links into the Optimizely app, built from datafile ids only (no API calls). Pure: no `vscode` import.
 */

export const OPTIMIZELY_APP_URL = 'https://app.optimizely.com';

function segment(value: string): string {
  return encodeURIComponent(value);
}

/** The experiment's page: `https://app.optimizely.com/v2/projects/<projectId>/experiments/<experimentId>`. */
export function experimentUrl(projectId: string, experimentId: string): string {
  return `${OPTIMIZELY_APP_URL}/v2/projects/${segment(projectId)}/experiments/${segment(experimentId)}`;
}

/** The flag's page: `https://app.optimizely.com/v2/projects/<projectId>/flags/manage/<flagKey>`. */
export function flagUrl(projectId: string, flagKey: string): string {
  return `${OPTIMIZELY_APP_URL}/v2/projects/${segment(projectId)}/flags/manage/${segment(flagKey)}`;
}

/**
 * The best page for a datafile entity: a flag rule opens its flag (rules have no page of their own),
 * an experiment its experiment page. Undefined when the ids needed are missing.
 */
export function entityUrl(projectId: string | undefined, entity: { kind: string; id?: string; key?: string; flagKey?: string }): string | undefined {
  if (!projectId) return undefined;
  if (entity.kind === 'flag' && entity.key) return flagUrl(projectId, entity.key);
  if (entity.kind === 'rule' && entity.flagKey) return flagUrl(projectId, entity.flagKey);
  if (entity.kind === 'experiment' && entity.flagKey) return flagUrl(projectId, entity.flagKey);
  if (entity.kind === 'experiment' && entity.id) return experimentUrl(projectId, entity.id);
  return undefined;
}
