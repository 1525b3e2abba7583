/** The destination spec's main example (§6), shared by every suite that pins it. */

/** The exact Event API body Segment sends for `mainExampleEvent()` with the mock datafile: 390 bytes. */
export const MAIN_EXAMPLE_BODY =
  '{"account_id":"18269245474","anonymize_ip":true,"client_name":"Segment","enrich_decisions":true,"visitors":[{"snapshots":[{"events":[{"entity_id":"22020998834","timestamp":1704721970212,"uuid":"msg-0001","key":"Product List Clicked","revenue":1000,"tags":{}}],"decisions":[]}],"visitor_id":"user1234","attributes":[{"entity_id":"18531090301","key":"test","value":"test","type":"custom"}]}]}';

/** The Segment track event that produces MAIN_EXAMPLE_BODY, with optional overrides (a fresh object each call). */
export function mainExampleEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Product List Clicked',
    userId: 'user1234',
    messageId: 'msg-0001',
    timestamp: '2024-01-08T13:52:50.212Z',
    properties: { revenue: 1000 },
    context: { traits: { test: 'test' } },
    ...overrides,
  };
}
