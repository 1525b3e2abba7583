/**
 * The Datafile view's model (src/extension/views/datafileTreeModel.ts), without VS Code: what each level
 * shows for the sample shop datafile, every fixture datafile walked completely, and laziness on a
 * generated 5,000-experiment datafile.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDatafileIndex, type ProjectConfig } from '../../src/core/datafile/index';
import { DatafileTreeModel, allocationShares, formatShare, referencedAudienceIds } from '../../src/extension/views/datafileTreeModel';
import { tooltipOf, type ModelNode } from '../../src/extension/views/treeNode';
import { generateDatafile } from './extensionLargeDatafile';

const ROOT = path.join(__dirname, '..', '..');
const SAMPLE = path.join(ROOT, 'samples', 'shop.datafile.json');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'datafiles');
const LOADED_AT = new Date('2026-01-08T13:52:50.000Z');

function model(datafile: ProjectConfig, problems: { pointer: string; message: string }[] = []): DatafileTreeModel {
  return new DatafileTreeModel(
    { index: buildDatafileIndex(datafile), source: { kind: 'sample', location: 'samples/shop.datafile.json' }, loadedAt: LOADED_AT, problems },
    { formatTime: (date) => date.toISOString() },
  );
}

function child(node: ModelNode, label: string): ModelNode {
  const found = node.children().find((c) => c.label === label);
  assert.ok(found, `no child "${label}" under "${node.label}"; children: ${node.children().map((c) => c.label).join(', ')}`);
  return found;
}

function root(m: DatafileTreeModel, label: string): ModelNode {
  const found = m.roots().find((r) => r.label === label);
  assert.ok(found, `no root "${label}"`);
  return found;
}

/** Visits every node (children built on the way), depth-first, to `maxDepth`. */
function walk(nodes: ModelNode[], visit: (node: ModelNode, depth: number) => void, maxDepth = 6, depth = 0): void {
  for (const node of nodes) {
    visit(node, depth);
    if (depth < maxDepth) walk(node.children(), visit, maxDepth, depth + 1);
  }
}

const sample = JSON.parse(fs.readFileSync(SAMPLE, 'utf8')) as ProjectConfig;

describe('extension datafile tree: the sample shop datafile', () => {
  it('shows the project header, then Events, Experiments, Flags, Audiences, Attributes and Groups with counts', () => {
    const roots = model(sample).roots();
    assert.deepEqual(
      roots.map((r) => [r.label, r.description ?? '']),
      [
        ['Project 21448720155', 'production · revision 87'],
        ['Events', '5'],
        ['Experiments', '7'],
        ['Flags', '1'],
        ['Audiences', '7'],
        ['Attributes', '5'],
        ['Groups', '1'],
      ],
    );
    assert.equal(roots[0].collapsible, 'expanded');
  });

  it('lists account, project, environment, revision, region, source and last loaded under the header', () => {
    const header = model(sample).roots()[0];
    assert.deepEqual(
      header.children().map((c) => [c.label, c.description]),
      [
        ['Account', '21437658901'],
        ['Project', '21448720155'],
        ['Environment', 'production'],
        ['Revision', '87'],
        ['Region', 'US'],
        ['Sample', 'samples/shop.datafile.json'],
        ['Last loaded', '2026-01-08T13:52:50.000Z'],
      ],
    );
  });

  it('describes each event by its running experiments, and warns when none uses it', () => {
    const events = root(model(sample), 'Events').children();
    assert.deepEqual(
      events.map((e) => [e.label, e.description, e.icon?.id]),
      [
        ['Order Completed', '4 running experiments of 6', 'symbol-event'],
        ['Product Added', '3 running experiments of 4', 'symbol-event'],
        ['Checkout Started', '1 running experiment of 2', 'symbol-event'],
        ['Product Viewed', '2 running experiments of 3', 'symbol-event'],
        ['Newsletter Signed Up', 'no experiment uses it', 'warning'],
      ],
    );
    const unused = events[4];
    assert.equal(unused.icon?.color, 'warning');
    assert.match(tooltipOf(unused) ?? '', /No experiment uses this event/);
    assert.equal(unused.collapsible, 'none');
    assert.deepEqual(unused.entity, { kind: 'event', key: 'Newsletter Signed Up', id: '21470030005', pointer: '/events/4' });
    assert.match(unused.contextValue ?? '', /\bcompose\b/);
  });

  it("lists an event's experiments as its children, with status, traffic and layer", () => {
    const orderCompleted = child(root(model(sample), 'Events'), 'Order Completed');
    const experiments = orderCompleted.children();
    assert.deepEqual(
      experiments.map((e) => e.label),
      ['checkout_button_color', 'free_shipping_banner', 'one_page_checkout', 'product_recs_test', 'search_ranking_v2', 'search_autocomplete'],
    );
    assert.equal(experiments[1].description, 'Paused · 80% traffic · layer 21490050002');
    assert.equal(experiments[1].icon?.id, 'debug-pause');
    assert.equal(experiments[0].icon?.id, 'play-circle');
  });

  it('expands an experiment into its audience (readable conditions), variations with traffic and metrics', () => {
    const experiment = child(root(model(sample), 'Experiments'), 'checkout_button_color');
    const children = experiment.children();
    assert.deepEqual(
      children.map((c) => [c.label, c.description]),
      [
        ['Audience', 'audience "North American shoppers" AND NOT (audience "Small basket (under 25)")'],
        ['control', '50%'],
        ['green_button', '50%'],
        ['Metrics', '2 events'],
      ],
    );
    const audience = children[0];
    assert.match(tooltipOf(audience) ?? '', /Who qualifies: .*country/);
    assert.deepEqual(audience.children().map((a) => a.label), ['North American shoppers', 'Small basket (under 25)']);
    const conditions = audience.children()[0].children()[0];
    assert.match(conditions.label, /country/);
    assert.deepEqual(children[3].children().map((e) => e.label), ['Order Completed', 'Checkout Started']);
    assert.equal(children[1].entity?.pointer, '/experiments/0/variations/0');
  });

  it("shows a flag's rules in evaluation order, ending with the rollout's Everyone else", () => {
    const flag = child(root(model(sample), 'Flags'), 'product_recommendations');
    assert.match(flag.contextValue ?? '', /\bopenApp\b/);
    const rules = flag.children();
    assert.ok(rules.length >= 2);
    assert.equal(rules[rules.length - 1].label, 'Everyone else');
    assert.match(rules[0].label, /^1\. product_recs_test$/);
    assert.match(rules[0].description ?? '', /^A\/B test · Running · 100% traffic · /);
    const ruleChildren = rules[0].children().map((c) => c.label);
    assert.deepEqual(ruleChildren.slice(0, 4), ['Audience', 'off', 'carousel', 'grid']);
    assert.equal(rules[rules.length - 1].entity?.flagKey, 'product_recommendations');
  });

  it('renders audiences as readable conditions, attributes with ids, groups with their experiments', () => {
    const m = model(sample);
    const audiences = root(m, 'Audiences').children();
    assert.ok(audiences.every((a) => a.children().length === 1));
    assert.ok(audiences.some((a) => / AND | OR |=|>/.test(a.children()[0].label)), 'conditions are rendered as text');
    assert.deepEqual(root(m, 'Attributes').children().map((a) => a.label), ['plan', 'country', 'is_returning', 'cart_value', 'app_version']);
    const group = root(m, 'Groups').children()[0];
    assert.match(group.description ?? '', /mutually exclusive · 2 experiments/);
    assert.deepEqual(group.children().map((e) => e.label), ['search_ranking_v2', 'search_autocomplete']);
  });

  it('shows validation problems under Problems, each revealable at its pointer', () => {
    const m = model(sample, [{ pointer: '/events/0/key', message: 'key is empty' }]);
    const problems = root(m, 'Problems');
    assert.equal(problems.description, '1 problem');
    assert.deepEqual(problems.children()[0].entity, { kind: 'problem', pointer: '/events/0/key' });
  });

  it('gives every node a unique id, also where the same experiment appears in several places', () => {
    const ids = new Set<string>();
    walk(model(sample).roots(), (node) => {
      assert.ok(!ids.has(node.id), `duplicate id ${node.id}`);
      ids.add(node.id);
    }, 5);
    assert.ok(ids.size > 200);
  });
});

describe('extension datafile tree: every fixture datafile', () => {
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))) {
    it(`builds and walks ${file} without errors, ids unique, tooltips computed`, () => {
      const datafile = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as ProjectConfig;
      const ids = new Set<string>();
      let count = 0;
      walk(model(datafile).roots(), (node) => {
        count++;
        assert.ok(!ids.has(node.id), `duplicate id ${node.id}`);
        ids.add(node.id);
        assert.equal(typeof node.label, 'string');
        tooltipOf(node);
      }, 4);
      assert.ok(count > 5);
    });
  }
});

describe('extension datafile tree: 5,000 experiments stay lazy', () => {
  const datafile = generateDatafile(5_000);
  const index = buildDatafileIndex(datafile);

  it('builds the root without building any list', () => {
    const m = new DatafileTreeModel({ index, source: { kind: 'url', location: 'https://cdn.example/datafile.json' }, loadedAt: LOADED_AT });
    const started = performance.now();
    const roots = m.roots();
    const elapsed = performance.now() - started;
    assert.equal(roots.length, 7);
    assert.equal(m.nodesCreated, 7, 'only the root nodes exist');
    assert.ok(elapsed < 50, `root built in ${elapsed.toFixed(1)} ms`);
    assert.equal(roots.find((r) => r.label === 'Experiments')?.description, '5000');
  });

  it('builds one level when a list is expanded: 5,000 experiment nodes and none of their children', () => {
    const m = new DatafileTreeModel({ index, source: { kind: 'url', location: 'x' }, loadedAt: LOADED_AT });
    const experiments = m.roots().find((r) => r.label === 'Experiments')!;
    const before = m.nodesCreated;
    const started = performance.now();
    const list = experiments.children();
    const elapsed = performance.now() - started;
    assert.equal(list.length, 5_000);
    assert.equal(m.nodesCreated - before, 5_000);
    assert.ok(elapsed < 1_000, `5,000 experiments listed in ${elapsed.toFixed(1)} ms`);
    assert.equal(experiments.children(), list, 'children are built once and kept');
    // Expanding one experiment builds only its own children.
    const one = list[123];
    const beforeOne = m.nodesCreated;
    const children = one.children();
    assert.equal(m.nodesCreated - beforeOne, children.length);
  });

  it('lists 500 events each used by 10 experiments, flags with their rollout rules', () => {
    const m = new DatafileTreeModel({ index, source: { kind: 'url', location: 'x' }, loadedAt: LOADED_AT });
    const events = m.roots().find((r) => r.label === 'Events')!.children();
    assert.equal(events.length, 500);
    assert.match(events[0].description ?? '', /running experiments? of 10$/);
    const flags = m.roots().find((r) => r.label === 'Flags')!.children();
    assert.equal(flags.length, 250);
    assert.deepEqual(flags[0].children().map((r) => r.label), ['1. experiment_0', '2. targeted_0', 'Everyone else']);
  });
});

describe('extension datafile tree: helpers', () => {
  it('computes traffic shares from cumulative ranges, ignoring gaps', () => {
    const shares = allocationShares([
      { entityId: 'a', endOfRange: 2500 },
      { entityId: '', endOfRange: 5000 },
      { entityId: 'b', endOfRange: 7500 },
      { entityId: 'a', endOfRange: 10000 },
    ]);
    assert.deepEqual([...shares], [['a', 5000], ['b', 2500]]);
    assert.equal(formatShare(3333), '33.33%');
    assert.equal(formatShare(10000), '100%');
  });

  it('collects audience ids from audienceConditions (operators skipped), else audienceIds', () => {
    assert.deepEqual(referencedAudienceIds({ audienceConditions: ['and', '1', ['or', '2', ['not', '3']], '1'] }), ['1', '2', '3']);
    assert.deepEqual(referencedAudienceIds({ audienceIds: ['9'] }), ['9']);
    assert.deepEqual(referencedAudienceIds({ audienceIds: ['9'], audienceConditions: [] }), []);
  });
});
