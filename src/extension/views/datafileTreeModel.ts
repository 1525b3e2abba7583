/**
 * The Datafile view as data: project header, then Events, Experiments, Flags, Audiences, Attributes and
 * Groups. Every level is built only when it is expanded, so a datafile with thousands of experiments
 * costs a handful of nodes until the user opens a list. Everything shown comes from the core's datafile
 * index (`buildDatafileIndex`, `describe*`); nothing here re-derives Optimizely's rules. Pure: no `vscode`.
 */
import {
  describeAudience,
  describeExperimentAudiences,
  isRunning,
  type AudienceConditions,
  type DatafileIndex,
  type IndexedAudience,
  type IndexedEvent,
  type IndexedExperiment,
  type IndexedFlag,
  type IndexedGroup,
  type RuleType,
  type TrafficAllocation,
  type Variation,
} from '../../core/datafile/index';
import { NodeFactory, plural, tags, type EntityRef, type ModelNode, type NodeIcon } from './treeNode';

export type DatafileSourceKind = 'url' | 'file' | 'sample';

export interface DatafileTreeInput {
  index: DatafileIndex;
  source: { kind: DatafileSourceKind; location: string };
  loadedAt: Date;
  /** Schema and semantic problems (`validateDatafile`), shown under "Problems". */
  problems?: readonly { pointer: string; message: string }[];
}

export interface DatafileTreeOptions {
  /** How "last loaded" is shown (tests pin it). */
  formatTime?: (date: Date) => string;
}

const STATUS_ICONS: Record<string, NodeIcon> = {
  Running: { id: 'play-circle', color: 'passed' },
  Paused: { id: 'debug-pause' },
  'Not started': { id: 'circle-large-outline' },
  Launched: { id: 'rocket' },
  Archived: { id: 'archive', color: 'disabled' },
};

export function statusIcon(status: string): NodeIcon {
  return STATUS_ICONS[status] ?? { id: 'question' };
}

const RULE_TYPE_LABELS: Record<RuleType, string> = {
  experiment: 'A/B experiment',
  'ab-test': 'A/B test',
  'targeted-delivery': 'Targeted delivery',
  rollout: 'Rollout',
};

const EXPERIMENT_TYPE_LABELS: Record<string, string> = {
  mab: 'Multi-armed bandit',
  cmab: 'Contextual bandit',
};

function ruleTypeLabel(entry: IndexedExperiment): string {
  const special = entry.experiment.type ? EXPERIMENT_TYPE_LABELS[entry.experiment.type] : undefined;
  return special ?? RULE_TYPE_LABELS[entry.ruleType];
}

/** Basis points (0..10000) of traffic per entity id, from a trafficAllocation list (ranges are cumulative). */
export function allocationShares(allocation: readonly TrafficAllocation[] | undefined): Map<string, number> {
  const shares = new Map<string, number>();
  let previous = 0;
  for (const range of allocation ?? []) {
    const end = Math.min(Math.max(Number(range.endOfRange) || 0, 0), 10_000);
    const width = Math.max(0, end - previous);
    if (range.entityId) shares.set(range.entityId, (shares.get(range.entityId) ?? 0) + width);
    previous = Math.max(previous, end);
  }
  return shares;
}

/** Basis points as a percentage: 5000 → "50%", 3333 → "33.33%". */
export function formatShare(basisPoints: number): string {
  return `${Number((basisPoints / 100).toFixed(2))}%`;
}

/** Share of visitors the experiment allocates to any variation. */
export function experimentTraffic(entry: IndexedExperiment): number {
  let total = 0;
  for (const [entityId, share] of allocationShares(entry.experiment.trafficAllocation)) {
    if (entry.variationsById.has(entityId)) total += share;
  }
  return total;
}

/** Audience ids an experiment refers to (audienceConditions when present, else audienceIds), in order. */
export function referencedAudienceIds(experiment: { audienceIds?: string[]; audienceConditions?: AudienceConditions }): string[] {
  const ids: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      if (node !== 'and' && node !== 'or' && node !== 'not' && !ids.includes(node)) ids.push(node);
    } else if (Array.isArray(node)) {
      node.forEach(walk);
    }
  };
  if (experiment.audienceConditions !== undefined) walk(experiment.audienceConditions);
  else (experiment.audienceIds ?? []).forEach(walk);
  return ids;
}

export class DatafileTreeModel {
  private readonly nodes = new NodeFactory();
  private readonly formatTime: (date: Date) => string;

  constructor(
    readonly input: DatafileTreeInput,
    options: DatafileTreeOptions = {},
  ) {
    this.formatTime = options.formatTime ?? ((date) => date.toLocaleString());
  }

  /** How many nodes have been built so far (the laziness test reads it). */
  get nodesCreated(): number {
    return this.nodes.created;
  }

  get index(): DatafileIndex {
    return this.input.index;
  }

  get projectId(): string | undefined {
    const id = this.index.datafile.projectId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  roots(): ModelNode[] {
    const { index, problems } = this.input;
    const experiments = this.topLevelExperiments();
    const audiences = this.audiences();
    const roots: ModelNode[] = [this.header()];
    if (problems && problems.length > 0) {
      roots.push(
        this.nodes.make({
          id: 'problems',
          label: 'Problems',
          description: plural(problems.length, 'problem'),
          tooltip: 'What validating the datafile found (schema and consistency checks).',
          icon: { id: 'warning', color: 'warning' },
          children: () => problems.map((problem, i) => this.problemNode(problem, i)),
        }),
      );
    }
    roots.push(
      this.category('events', 'Events', index.events.length, 'symbol-event', () => index.events.map((event) => this.eventNode('events', event))),
      this.category('experiments', 'Experiments', experiments.length, 'beaker', () => experiments.map((entry) => this.experimentNode('experiments', entry))),
      this.category('flags', 'Flags', index.flagsByKey.size, 'symbol-boolean', () => [...index.flagsByKey.values()].map((flag) => this.flagNode('flags', flag))),
      this.category('audiences', 'Audiences', audiences.length, 'organization', () => audiences.map((audience) => this.audienceNode('audiences', audience))),
      this.category('attributes', 'Attributes', index.attributesByKey.size, 'symbol-field', () =>
        (index.datafile.attributes ?? []).map((attribute, i) =>
          this.nodes.make({
            id: `attributes/${i}`,
            label: attribute.key,
            description: attribute.id,
            tooltip: `Attribute "${attribute.key}" (id ${attribute.id}). Segment sends only traits whose key is declared here.`,
            icon: { id: 'symbol-field' },
            contextValue: tags('entity', 'copyKey', 'copyId', 'findUsages', 'reveal'),
            entity: { kind: 'attribute', key: attribute.key, id: attribute.id, pointer: `/attributes/${i}` },
          }),
        ),
      ),
      this.category('groups', 'Groups', index.groupsById.size, 'layers', () => [...index.groupsById.values()].map((group) => this.groupNode('groups', group))),
    );
    return roots;
  }

  private topLevelExperiments(): IndexedExperiment[] {
    const list: IndexedExperiment[] = [];
    for (const entry of this.index.experimentsById.values()) if (entry.source !== 'rollouts') list.push(entry);
    return list;
  }

  private audiences(): IndexedAudience[] {
    return [...this.index.audiencesById.values()].filter((audience) => audience.id !== '$opt_dummy_audience');
  }

  private category(id: string, label: string, count: number, icon: string, children: () => ModelNode[]): ModelNode {
    return this.nodes.make({
      id,
      label,
      description: String(count),
      icon: { id: icon },
      contextValue: `category-${id}`,
      collapsible: count === 0 ? 'none' : 'collapsed',
      children: count === 0 ? undefined : children,
    });
  }

  private header(): ModelNode {
    const { datafile, revision } = this.index;
    const { source, loadedAt } = this.input;
    const environment = typeof datafile.environmentKey === 'string' && datafile.environmentKey !== '' ? datafile.environmentKey : undefined;
    const sourceLabel = source.kind === 'url' ? 'URL' : source.kind === 'sample' ? 'Sample' : 'File';
    const rows: Array<[string, string | undefined, string]> = [
      ['Account', datafile.accountId, 'account'],
      ['Project', datafile.projectId, 'project'],
      ['Environment', environment, 'server-environment'],
      ['Revision', revision, 'versions'],
      ['Region', datafile.region ?? 'US (default)', 'globe'],
      [sourceLabel, source.location, source.kind === 'url' ? 'link' : 'file'],
      ['Last loaded', this.formatTime(loadedAt), 'history'],
    ];
    return this.nodes.make({
      id: 'project',
      label: `Project ${datafile.projectId ?? '(no projectId)'}`,
      description: [environment, revision !== undefined ? `revision ${revision}` : undefined].filter(Boolean).join(' · '),
      tooltip: `Account ${datafile.accountId} · project ${datafile.projectId} · revision ${revision}\nLoaded from ${source.location} at ${this.formatTime(loadedAt)}`,
      icon: { id: 'project' },
      contextValue: tags('entity', 'project', 'reveal', source.kind === 'url' && 'refreshable'),
      entity: { kind: 'project', id: datafile.projectId, pointer: '' },
      collapsible: 'expanded',
      children: () =>
        rows
          .filter((row): row is [string, string, string] => row[1] !== undefined && row[1] !== '')
          .map(([label, value, icon]) =>
            this.nodes.make({
              id: `project/${label}`,
              label,
              description: value,
              tooltip: value,
              icon: { id: icon },
              contextValue: tags('detail', 'copyValue'),
              entity: { kind: 'project', key: value },
            }),
          ),
    });
  }

  private problemNode(problem: { pointer: string; message: string }, i: number): ModelNode {
    return this.nodes.make({
      id: `problems/${i}`,
      label: problem.message,
      description: problem.pointer || '/',
      tooltip: `${problem.message}\nat ${problem.pointer || '/'}`,
      icon: { id: 'warning', color: 'warning' },
      contextValue: tags('problem', 'reveal'),
      entity: { kind: 'problem', pointer: problem.pointer },
    });
  }

  eventNode(parentId: string, event: IndexedEvent): ModelNode {
    const running = event.experiments.filter((entry) => isRunning(entry));
    const total = event.experiments.length;
    const unused = running.length === 0;
    let description = unused
      ? total === 0
        ? 'no experiment uses it'
        : `no running experiment (${plural(total, 'experiment')} in all)`
      : `${plural(running.length, 'running experiment')}${total > running.length ? ` of ${total}` : ''}`;
    if (event.duplicateOf !== undefined) description = `duplicate key (Segment uses events[${event.duplicateOf}]) · ${description}`;
    const entity: EntityRef = { kind: 'event', key: event.key, id: event.id, pointer: event.pointer };
    return this.nodes.make({
      id: `${parentId}/event:${event.index}`,
      label: event.key,
      description,
      tooltip: () => {
        const lines = [`Event "${event.key}" (id ${event.id})`];
        if (unused) {
          lines.push(
            total === 0
              ? 'No experiment uses this event as a metric: Optimizely accepts the conversion, but no result counts it.'
              : 'None of the experiments using this event is running: conversions are accepted but counted nowhere until one runs.',
          );
        }
        for (const entry of event.experiments) lines.push(`• ${entry.key} (${entry.experiment.status})`);
        if (event.missingExperimentIds.length > 0) lines.push(`Unknown experiment ids: ${event.missingExperimentIds.join(', ')}`);
        return lines.join('\n');
      },
      icon: unused || event.duplicateOf !== undefined ? { id: 'warning', color: 'warning' } : { id: 'symbol-event' },
      contextValue: tags('entity', 'event', 'copyKey', 'copyId', 'compose', 'findUsages', 'reveal'),
      entity,
      children:
        total + event.missingExperimentIds.length === 0
          ? undefined
          : () => [
              ...event.experiments.map((entry) => this.experimentNode(`${parentId}/event:${event.index}`, entry)),
              ...event.missingExperimentIds.map((id) => this.warningLeaf(`${parentId}/event:${event.index}/missing:${id}`, `unknown experiment id ${id}`, 'experimentIds lists an id no experiment or rule has.')),
            ],
    });
  }

  experimentNode(parentId: string, entry: IndexedExperiment): ModelNode {
    const status = String(entry.experiment.status);
    const id = `${parentId}/exp:${entry.id}`;
    const flagPart = entry.flagKey ? `flag ${entry.flagKey}` : undefined;
    const description = [status, `${formatShare(experimentTraffic(entry))} traffic`, entry.experiment.layerId ? `layer ${entry.experiment.layerId}` : undefined, flagPart]
      .filter(Boolean)
      .join(' · ');
    return this.nodes.make({
      id,
      label: entry.key,
      description,
      tooltip: () =>
        [
          `${ruleTypeLabel(entry)} "${entry.key}" (id ${entry.id})`,
          `Status: ${status}${isRunning(entry) ? '' : ' — only Running experiments bucket visitors and count conversions'}`,
          `Traffic: ${formatShare(experimentTraffic(entry))} · layer (campaign) ${entry.experiment.layerId || '—'}`,
          `Audience: ${describeExperimentAudiences(entry.experiment, this.index)}`,
          entry.group ? `Exclusion group ${entry.group.id} (${entry.group.policy})` : '',
          entry.flagKeys.length > 0 ? `Flag: ${entry.flagKeys.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      icon: statusIcon(status),
      contextValue: tags('entity', 'experiment', 'copyKey', 'copyId', 'findUsages', 'reveal', this.projectId && 'openApp'),
      entity: { kind: 'experiment', key: entry.key, id: entry.id, pointer: entry.pointer, ...(entry.flagKey ? { flagKey: entry.flagKey } : {}) },
      children: () => this.ruleChildren(id, entry),
    });
  }

  /** Audience, variations, metrics (and group) of an experiment or flag rule. */
  private ruleChildren(parentId: string, entry: IndexedExperiment): ModelNode[] {
    const children: ModelNode[] = [this.audienceSummary(parentId, entry)];
    const shares = allocationShares(entry.experiment.trafficAllocation);
    (entry.experiment.variations ?? []).forEach((variation, i) => children.push(this.variationNode(parentId, entry, variation, i, shares.get(variation.id) ?? 0)));
    if (entry.metricEvents.length > 0) {
      children.push(
        this.nodes.make({
          id: `${parentId}/metrics`,
          label: 'Metrics',
          description: plural(entry.metricEvents.length, 'event'),
          tooltip: 'Events that list this experiment in their experimentIds: conversions on them count for it.',
          icon: { id: 'graph' },
          children: () => entry.metricEvents.map((event) => this.eventNode(`${parentId}/metrics`, event)),
        }),
      );
    } else if (entry.source !== 'rollouts') {
      children.push(this.warningLeaf(`${parentId}/no-metrics`, 'No metrics', 'No event lists this experiment: no conversion can count for it.'));
    }
    if (entry.group) {
      const share = allocationShares(entry.group.trafficAllocation).get(entry.id) ?? 0;
      children.push(
        this.nodes.make({
          id: `${parentId}/group`,
          label: `Exclusion group ${entry.group.id}`,
          description: `${entry.group.policy} · ${formatShare(share)} of the group`,
          icon: { id: 'layers' },
          contextValue: tags('entity', 'group', 'copyId', 'reveal'),
          entity: { kind: 'group', id: entry.group.id, pointer: this.index.groupsById.get(entry.group.id)?.pointer },
        }),
      );
    }
    return children;
  }

  private audienceSummary(parentId: string, entry: IndexedExperiment): ModelNode {
    const ids = referencedAudienceIds(entry.experiment);
    const named = describeExperimentAudiences(entry.experiment, this.index, { audiences: 'name' });
    return this.nodes.make({
      id: `${parentId}/audience`,
      label: 'Audience',
      description: named,
      tooltip: () => `Who qualifies: ${describeExperimentAudiences(entry.experiment, this.index)}`,
      icon: { id: named === 'everyone' ? 'globe' : 'organization' },
      children:
        ids.length === 0
          ? undefined
          : () =>
              ids.map((audienceId) => {
                const audience = this.index.audiencesById.get(audienceId);
                return audience
                  ? this.audienceNode(`${parentId}/audience`, audience)
                  : this.warningLeaf(`${parentId}/audience/missing:${audienceId}`, `unknown audience ${audienceId}`, 'No audience has this id: the condition never matches.');
              }),
    });
  }

  private variationNode(parentId: string, entry: IndexedExperiment, variation: Variation, i: number, share: number): ModelNode {
    const feature = variation.featureEnabled === undefined ? undefined : variation.featureEnabled ? 'feature on' : 'feature off';
    return this.nodes.make({
      id: `${parentId}/var:${variation.id}:${i}`,
      label: variation.key,
      description: [formatShare(share), feature].filter(Boolean).join(' · '),
      tooltip: `Variation "${variation.key}" (id ${variation.id}) of ${entry.key}: ${formatShare(share)} of visitors${feature ? `, ${feature}` : ''}`,
      icon: { id: 'symbol-enum-member' },
      contextValue: tags('entity', 'variation', 'copyKey', 'copyId', 'reveal'),
      entity: { kind: 'variation', key: variation.key, id: variation.id, pointer: `${entry.pointer}/variations/${i}` },
    });
  }

  flagNode(parentId: string, flag: IndexedFlag): ModelNode {
    const id = `${parentId}/flag:${flag.key}`;
    const problems = flag.missingExperimentIds.length + (flag.missingRollout ? 1 : 0);
    return this.nodes.make({
      id,
      label: flag.key,
      description: [plural(flag.rules.length, 'rule'), plural(flag.variations.length, 'variation'), problems > 0 ? plural(problems, 'problem') : undefined].filter(Boolean).join(' · '),
      tooltip: () => [`Flag "${flag.key}" (id ${flag.id})`, ...flag.rules.map((rule, i) => `${i + 1}. ${rule.isEveryoneElse ? 'Everyone else' : rule.key} — ${ruleTypeLabel(rule)}, ${rule.experiment.status}`)].join('\n'),
      icon: problems > 0 ? { id: 'warning', color: 'warning' } : { id: 'symbol-boolean' },
      contextValue: tags('entity', 'flag', 'copyKey', 'copyId', 'findUsages', 'reveal', this.projectId && 'openApp'),
      entity: { kind: 'flag', key: flag.key, id: flag.id, pointer: flag.pointer },
      children:
        flag.rules.length + problems === 0
          ? undefined
          : () => [
              ...flag.rules.map((rule, i) => this.ruleNode(id, flag, rule, i)),
              ...flag.missingExperimentIds.map((missing) => this.warningLeaf(`${id}/missing:${missing}`, `unknown experiment rule ${missing}`, 'experimentIds lists an id no experiment has.')),
              ...(flag.missingRollout ? [this.warningLeaf(`${id}/missing-rollout`, `unknown rollout ${flag.flag.rolloutId}`, 'rolloutId names no rollout.')] : []),
            ],
    });
  }

  private ruleNode(parentId: string, flag: IndexedFlag, rule: IndexedExperiment, position: number): ModelNode {
    const id = `${parentId}/rule:${rule.id}`;
    const status = String(rule.experiment.status);
    return this.nodes.make({
      id,
      label: rule.isEveryoneElse ? 'Everyone else' : `${position + 1}. ${rule.key}`,
      description: [ruleTypeLabel(rule), status, `${formatShare(experimentTraffic(rule))} traffic`, describeExperimentAudiences(rule.experiment, this.index, { audiences: 'name' })].join(' · '),
      tooltip: () =>
        [
          `${ruleTypeLabel(rule)} "${rule.key}" (id ${rule.id}) of flag ${flag.key}, evaluated ${position + 1} of ${flag.rules.length}`,
          rule.isEveryoneElse ? 'Everyone else: the rollout rule for visitors no earlier rule caught.' : '',
          `Audience: ${describeExperimentAudiences(rule.experiment, this.index)}`,
        ]
          .filter(Boolean)
          .join('\n'),
      icon: statusIcon(status),
      contextValue: tags('entity', 'rule', 'copyKey', 'copyId', 'reveal', this.projectId && 'openApp'),
      entity: { kind: 'rule', key: rule.key, id: rule.id, flagKey: flag.key, pointer: rule.pointer },
      children: () => this.ruleChildren(id, rule),
    });
  }

  audienceNode(parentId: string, audience: IndexedAudience): ModelNode {
    const id = `${parentId}/aud:${audience.id}`;
    return this.nodes.make({
      id,
      label: audience.name || audience.id,
      description: audience.id,
      tooltip: () => `Audience "${audience.name}" (id ${audience.id}, from ${audience.source})\n${describeAudience(audience.id, this.index)}`,
      icon: audience.parseError !== undefined ? { id: 'warning', color: 'warning' } : { id: 'organization' },
      contextValue: tags('entity', 'audience', 'copyId', 'reveal'),
      entity: { kind: 'audience', key: audience.name, id: audience.id, pointer: audience.pointer },
      children: () => [
        this.nodes.make({
          id: `${id}/conditions`,
          label: describeAudience(audience.id, this.index),
          tooltip: audience.parseError !== undefined ? `The conditions cannot be parsed: ${audience.parseError}` : 'Conditions, as the SDKs evaluate them',
          icon: { id: 'filter' },
          contextValue: tags('conditions', 'reveal'),
          entity: { kind: 'audience', id: audience.id, pointer: `${audience.pointer}/conditions` },
        }),
      ],
    });
  }

  private groupNode(parentId: string, group: IndexedGroup): ModelNode {
    const id = `${parentId}/group:${group.id}`;
    return this.nodes.make({
      id,
      label: `Group ${group.id}`,
      description: `${group.group.policy === 'random' ? 'mutually exclusive' : group.group.policy} · ${plural(group.experiments.length, 'experiment')}`,
      tooltip: `Exclusion group ${group.id}, policy "${group.group.policy}"`,
      icon: { id: 'layers' },
      contextValue: tags('entity', 'group', 'copyId', 'reveal'),
      entity: { kind: 'group', id: group.id, pointer: group.pointer },
      children: group.experiments.length === 0 ? undefined : () => group.experiments.map((entry) => this.experimentNode(id, entry)),
    });
  }

  private warningLeaf(id: string, label: string, tooltip: string): ModelNode {
    return this.nodes.make({ id, label, tooltip, icon: { id: 'warning', color: 'warning' } });
  }
}

/** A single message row (loading, an error with its cause), shown instead of the tree. */
export function messageNode(id: string, label: string, options: { description?: string; tooltip?: string; icon?: NodeIcon; command?: ModelNode['command'] } = {}): ModelNode {
  return new NodeFactory().make({ id, label, ...options });
}
