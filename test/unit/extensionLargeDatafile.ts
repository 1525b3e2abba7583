/**
 * A generated datafile of any size (5,000 experiments by default) for the extension's tree tests and
 * benchmark: events that are metrics of many experiments, typed audiences with nested conditions, flags
 * with experiment rules and rollouts, exclusion groups. Deterministic (no randomness).
 */
import type { ProjectConfig } from '../../src/core/datafile/index';

const STATUSES = ['Running', 'Running', 'Paused', 'Not started', 'Archived', 'Launched'];

export function generateDatafile(experimentCount = 5_000): ProjectConfig {
  const audienceCount = 200;
  const attributeCount = 50;
  const eventCount = Math.max(1, Math.floor(experimentCount / 10));
  const flagCount = Math.max(1, Math.floor(experimentCount / 20));
  const attributes = Array.from({ length: attributeCount }, (_, i) => ({ id: `9${String(i).padStart(6, '0')}`, key: `attr_${i}` }));
  const typedAudiences = Array.from({ length: audienceCount }, (_, i) => ({
    id: `8${String(i).padStart(6, '0')}`,
    name: `Audience ${i}`,
    conditions: ['and', ['or', { type: 'custom_attribute', name: `attr_${i % attributeCount}`, match: 'gt', value: i }], ['not', { type: 'custom_attribute', name: `attr_${(i + 1) % attributeCount}`, match: 'exists' }]],
  }));
  const audiences = typedAudiences.map((audience) => ({ id: audience.id, name: audience.name, conditions: '["or", {"match": "exact", "name": "$opt_dummy_attribute", "type": "custom_attribute", "value": "$opt_dummy_value"}]' }));
  const experiment = (id: string, key: string, index: number) => ({
    id,
    key,
    layerId: `7${id}`,
    status: STATUSES[index % STATUSES.length],
    audienceIds: [typedAudiences[index % audienceCount].id],
    audienceConditions: ['or', typedAudiences[index % audienceCount].id, typedAudiences[(index + 7) % audienceCount].id],
    variations: [
      { id: `${id}1`, key: 'control', featureEnabled: false, variables: [] },
      { id: `${id}2`, key: 'treatment', featureEnabled: true, variables: [] },
    ],
    trafficAllocation: [
      { entityId: `${id}1`, endOfRange: 5000 },
      { entityId: `${id}2`, endOfRange: 10000 },
    ],
    forcedVariations: {},
  });
  const experiments = Array.from({ length: experimentCount }, (_, i) => experiment(`5${String(i).padStart(7, '0')}`, `experiment_${i}`, i));
  const events = Array.from({ length: eventCount }, (_, i) => ({
    id: `6${String(i).padStart(6, '0')}`,
    key: `Event ${i}`,
    experimentIds: experiments.filter((_, j) => j % eventCount === i).map((e) => e.id),
  }));
  const rollouts = Array.from({ length: flagCount }, (_, i) => {
    const ruleId = `4${String(i).padStart(7, '0')}`;
    return {
      id: `3${String(i).padStart(7, '0')}`,
      experiments: [
        { ...experiment(`${ruleId}1`, `targeted_${i}`, i), status: 'Running' },
        { ...experiment(`${ruleId}2`, `everyone_else_${i}`, i), status: 'Running', audienceIds: [], audienceConditions: [] },
      ],
    };
  });
  const featureFlags = Array.from({ length: flagCount }, (_, i) => ({
    id: `2${String(i).padStart(7, '0')}`,
    key: `flag_${i}`,
    rolloutId: rollouts[i].id,
    experimentIds: [experiments[i].id],
    variables: [],
  }));
  for (const member of experiments.slice(-2)) Object.assign(member, { groupId: '1000001' });
  const groups = [
    {
      id: '1000001',
      policy: 'random',
      trafficAllocation: [
        { entityId: experiments[experimentCount - 1].id, endOfRange: 5000 },
        { entityId: experiments[experimentCount - 2].id, endOfRange: 10000 },
      ],
      experiments: [],
    },
  ];
  return {
    version: '4',
    accountId: '12345678',
    projectId: '87654321',
    revision: '42',
    environmentKey: 'production',
    sdkKey: 'GeneratedSdkKey',
    anonymizeIP: true,
    botFiltering: false,
    sendFlagDecisions: true,
    attributes,
    audiences,
    typedAudiences,
    events,
    experiments,
    groups,
    featureFlags,
    rollouts,
    integrations: [],
    variables: [],
  } as ProjectConfig;
}
