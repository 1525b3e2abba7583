/** Public surface of the destination emulation core. */
export * from './definition';
export * from './errors';
export { runTrackEvent, mapTrackEvent, effectiveMapping, assertSettings } from './trackEvent';
export type { TrackEventInput, TrackEventContext, TrackEventResult, TrackEventStatus, EventApiRequest } from './trackEvent';
export { runDelete, runAuthenticate, runEventKeyChoices } from './otherEntryPoints';
export type { EntryPointResult, DynamicFieldResult } from './otherEntryPoints';
export { DatafileCache, fetchDatafile, parseDatafileResponse } from './datafileFetch';
export { buildEventBatch, serializeEventBatch, getEventId, buildVisitorAttributes } from './eventApiBody';
export { TRACK_EVENT_SCHEMA, SETTINGS_SCHEMA, validateSettings, validateTrackEventPayload, removeEmptyValues } from './schema';
export { isDateLike, toEventApiTimestamp } from './timestamp';
