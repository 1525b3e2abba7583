/**
 * The destination's other entry points: GDPR delete (`onDelete`), the connection test
 * (`testAuthentication`) and the `eventKey` dynamic field. Same requests, same errors as Segment.
 */
import { GDPR_API_URL } from './definition';
import { InvalidAuthenticationError, HTTPError, toErrorInfo, type ErrorInfo } from './errors';
import { RecordingClient, settingsSecrets } from './http';
import { parseDatafileResponse } from './datafileFetch';
import { assertSettings } from './trackEvent';
import { isPlainObject } from '../segment/realType';
import type { Exchange, HttpTransport } from '../http/types';

export interface EntryPointResult<T = unknown> {
  ok: boolean;
  value?: T;
  exchanges: Exchange[];
  error?: ErrorInfo;
}

function clientFor(settings: unknown, transport: HttpTransport): RecordingClient {
  return new RecordingClient(transport, settingsSecrets(settings));
}

/** `onDelete`: the subject's ids are ignored; Segment sends the account id as the identifier. */
export async function runDelete(
  settings: unknown,
  context: { transport: HttpTransport; gdprApiUrl?: string },
): Promise<EntryPointResult> {
  const client = clientFor(settings, context.transport);
  try {
    const valid = assertSettings(settings);
    if (!valid.accessToken) throw new InvalidAuthenticationError('Access Token is required for user deletion.');
    await client.request(context.gdprApiUrl ?? GDPR_API_URL, {
      method: 'post',
      headers: { Authorization: `Bearer ${valid.accessToken}` },
      json: { data_type: 'visitor', identifier: valid.accountId, identifier_type: 'dcp_id', request_type: 'delete' },
    });
    return { ok: true, exchanges: client.exchanges };
  } catch (error) {
    return { ok: false, exchanges: client.exchanges, error: toErrorInfo(error) };
  }
}

/** `testAuthentication`: any 2xx of the datafile URL passes, even an empty body. */
export async function runAuthenticate(settings: unknown, context: { transport: HttpTransport }): Promise<EntryPointResult> {
  const client = clientFor(settings, context.transport);
  try {
    const valid = assertSettings(settings);
    try {
      await client.request(valid.dataFileUrl);
    } catch (error) {
      const status = error instanceof HTTPError ? error.status : '';
      throw new Error(`Credentials are invalid: ${status} ${(error as Error).message}`);
    }
    return { ok: true, exchanges: client.exchanges };
  } catch (error) {
    return { ok: false, exchanges: client.exchanges, error: toErrorInfo(error) };
  }
}

export interface DynamicFieldResult {
  choices: { label: unknown; value: unknown }[];
  error?: { message: string; code: string };
}

/** The `eventKey` dynamic field: datafile order, no de-duplication; errors become `{choices: [], error}`. */
export async function runEventKeyChoices(
  settings: unknown,
  context: { transport: HttpTransport },
): Promise<{ result: DynamicFieldResult; exchanges: Exchange[] }> {
  const client = clientFor(settings, context.transport);
  const dataFileUrl = isPlainObject(settings) ? settings.dataFileUrl : undefined;
  try {
    const response = await client.request(String(dataFileUrl));
    const data = parseDatafileResponse(response) as { events: { key: unknown }[] };
    const choices = data.events.map((event) => ({ label: event.key, value: event.key }));
    return { result: { choices: [...choices] }, exchanges: client.exchanges };
  } catch (error) {
    const status = error instanceof HTTPError ? error.status : undefined;
    return {
      result: {
        choices: [],
        error: { message: (error instanceof HTTPError ? error.statusText : undefined) ?? 'Unknown error', code: `${status ?? 'Unknown code'}` },
      },
      exchanges: client.exchanges,
    };
  }
}
