/**
 * The Datafile view's cost, as a ratio to `JSON.parse` of the same datafile text measured in the same run:
 * for the largest fixture datafile (swift-sdk, 44 KB) and a generated 5,000-experiment datafile.
 *   open:   parse + buildDatafileIndex + the view's root nodes (what showing the view costs)
 *   expand: the above + every category's first level (5,000 experiment nodes, …)
 *   full:   the above + every node down to 4 levels (fixture only; the generated file would be millions)
 * Run alone: `npx tsx bench/extension.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildDatafileIndex, type ProjectConfig } from '../src/core/datafile/index';
import { DatafileTreeModel } from '../src/extension/views/datafileTreeModel';
import { tooltipOf, type ModelNode } from '../src/extension/views/treeNode';
import { generateDatafile } from '../test/unit/extensionLargeDatafile';
import { report } from './measure';

const LARGEST_FIXTURE = join(__dirname, '..', 'test', 'fixtures', 'datafiles', 'swift-sdk__optimizely_6372300739_v4.json');

function modelFor(text: string): DatafileTreeModel {
  const datafile = JSON.parse(text) as ProjectConfig;
  return new DatafileTreeModel({ index: buildDatafileIndex(datafile), source: { kind: 'file', location: 'bench' }, loadedAt: new Date(0) }, { formatTime: () => '' });
}

function walk(nodes: ModelNode[], depth: number): number {
  let count = 0;
  for (const node of nodes) {
    count++;
    tooltipOf(node);
    if (depth > 0) count += walk(node.children(), depth - 1);
  }
  return count;
}

/** Median ms per call of each, sampled alternately so a busy machine slows both alike. */
function timeAlternately(baseline: () => void, subject: () => void, targetMs: number): { baseline: number; subject: number; ratio: number } {
  for (let i = 0; i < 3; i++) {
    baseline();
    subject();
  }
  const once = (fn: () => void) => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };
  const iterations = Math.max(1, Math.round(targetMs / Math.max(once(subject), 0.01)));
  const sample = (fn: () => void) => {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    return (performance.now() - start) / iterations;
  };
  const baselines: number[] = [];
  const subjects: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < 9; round++) {
    const b = sample(baseline);
    const s = sample(subject);
    baselines.push(b);
    subjects.push(s);
    ratios.push(s / b);
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  return { baseline: median(baselines), subject: median(subjects), ratio: median(ratios) };
}

function line(label: string, result: { baseline: number; subject: number; ratio: number }, extra = ''): void {
  report(`${label.padEnd(34)} ${result.subject.toFixed(3)} ms   baseline JSON.parse ${result.baseline.toFixed(3)} ms   ratio ${result.ratio.toFixed(2)}×${extra}`);
}

export function benchExtension(): { fixtureOpenRatio: number; fixtureExpandRatio: number; largeOpenRatio: number; largeExpandRatio: number } {
  const fixtureText = readFileSync(LARGEST_FIXTURE, 'utf8');
  const largeText = JSON.stringify(generateDatafile(5_000));
  const parse = (text: string) => () => {
    JSON.parse(text);
  };
  const open = (text: string) => () => {
    modelFor(text).roots();
  };
  const expand = (text: string) => () => {
    for (const root of modelFor(text).roots()) root.children();
  };

  const fixtureNodes = walk(modelFor(fixtureText).roots(), 4);
  const fixtureOpen = timeAlternately(parse(fixtureText), open(fixtureText), 100);
  const fixtureExpand = timeAlternately(parse(fixtureText), expand(fixtureText), 100);
  const fixtureFull = timeAlternately(parse(fixtureText), () => void walk(modelFor(fixtureText).roots(), 4), 100);
  line(`tree, swift fixture (${(fixtureText.length / 1024).toFixed(0)} KB) open:`, fixtureOpen);
  line('tree, swift fixture expand lists:', fixtureExpand);
  line(`tree, swift fixture full (${fixtureNodes} nodes):`, fixtureFull);

  const largeOpen = timeAlternately(parse(largeText), open(largeText), 300);
  const largeExpand = timeAlternately(parse(largeText), expand(largeText), 300);
  line(`tree, 5,000 experiments (${(largeText.length / 1024 / 1024).toFixed(1)} MB) open:`, largeOpen);
  line('tree, 5,000 experiments expand lists:', largeExpand);
  return { fixtureOpenRatio: fixtureOpen.ratio, fixtureExpandRatio: fixtureExpand.ratio, largeOpenRatio: largeOpen.ratio, largeExpandRatio: largeExpand.ratio };
}

if (require.main === module) benchExtension();
