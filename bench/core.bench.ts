/**
 * Per-event cost of the mapping core (map + validate + build the Event API body, datafile already parsed)
 * as a ratio to JSON.parse(event) + JSON.stringify(body), measured in the same run. Target ≤ 3×.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { effectiveMapping, mapTrackEvent, buildEventBatch, getEventId, serializeEventBatch } from '../src/core/destination';
import { validateMapping } from '../src/core/segment/mapping';
import { report, timePair } from './measure';

export function benchCore(): { ratio: number } {
  const datafile = JSON.parse(readFileSync(join(__dirname, '..', 'samples', 'shop.datafile.json'), 'utf8')) as Record<string, unknown>;
  const event = {
    type: 'track',
    event: 'Order Completed',
    userId: 'user-123',
    anonymousId: 'anon-9',
    messageId: 'msg-0001',
    timestamp: '2024-01-08T13:52:50.212Z',
    properties: { revenue: 4999, currency: 'USD', products: [{ sku: 'a', price: 10 }], coupon: 'X' },
    context: { traits: { plan: 'pro', country: 'US', email: 'a@example.com' } },
  };
  const eventText = JSON.stringify(event);
  const mapping = effectiveMapping();
  validateMapping(mapping); // once per mapping, as the emulator does per configuration
  const coreOnce = () => {
    const parsed = JSON.parse(eventText) as Record<string, unknown>;
    const { payload } = mapTrackEvent(parsed, mapping, { validated: true });
    serializeEventBatch(buildEventBatch(datafile, getEventId(datafile, payload.eventKey), payload));
  };
  const referenceBody = (() => {
    const parsed = JSON.parse(eventText) as Record<string, unknown>;
    const { payload } = mapTrackEvent(parsed, mapping);
    return buildEventBatch(datafile, getEventId(datafile, payload.eventKey), payload);
  })();
  const baselineOnce = () => {
    JSON.parse(eventText);
    JSON.stringify(referenceBody);
  };
  const { baseline, subject, ratio } = timePair(baselineOnce, coreOnce);
  report(`core per event:     ${(subject / 1000).toFixed(2)} µs   baseline JSON.parse+stringify ${(baseline / 1000).toFixed(2)} µs   ratio ${ratio.toFixed(2)}× (target ≤ 3×)`);
  return { ratio };
}
