/**
 * A destination instance's configuration (settings + up to 50 mappings, as in Segment), validated as a
 * whole: every problem is listed with a JSON pointer, and an invalid configuration is never half-applied.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import configSchema from '../../../schemas/emulator-config.schema.json';
import { compileTrigger, TriggerError, type CompiledTrigger } from '../segment/trigger';
import { validateMapping, MappingError, type Mapping } from '../segment/mapping';
import { TRACK_EVENT_ACTION } from '../destination/definition';
import { effectiveMapping } from '../destination/trackEvent';
import { isPlainObject } from '../segment/realType';

/** Segment's limit of mappings per destination instance. */
export const MAX_MAPPINGS = 50;

export interface MappingConfig {
  name: string;
  enabled?: boolean;
  action?: 'trackEvent';
  trigger: string;
  fields?: Mapping;
}

export interface DestinationConfig {
  settings?: { accountId?: string; dataFileUrl?: string; accessToken?: string };
  writeKey?: string;
  mappings?: MappingConfig[];
}

/** A mapping ready to run: trigger compiled, fields merged over the defaults and checked once. */
export interface PreparedMapping {
  name: string;
  enabled: boolean;
  trigger: string;
  matches: CompiledTrigger;
  mapping: Mapping;
}

export interface ConfigProblem {
  pointer: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${source} is not a valid destination configuration:\n${problems.map((p) => `  ${p.pointer || '/'}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const validateShape = ajv.compile(configSchema);

export const DEFAULT_MAPPING_CONFIG: MappingConfig = { name: TRACK_EVENT_ACTION.title, enabled: true, trigger: TRACK_EVENT_ACTION.defaultSubscription };

function shapeProblems(config: unknown): ConfigProblem[] {
  if (validateShape(config)) return [];
  return (validateShape.errors ?? []).map((error) => {
    if (error.keyword === 'maxItems' && error.instancePath === '/mappings') {
      const count = Array.isArray((config as DestinationConfig).mappings) ? (config as DestinationConfig).mappings!.length : 0;
      return { pointer: '/mappings', message: `Segment allows at most ${MAX_MAPPINGS} mappings per destination instance; this configuration has ${count}. Remove or merge mappings.` };
    }
    if (error.keyword === 'additionalProperties') {
      const extra = String(error.params.additionalProperty);
      return { pointer: `${error.instancePath}/${extra}`, message: `unknown property "${extra}"; allowed: ${Object.keys((error.parentSchema as { properties?: object })?.properties ?? {}).join(', ')}` };
    }
    if (error.keyword === 'required') {
      return { pointer: `${error.instancePath}/${String(error.params.missingProperty)}`, message: 'is required' };
    }
    return { pointer: error.instancePath, message: error.message ?? 'is invalid' };
  });
}

/** Validates a configuration and prepares its mappings; throws `ConfigError` listing every problem. */
export function prepareConfig(config: unknown, source = 'configuration'): { config: DestinationConfig; mappings: PreparedMapping[] } {
  const problems = shapeProblems(config);
  const shapeIsValid = problems.length === 0;
  const typed = (shapeIsValid ? config : {}) as DestinationConfig;
  const mappings: PreparedMapping[] = [];
  // Triggers and field mappings are checked even when the shape is wrong elsewhere, so that every problem is
  // listed at once; entries (or parts) of the wrong shape are left to the shape problems already listed.
  const rawMappings: unknown[] = shapeIsValid ? (typed.mappings ?? [DEFAULT_MAPPING_CONFIG]) : isPlainObject(config) && Array.isArray(config.mappings) ? config.mappings : [];
  rawMappings.forEach((entry, index) => {
    if (!isPlainObject(entry)) return;
    const pointer = `/mappings/${index}`;
    let matches: CompiledTrigger | undefined;
    if (shapeIsValid || (typeof entry.trigger === 'string' && entry.trigger !== '')) {
      try {
        matches = compileTrigger(entry.trigger as string);
      } catch (error) {
        problems.push({ pointer: `${pointer}/trigger`, message: error instanceof TriggerError ? error.message : String(error) });
      }
    }
    if (!shapeIsValid && entry.fields !== undefined && !isPlainObject(entry.fields)) return;
    const mapping = effectiveMapping(entry.fields as Mapping | undefined);
    try {
      validateMapping(mapping, `mappings[${index}].fields`);
    } catch (error) {
      problems.push({ pointer: `${pointer}/fields`, message: error instanceof MappingError ? error.message : String(error) });
    }
    if (matches && shapeIsValid) mappings.push({ name: entry.name as string, enabled: entry.enabled !== false, trigger: entry.trigger as string, matches, mapping });
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { config: typed, mappings };
}
