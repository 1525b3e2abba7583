// The editor features' vscode-free logic (src/extension/language/model.ts) and the datafile bridge
// (src/core/lint/knownEvents.ts), over samples/shop.datafile.json.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDatafileIndex, type DatafileIndex, type ProjectConfig } from '../../src/core/datafile/index';
import {
  checkReferences,
  DEFAULT_OPTIMIZELY_ANY_RECEIVER_METHODS,
  DEFAULT_OPTIMIZELY_METHODS,
  DEFAULT_OPTIMIZELY_RECEIVERS,
  DEFAULT_SEGMENT_METHODS,
  DEFAULT_SEGMENT_RECEIVERS,
  knownEventsFromIndex,
  scanSource,
  type LintFinding,
} from '../../src/core/lint';
import {
  completionEntries,
  diagnosticMessage,
  experimentCountTitle,
  hoverMarkdown,
  keyInfo,
  keyInfoCache,
  LINT_SECTION,
  LINT_SETTING_DEFAULTS,
  lintSettings,
  md,
} from '../../src/extension/language/model';

const ROOT = path.join(__dirname, '..', '..');
const SHOP = JSON.parse(fs.readFileSync(path.join(ROOT, 'samples', 'shop.datafile.json'), 'utf8')) as ProjectConfig;

function shopIndex(): DatafileIndex {
  return buildDatafileIndex(SHOP);
}

function findings(source: string, index: DatafileIndex): LintFinding[] {
  return checkReferences(scanSource(source, 'typescript'), knownEventsFromIndex(index));
}

describe('knownEventsFromIndex', () => {
  const known = knownEventsFromIndex(shopIndex());

  it('knows exactly the datafile event keys', () => {
    assert.equal(known.size, 5);
    for (const key of ['Order Completed', 'Product Added', 'Checkout Started', 'Product Viewed', 'Newsletter Signed Up']) assert.ok(known.has(key), key);
    for (const key of ['order completed', 'Order Completed ', 'Order', '']) assert.ok(!known.has(key), key);
  });

  it('counts the running experiments and rules that use each event (distinct ids, status "Running" only)', () => {
    assert.deepEqual(
      ['Order Completed', 'Product Added', 'Checkout Started', 'Product Viewed', 'Newsletter Signed Up', 'Unknown'].map((k) => known.runningExperimentCount(k)),
      [4, 3, 1, 2, 0, 0],
    );
  });

  it('suggests the nearest datafile keys, best first, never the key itself', () => {
    assert.deepEqual(known.suggestions('Ordr Completed'), ['Order Completed']);
    assert.deepEqual(known.suggestions('order_completed'), ['Order Completed']);
    assert.equal(known.suggestions('Product Veiwed')[0], 'Product Viewed');
    assert.deepEqual(known.suggestions('Completely Different'), []);
    assert.equal(known.suggestions('Ordr Completed'), known.suggestions('Ordr Completed'), 'cached');
  });

  it('counts a duplicated experiment id once', () => {
    const datafile = structuredClone(SHOP);
    datafile.events[0].experimentIds = ['21480040001', '21480040001', '21480040005'];
    assert.equal(knownEventsFromIndex(buildDatafileIndex(datafile)).runningExperimentCount('Order Completed'), 2);
  });
});

describe('lint editor: settings', () => {
  it('maps unset settings to the scanner defaults', () => {
    const settings = lintSettings(() => undefined);
    assert.equal(settings.enabled, true);
    assert.equal(settings.codeLens, true);
    assert.equal(settings.reportNotInRunningExperiment, true);
    assert.deepEqual(settings.scan, {
      segmentReceivers: DEFAULT_SEGMENT_RECEIVERS,
      segmentMethods: DEFAULT_SEGMENT_METHODS,
      segmentFunctions: [],
      optimizelyReceivers: DEFAULT_OPTIMIZELY_RECEIVERS,
      optimizelyMethods: DEFAULT_OPTIMIZELY_METHODS,
      optimizelyAnyReceiverMethods: DEFAULT_OPTIMIZELY_ANY_RECEIVER_METHODS,
      optimizelyFunctions: [],
    });
  });

  it('maps configured names to ScanOptions (trimmed, empty and non-string entries dropped; wrong types → defaults)', () => {
    const values: Record<string, unknown> = {
      enabled: false,
      receivers: [' segment ', '', 7, 'this.tracker'],
      functions: ['track'],
      optimizelyReceivers: 'not a list',
      codeLens: 'yes',
      reportNotInRunningExperiment: false,
    };
    const settings = lintSettings((key) => values[key]);
    assert.equal(settings.enabled, false);
    assert.equal(settings.codeLens, true);
    assert.equal(settings.reportNotInRunningExperiment, false);
    assert.deepEqual(settings.scan.segmentReceivers, ['segment', 'this.tracker']);
    assert.deepEqual(settings.scan.segmentFunctions, ['track']);
    assert.deepEqual(settings.scan.optimizelyReceivers, DEFAULT_OPTIMIZELY_RECEIVERS);
    // The configured names really drive the scanner.
    const refs = scanSource("segment.track('A'); track('B'); analytics.track('C');", 'javascript', settings.scan);
    assert.deepEqual(refs.map((r) => r.key), ['A', 'B']);
  });

  it('declares every setting in package.json with the same defaults', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } };
    const props = pkg.contributes.configuration.properties;
    for (const [key, value] of Object.entries(LINT_SETTING_DEFAULTS)) {
      const declared = props[`${LINT_SECTION}.${key}`];
      assert.ok(declared, `${LINT_SECTION}.${key} is declared`);
      assert.deepEqual(declared.default, value, `${LINT_SECTION}.${key} default`);
    }
    const ours = Object.keys(props).filter((k) => k.startsWith(`${LINT_SECTION}.`));
    assert.deepEqual(ours.sort(), Object.keys(LINT_SETTING_DEFAULTS).map((k) => `${LINT_SECTION}.${k}`).sort());
  });
});

describe('lint editor: key information and messages', () => {
  const index = shopIndex();

  it('describes a known key: event id, the experiments using it with their status, the running count', () => {
    const info = keyInfo(index, 'Product Viewed');
    assert.equal(info.eventId, '21470030004');
    assert.equal(info.runningCount, 2);
    assert.deepEqual(info.experiments.map((e) => [e.key, e.status, e.running]), [
      ['holiday_homepage_2024', 'Archived', false],
      ['search_ranking_v2', 'Running', true],
      ['search_autocomplete', 'Running', true],
    ]);
    assert.deepEqual(info.suggestions, []);
  });

  it('caches key information per datafile', () => {
    const info = keyInfoCache(index, 2);
    const first = info('Ordr Completed');
    assert.deepEqual(first, keyInfo(index, 'Ordr Completed'));
    assert.equal(info('Ordr Completed'), first);
    info('a');
    info('b'); // over the limit: starts over
    assert.notEqual(info('Ordr Completed'), first);
  });

  it('describes an unknown key with its nearest keys', () => {
    const info = keyInfo(index, 'Ordr Completed');
    assert.equal(info.eventId, undefined);
    assert.deepEqual(info.suggestions, ['Order Completed']);
    assert.equal(info.eventCount, 5);
  });

  it('builds diagnostic messages naming the nearest datafile keys', () => {
    const datafile = structuredClone(SHOP);
    datafile.events.push({ id: '1', key: 'Order Complete', experimentIds: [] }, { id: '2', key: 'Orders Completed', experimentIds: [] });
    const wide = buildDatafileIndex(datafile);
    const messages = findings("analytics.track('Ordr Completed'); analytics.track('Xyzzy');", wide).map((f) => diagnosticMessage(f, keyInfo(wide, f.reference.key)));
    assert.deepEqual(messages, [
      'Event key "Ordr Completed" is not in the datafile. Did you mean "Order Completed", "Order Complete" or "Orders Completed"?',
      'Event key "Xyzzy" is not in the datafile (7 events known): Segment rejects it ("Event with name Xyzzy is not defined").',
    ]);
  });

  it('explains why a known key counts for nothing', () => {
    const datafile = structuredClone(SHOP);
    datafile.events[2].experimentIds = ['21480040002', '21480040004']; // Checkout Started: paused + not started
    const stopped = buildDatafileIndex(datafile);
    const messages = findings("analytics.track('Checkout Started'); analytics.track('Newsletter Signed Up');", stopped)
      .map((f) => [f.code, diagnosticMessage(f, keyInfo(stopped, f.reference.key))]);
    assert.deepEqual(messages, [
      ['event-not-in-running-experiment', 'Event key "Checkout Started" is in the datafile but no running experiment uses it (free_shipping_banner: Paused, one_page_checkout: Not started).'],
      ['event-not-in-running-experiment', 'Event key "Newsletter Signed Up" is in the datafile but no experiment or flag rule uses it as a metric.'],
    ]);
  });

  it('hover: what Segment sends for a known key, and the experiments counting it', () => {
    assert.equal(hoverMarkdown(keyInfo(index, 'Product Viewed'), 'segment'), [
      '**Product Viewed** — event id `21470030004` (datafile revision 87)',
      '',
      'Segment sends `entity_id` 21470030004; 2 running experiments count it.',
      '',
      '| Experiment | Status | Rule |',
      '| --- | --- | --- |',
      '| holiday\\_homepage\\_2024 | Archived | experiment |',
      '| search\\_ranking\\_v2 | **Running** | experiment |',
      '| search\\_autocomplete | **Running** | experiment |',
    ].join('\n'));
    assert.match(hoverMarkdown(keyInfo(index, 'Order Completed'), 'segment'), /4 running experiments count it\.[^]*\| product\\_recs\\_test \| \*\*Running\*\* \| A\/B test of flag product\\_recommendations \|/);
    assert.equal(hoverMarkdown(keyInfo(index, 'Newsletter Signed Up'), 'optimizely'), [
      '**Newsletter Signed Up** — event id `21470030005` (datafile revision 87)',
      '',
      'The Optimizely SDK sends `entity_id` 21470030005; no running experiment counts it.',
      '',
      'No experiment or flag rule uses this event as a metric.',
    ].join('\n'));
  });

  it('hover: Segment rejects an unknown key', () => {
    assert.equal(hoverMarkdown(keyInfo(index, 'Ordr Completed'), 'segment'), [
      '**Ordr Completed** — not an event of the datafile (revision 87, 5 events)',
      '',
      'Segment rejects: *Event with name Ordr Completed is not defined*. Nothing reaches Optimizely.',
      '',
      'Did you mean `Order Completed`?',
    ].join('\n'));
    assert.match(hoverMarkdown(keyInfo(index, 'Xyzzy'), 'optimizely'), /The Optimizely SDK logs that the event key is not in the datafile and sends nothing\.$/);
  });

  it('escapes Markdown in keys taken from the source or the datafile', () => {
    assert.equal(md('a_b *c* [d](e) `f` <g>'), 'a\\_b \\*c\\* \\[d\\]\\(e\\) \\`f\\` \\<g\\>');
    assert.match(hoverMarkdown(keyInfo(index, '*bold* <img>'), 'segment'), /^\*\*\\\*bold\\\* \\<img\\>\*\* — not an event/);
  });

  it('completion: every datafile key with its id and the experiments using it, in datafile order', () => {
    const entries = completionEntries(index);
    assert.deepEqual(entries.map((e) => [e.key, e.detail, e.sortText]), [
      ['Order Completed', 'event 21470030001 · 4 running experiments', '0'],
      ['Product Added', 'event 21470030002 · 3 running experiments', '1'],
      ['Checkout Started', 'event 21470030003 · 1 running experiment', '2'],
      ['Product Viewed', 'event 21470030004 · 2 running experiments', '3'],
      ['Newsletter Signed Up', 'event 21470030005 · no running experiment', '4'],
    ]);
    assert.equal(entries[2].documentation, '- checkout\\_button\\_color — **Running** (experiment)\n- one\\_page\\_checkout — Not started (experiment)');
    assert.equal(entries[4].documentation, 'Used by no experiment or flag rule.');
  });

  it('code lens: the running-experiment count', () => {
    assert.deepEqual(['Order Completed', 'Checkout Started', 'Newsletter Signed Up', 'Nope'].map((k) => experimentCountTitle(keyInfo(index, k))), [
      '4 running experiments',
      '1 running experiment',
      'no running experiment',
      'not in the datafile',
    ]);
  });
});
