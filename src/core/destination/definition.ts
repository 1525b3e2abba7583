/**
 * Segment's "Optimizely Feature Experimentation (Actions)" destination as data: its settings, its one
 * action and that action's fields, with labels, types, descriptions and default mappings exactly as the
 * published definition. Validation schemas, `/manifest`, the console form and the docs all derive from it.
 */

export type FieldType = 'string' | 'password' | 'integer' | 'number' | 'object' | 'datetime' | 'boolean' | 'text';

export interface FieldDefinition {
  label: string;
  type: FieldType;
  description: string;
  required: boolean;
  format?: string;
  default?: unknown;
  dynamic?: boolean;
  unsafe_hidden?: boolean;
}

export const DESTINATION = {
  id: '641d5acea88fa531b9068608',
  name: 'Optimizely Feature Experimentation (Actions)',
  slug: 'actions-optimizely-feature-experimentation-cloud',
  mode: 'cloud',
} as const;

export const USER_AGENT = 'Segment (Actions)';
export const EVENT_API_URL = 'https://logx.optimizely.com/v1/events';
export const GDPR_API_URL = 'https://api.optimizely.com/v2/subject-access-requests';
/** actions-core's default request timeout. */
export const REQUEST_TIMEOUT_MS = 10_000;

export const SETTINGS_FIELDS: Record<'accessToken' | 'accountId' | 'dataFileUrl', FieldDefinition> = {
  accessToken: {
    label: 'Personal Access Token',
    description:
      'The personal access token will be used to submit a GDPR delete request to Optimizely. To generate a personal access token, navigate to Profile->API Access and generate a new token.',
    type: 'password',
    required: false,
  },
  accountId: {
    label: 'Optimizely Account Id',
    type: 'string',
    required: true,
    description:
      'In order to use Optimizely Feature Experimentation (Actions) via server side, you must enter your Account ID from your Optimizely account. You can find this ID by visiting https://app.optimizely.com/v2/accountsettings/account/plan',
  },
  dataFileUrl: {
    label: 'Datafile URL',
    type: 'string',
    required: true,
    format: 'uri',
    description:
      'The datafile is a JSON representation of the current state of flags and experiments for an environment in your Full Stack project. It should look something like https://cdn.optimizely.com/json/9218021209.json',
  },
};

export type TrackEventFieldKey = 'eventKey' | 'userId' | 'attributes' | 'revenue' | 'value' | 'eventTags' | 'timestamp' | 'uuid';

export const TRACK_EVENT_ACTION = {
  key: 'trackEvent',
  title: 'Track Event',
  description: 'Track Conversion Events',
  defaultSubscription: 'type = "track"',
};

export const TRACK_EVENT_FIELDS: Record<TrackEventFieldKey, FieldDefinition> = {
  eventKey: {
    label: 'Event Key',
    type: 'string',
    description:
      'The key of the event to be tracked. This key must match the event key provided when the event was created in the Optimizely app.',
    required: true,
    dynamic: true,
    default: { '@path': '$.event' },
  },
  userId: {
    label: 'User ID',
    type: 'string',
    description:
      'The ID of the user associated with the event being tracked. **Important**: This ID must match the user ID provided to Activate or Is Feature Enabled.',
    required: true,
    default: {
      '@if': { exists: { '@path': '$.userId' }, then: { '@path': '$.userId' }, else: { '@path': '$.anonymousId' } },
    },
  },
  attributes: {
    label: 'Event Attributes',
    type: 'object',
    description:
      'A map of custom key-value string pairs specifying attributes for the user that are used for results segmentation.',
    required: false,
    default: { '@path': '$.context.traits' },
  },
  revenue: {
    label: 'Revenue',
    type: 'integer',
    description:
      'An integer value that is used to track the revenue metric for your experiments, aggregated across all conversion events.',
    required: false,
    default: { '@path': '$.properties.revenue' },
  },
  value: {
    label: 'Value',
    type: 'number',
    description:
      'A floating point value that is used to track a custom value for your experiments. Use this to pass the value for numeric metrics.',
    required: false,
    default: { '@path': '$.properties.value' },
  },
  eventTags: {
    label: 'Event Tags',
    type: 'object',
    // The published description is a template literal with this embedded newline and indentation.
    description: `A map of key-value pairs specifying tag names and their corresponding tag values for this particular event occurrence. Values can be strings, numbers, or booleans.
      These can be used to track numeric metrics, allowing you to track actions beyond conversions, for example: revenue, load time, or total value. See details on reserved tag keys.
      `,
    default: { '@path': '$.properties' },
    required: false,
  },
  timestamp: {
    label: 'Timestamp',
    type: 'datetime',
    description: 'Timestamp of the event',
    required: true,
    default: { '@path': '$.timestamp' },
  },
  uuid: {
    label: 'Unique ID',
    type: 'string',
    unsafe_hidden: true,
    description: 'Unique ID for the event',
    required: true,
    default: { '@path': '$.messageId' },
  },
};

/** The default mapping of every field (what "Track Event" uses unless the user changes a field). */
export function defaultMapping(): Record<TrackEventFieldKey, unknown> {
  return Object.fromEntries(
    Object.entries(TRACK_EVENT_FIELDS).map(([key, field]) => [key, structuredClone(field.default)]),
  ) as Record<TrackEventFieldKey, unknown>;
}

/** The payload after mapping and validation, as the destination's `perform` receives it. */
export interface TrackEventPayload {
  eventKey: string;
  userId: string;
  attributes?: Record<string, unknown>;
  revenue?: number;
  value?: number;
  eventTags?: Record<string, unknown>;
  timestamp: string | number;
  uuid: string;
}

export interface DestinationSettings {
  accessToken?: string;
  accountId: string;
  dataFileUrl: string;
}
