/** The diagnoser's own behaviour around the datafile: what it fetches, and only when it must. */
import { strict as assert } from 'node:assert';
import { Diagnoser } from '../../src/core/diagnose/diagnoser';
import { DATAFILE_URL, json, mockDatafile, scriptedTransport, text } from '../helpers/transport';

const SETTINGS = { accountId: '1', dataFileUrl: DATAFILE_URL };

describe('diagnoser: datafile requests', () => {
  it('asks once for an unreachable datafile (Segment’s own GET), never a second time', async () => {
    const transport = scriptedTransport({ [DATAFILE_URL]: text('nope', 'text/plain', 404, 'Not Found') });
    const diagnosis = await new Diagnoser(transport).diagnose({ event: { type: 'track', event: 'Test', userId: 'u', messageId: 'm', timestamp: '2024-01-01' }, settings: SETTINGS });
    assert.equal(transport.requests.length, 1);
    assert.equal(diagnosis.checks[0].id, 'datafile.unreachable');
  });

  it('fetches the datafile for context when Segment stopped before its GET (validation failed)', async () => {
    const transport = scriptedTransport({ [DATAFILE_URL]: json(mockDatafile()) });
    const diagnosis = await new Diagnoser(transport).diagnose({ event: { type: 'track', event: 'Nope', userId: 'u', messageId: 'm', timestamp: 'garbage' }, settings: SETTINGS });
    assert.equal(transport.requests.length, 1);
    assert.ok(diagnosis.checks.some((check) => check.id === 'event.unknown-key'), JSON.stringify(diagnosis.checks.map((c) => c.id)));
  });
});
