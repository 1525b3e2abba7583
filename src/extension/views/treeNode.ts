/**
 * The view-independent shape of a tree node, built by the pure tree models and turned into a
 * `vscode.TreeItem` by the providers. No `vscode` import, so models are unit-tested in plain Node.
 */

/** A theme colour for the icon, mapped to a `ThemeColor` by the provider. */
export type IconColor = 'passed' | 'warning' | 'error' | 'info' | 'disabled';

export interface NodeIcon {
  /** A codicon id, e.g. `symbol-event`, `loading~spin`. */
  id: string;
  color?: IconColor;
}

/** What a node stands for, for item actions (copy, reveal, open in Optimizely, …). */
export interface EntityRef {
  kind: 'project' | 'event' | 'experiment' | 'rule' | 'flag' | 'audience' | 'attribute' | 'group' | 'variation' | 'problem' | 'record' | 'outcome';
  key?: string;
  id?: string;
  /** The flag a rule (or flag experiment) belongs to. */
  flagKey?: string;
  /** JSON pointer of the entity in the datafile. */
  pointer?: string;
  /** A history record id (records and their outcomes). */
  recordId?: string;
  /** Index of the outcome within its record. */
  outcomeIndex?: number;
  /** A documentation link (checks). */
  url?: string;
}

export interface ModelNode {
  /** Unique in the whole tree and stable across refreshes of the same data (keeps expansion state). */
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  /** A string, or a function computing it when VS Code asks (hover); keeps big lists cheap. */
  readonly tooltip?: string | (() => string);
  readonly icon?: NodeIcon;
  /** Space-separated tags, matched by menus with `viewItem =~ /\btag\b/`. */
  readonly contextValue?: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  readonly entity?: EntityRef;
  /** A command run when the node is clicked. */
  readonly command?: { id: string; title: string; args?: unknown[] };
  /** The node's children, built on first call and kept. */
  children(): ModelNode[];
}

export interface NodeSpec extends Omit<ModelNode, 'children' | 'collapsible'> {
  collapsible?: ModelNode['collapsible'];
  /** Builds the children; called at most once. Omit for a leaf. */
  children?: () => ModelNode[];
}

/** Counts nodes, to prove that building a level does not build the levels below it. */
export class NodeFactory {
  created = 0;

  make(spec: NodeSpec): ModelNode {
    this.created++;
    const build = spec.children;
    let cached: ModelNode[] | undefined;
    return {
      ...spec,
      collapsible: spec.collapsible ?? (build ? 'collapsed' : 'none'),
      children: () => {
        if (!build) return [];
        cached ??= build();
        return cached;
      },
    };
  }
}

/** Joins tags into a context value, skipping falsy ones. */
export function tags(...values: Array<string | false | undefined>): string {
  return values.filter((value): value is string => Boolean(value)).join(' ');
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Resolves a node's tooltip (string or lazily computed). */
export function tooltipOf(node: ModelNode): string | undefined {
  return typeof node.tooltip === 'function' ? node.tooltip() : node.tooltip;
}
