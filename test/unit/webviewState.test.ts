/** The console's restorable state, the mapping form, templates and loading history records back. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { TRACK_EVENT_FIELDS } from '../../src/core/destination/definition';
import type { HistoryRecord } from '../../src/emulator/history';
import { emptyForm, formOf, mappingOf, mappingOverrides, pathsReadBy, previewField, switchMode, describeMapping, literalText, parseLiteral } from '../../src/webview/logic/mappingForm';
import { resultOf, sortChecks, verdictOf, checkCounts } from '../../src/webview/logic/result';
import { defaultState, MAX_STATE_CHARS, restoreState, stateForStorage } from '../../src/webview/logic/state';
import { buildTemplate, inputFromRecord, TEMPLATES } from '../../src/webview/logic/templates';

function record(overrides: Partial<HistoryRecord> = {}): HistoryRecord {
  return { id: 'r1', seq: 1, route: 'trackEvent', receivedAt: '2026-01-08T13:52:50.212Z', rawBody: '{"payload":{"event":"A"}}', status: 'sent', outcomes: [], ...overrides };
}

describe('webview: state restore', () => {
  it('gives the default state for anything that is not a state of this version', () => {
    for (const raw of [undefined, null, 42, 'x', [], {}, { version: 2, payloadText: 'x' }]) assert.deepEqual(restoreState(raw, 'P'), defaultState('P'));
  });

  it('round-trips a full state through storage', () => {
    const state = defaultState('{"event":"A"}');
    state.settings = { accountId: '123', dataFileUrl: 'http://x/d.json' };
    state.mapping.revenue = { ...emptyForm('path'), path: '$.properties.cents' };
    state.liveOnce = true;
    state.current = { record: record(), input: { payload: { event: 'A' } }, checks: [{ id: 'a.b', severity: 'pass', title: 't', detail: '', fix: '' }] };
    state.previous = { record: record({ id: 'r0' }) };
    state.resultTab = 'diff';
    state.historyFilter = 'Order';
    state.sections = { settings: true, mapping: false };
    assert.deepEqual(restoreState(JSON.parse(JSON.stringify(stateForStorage(state)))), state);
  });

  it('keeps the well-formed parts of a damaged state', () => {
    const restored = restoreState({
      version: 1,
      payloadText: 7,
      settings: { accountId: 5, dataFileUrl: 'u' },
      mapping: { revenue: { mode: 'bogus' }, value: { mode: 'literal', literal: '5' }, notAField: { mode: 'path' } },
      current: { record: { id: 'x' } },
      resultTab: 'nope',
      sections: 'open',
    }, 'fallback');
    assert.equal(restored.payloadText, 'fallback');
    assert.deepEqual(restored.settings, { accountId: '', dataFileUrl: 'u' });
    assert.deepEqual(Object.keys(restored.mapping), ['value']);
    assert.equal(restored.mapping.value?.literal, '5');
    assert.equal(restored.current, undefined);
    assert.equal(restored.resultTab, 'request');
    assert.deepEqual(restored.sections, { settings: false, mapping: false });
  });

  it('never stores an access token (the state has no place for it)', () => {
    const stored = JSON.stringify(stateForStorage(restoreState({ version: 1, settings: { accountId: '1', dataFileUrl: '', accessToken: 'secret-token' } })));
    assert.doesNotMatch(stored, /secret-token|accessToken/);
  });

  it('drops exchanges, then results, from a state too large to store', () => {
    const big = 'x'.repeat(MAX_STATE_CHARS);
    const state = defaultState('{}');
    const exchange = { request: { url: 'u', method: 'GET', headers: {}, body: big }, durationMs: 1 };
    state.current = { record: record({ outcomes: [{ mapping: 'Track Event', status: 'sent', exchanges: [exchange] }] }) };
    const trimmed = stateForStorage(state);
    assert.deepEqual(trimmed.current?.record.outcomes[0].exchanges, []);
    state.payloadText = big;
    assert.equal(stateForStorage(state).current, undefined);
  });
});

describe('webview: mapping form', () => {
  it('shows defaults as Default and each directive in its own mode', () => {
    assert.equal(formOf('userId', TRACK_EVENT_FIELDS.userId.default).mode, 'default');
    assert.equal(formOf('revenue', undefined).mode, 'default');
    assert.deepEqual(formOf('revenue', { '@path': '$.properties.cents' }).path, '$.properties.cents');
    assert.equal(formOf('eventKey', { '@template': '{{event}}-x' }).template, '{{event}}-x');
    assert.equal(formOf('eventKey', 'Order Completed').literal, 'Order Completed');
    assert.equal(formOf('revenue', { '@literal': 100 }).literal, '100');
    const ifForm = formOf('userId', { '@if': { blank: { '@path': '$.userId' }, then: { '@path': '$.userId' }, else: 'anonymous' } });
    assert.deepEqual([ifForm.mode, ifForm.ifKind, ifForm.ifPath, ifForm.thenValue, ifForm.elseValue], ['if', 'blank', '$.userId', '$.userId', 'anonymous']);
    assert.equal(formOf('attributes', { plan: { '@path': '$.traits.plan' } }).mode, 'json');
  });

  it('round-trips every simple mapping through its form', () => {
    const values = [
      { '@path': '$.properties.revenue' },
      { '@template': '{{properties.sku}}' },
      'text',
      42,
      true,
      null,
      '$.not-a-path',
      '123',
      { '@if': { exists: { '@path': '$.userId' }, then: { '@path': '$.userId' }, else: { '@path': '$.anonymousId' } } },
      { '@if': { exists: { '@path': '$.a' }, then: 5 } },
      { '@if': { blank: { '@path': '$.a' }, else: 'x' } },
      { nested: { '@path': '$.a' } },
    ];
    for (const value of values) {
      const result = mappingOf('eventTags', formOf('eventTags', value));
      assert.ok(result.ok, JSON.stringify(value));
      assert.deepEqual(result.value, value);
    }
  });

  it('round-trips literal text', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), (value) => assert.deepEqual(parseLiteral(literalText(value)), value)));
  });

  it('explains invalid mappings with the core’s rules', () => {
    const invalid = (form: Parameters<typeof mappingOf>[1]) => {
      const result = mappingOf('revenue', form);
      assert.equal(result.ok, false);
      return (result as { error: string }).error;
    };
    assert.match(invalid({ ...emptyForm('path'), path: ' ' }), /Enter a path/);
    assert.match(invalid({ ...emptyForm('if'), ifPath: '$.a' }), /"then" or an "else"/);
    assert.match(invalid({ ...emptyForm('json'), json: '{"@case": {}}' }), /@case is a Segment directive this emulator does not evaluate/);
    assert.match(invalid({ ...emptyForm('json'), json: '{' }), /Not valid JSON/);
    const { mapping, errors } = mappingOverrides({ revenue: { ...emptyForm('path'), path: '' }, value: { ...emptyForm('literal'), literal: '2.5' }, uuid: emptyForm('default') });
    assert.deepEqual(mapping, { value: 2.5 });
    assert.deepEqual(Object.keys(errors), ['revenue']);
  });

  it('starts a new mode from the default mapping', () => {
    const form = switchMode('userId', emptyForm('default'), 'if');
    assert.deepEqual([form.mode, form.ifPath, form.thenValue, form.elseValue], ['if', '$.userId', '$.userId', '$.anonymousId']);
    const json = switchMode('revenue', emptyForm('default'), 'json');
    assert.deepEqual(JSON.parse(json.json), { '@path': '$.properties.revenue' });
    assert.equal(switchMode('revenue', { ...emptyForm('path'), path: '$.x' }, 'default').mode, 'default');
  });

  it('previews what a field resolves to, and names the paths it reads', () => {
    const payload = { userId: null, anonymousId: 'anon-1', properties: { revenue: 19.99 } };
    assert.deepEqual(previewField('userId', {}, payload), { kind: 'value', text: '"anon-1"' });
    assert.deepEqual(previewField('value', {}, payload), { kind: 'dropped' });
    assert.deepEqual(previewField('revenue', { revenue: { '@path': '$.properties.revenue' } }, payload), { kind: 'value', text: '19.99' });
    assert.deepEqual(pathsReadBy(TRACK_EVENT_FIELDS.userId.default), ['$.userId', '$.userId', '$.anonymousId']);
    assert.deepEqual(pathsReadBy({ '@template': '{{properties.a}}-{{{ b }}}' }), ['properties.a', 'b']);
    assert.equal(describeMapping(TRACK_EVENT_FIELDS.userId.default), '@if exists $.userId then $.userId else $.anonymousId');
  });
});

describe('webview: templates and history records', () => {
  const datafile = { events: [{ key: 'Unused', id: '1', experimentCount: 0, runningExperimentCount: 0 }, { key: 'Order Completed', id: '2', experimentCount: 6, runningExperimentCount: 4 }], attributes: ['plan', 'is_returning', 'cart_value'] };
  const context = { datafile, now: new Date('2026-01-08T13:52:50.212Z'), newId: () => '0123456789abcdef' };

  it('builds each template around an event the datafile’s running experiments use', () => {
    for (const template of TEMPLATES) {
      const payload = buildTemplate(template.id, context);
      assert.equal(payload.type, 'track');
      assert.equal(payload.event, 'Order Completed');
      assert.equal(payload.messageId, '0123456789abcdef');
      assert.equal(payload.timestamp, '2026-01-08T13:52:50.212Z');
    }
    assert.deepEqual(buildTemplate('revenue', context).properties, { revenue: 4999, currency: 'USD' });
    assert.equal(buildTemplate('anonymous', context).userId, undefined);
    assert.equal(buildTemplate('anonymous', context).anonymousId, 'anon-01234567');
    assert.deepEqual(buildTemplate('traits', context).context, { traits: { plan: 'pro', is_returning: true, cart_value: 120 } });
    assert.equal(buildTemplate('minimal', { ...context, currentEventKey: 'Unused' }).event, 'Unused');
  });

  it('recovers the console input of a record', () => {
    const rawBody = JSON.stringify({ payload: { event: 'A' }, settings: { accountId: '9', accessToken: '<redacted>' }, mapping: { revenue: 5 } });
    assert.deepEqual(inputFromRecord(record({ rawBody })), { payload: { event: 'A' }, settings: { accountId: '9' }, mapping: { revenue: 5 } });
    assert.deepEqual(inputFromRecord(record({ route: 'tracking', rawBody: '{"batch":[]}', message: { type: 'track', event: 'B' } })), { payload: { type: 'track', event: 'B' } });
    assert.deepEqual(inputFromRecord(record({ rawBody: 'not json', message: { event: 'C' } })), { payload: { event: 'C' } });
    assert.equal(inputFromRecord(record({ route: 'eventApi', rawBody: '{}' })), undefined);
  });

  it('summarises a record’s outcome', () => {
    const rejected = record({
      status: 'rejected',
      outcomes: [{ mapping: 'Track Event', status: 'rejected', exchanges: [], error: { name: 'AggregateAjvError', message: 'Revenue must be an integer but it was a number.', fields: { revenue: 'x' } }, checks: [{ id: 'b', severity: 'pass', title: '', detail: '', fix: '' }, { id: 'a', severity: 'fail', title: '', detail: '', fix: '' }] }],
    });
    const view = resultOf(rejected);
    assert.deepEqual(verdictOf(view), { tone: 'error', title: 'Segment rejects this event', detail: 'AggregateAjvError: Revenue must be an integer but it was a number.' });
    assert.deepEqual(checkCounts(view.checks), { fail: 1, warn: 0, info: 0, pass: 1 });
    assert.deepEqual(sortChecks(view.checks ?? []).map((check) => check.id), ['a', 'b']);
    assert.equal(resultOf(rejected, []).checks?.length, 0);
  });
});
