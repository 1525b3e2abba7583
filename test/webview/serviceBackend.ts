/**
 * A ConsoleBackend over an EmulatorService, as the extension implements it (there, over the emulator it
 * runs in the extension host). The webview-host tests use it to drive the real UI through the real
 * ConsoleChannel; it also documents, in code, what each method must answer.
 */
import type { ConsoleBackend } from '../../src/extension/console/backend';
import type { EmulatorService } from '../../src/emulator/service';
import type { ConsoleConfig, HistoryQuery } from '../../src/webview/protocol';

export function serviceBackend(service: EmulatorService): ConsoleBackend {
  const config = (): ConsoleConfig => {
    const defaultSettings = { ...service.config.defaultSettings };
    if (defaultSettings.accessToken) defaultSettings.accessToken = '<redacted>';
    return { defaultSettings, live: service.config.live, eventApiTarget: service.eventApiTarget };
  };
  return {
    getConfig: async () => config(),
    getDatafile: () => service.datafileSummary(),
    async send(input) {
      const { record } = await service.trackEvent({ payload: input.payload, settings: input.settings, mapping: input.mapping }, JSON.stringify(input));
      return { recordId: record.id, record };
    },
    async diagnose(input) {
      const { result, ...diagnosis } = await service.diagnose(input);
      return { ...diagnosis, exchanges: result.exchanges, payload: result.payload ?? result.mapped, status: result.status };
    },
    async setLive(live) {
      service.setLive(live);
      return { live: service.config.live, eventApiTarget: service.eventApiTarget };
    },
    async listHistory(query: HistoryQuery) {
      const before = query.cursor === undefined ? undefined : Number(query.cursor);
      const filter = { text: query.text, route: query.route, status: query.status, before, limit: query.limit ?? 100 };
      const events = service.history.list(filter);
      const last = events[events.length - 1];
      const more = last !== undefined && service.history.list({ ...filter, before: last.seq, limit: 1 }).length > 0;
      return { events, nextCursor: more ? String(last.seq) : null, total: service.history.size };
    },
    getRecord: async (id) => service.history.get(id),
    clearHistory: () => service.history.clear(),
    onHistoryChange(listener) {
      return { dispose: service.history.onChange(listener) };
    },
  };
}
