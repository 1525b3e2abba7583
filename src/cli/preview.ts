/**
 * `preview`: prints the Event API request Segment would send for one event (or Segment's error) as JSON.
 * Exit 0 when Segment would send it, 1 when it would be rejected or a request failed.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/server';
import { runTrackEvent } from '../core/destination';
import { nodeTransport } from '../core/http/nodeTransport';
import { isPlainObject } from '../core/segment/realType';
import type { Mapping } from '../core/segment/mapping';
import { UsageError } from './args';
import { readJsonFile } from './jsonFile';
import { isUrl } from '../emulator/server';
import { Diagnoser } from '../core/diagnose/diagnoser';
import { formatDiagnosis } from './explain';

export const PREVIEW_USAGE = 'preview --event FILE --datafile PATH|URL [--mapping FILE] [--settings FILE] [--explain] [--format json|text]';

export async function previewCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      event: { type: 'string' },
      datafile: { type: 'string' },
      mapping: { type: 'string' },
      settings: { type: 'string' },
      explain: { type: 'boolean', default: false },
      format: { type: 'string' },
    },
    strict: true,
  });
  const format = values.format ?? (values.explain ? 'text' : 'json');
  if (format !== 'json' && format !== 'text') throw new UsageError(`--format must be json or text, got ${JSON.stringify(values.format)}.`);
  if (!values.event) throw new UsageError(`preview needs --event FILE (a Segment track event as JSON). Usage: ${PREVIEW_USAGE}`);
  if (!values.datafile) throw new UsageError(`preview needs --datafile PATH|URL. Usage: ${PREVIEW_USAGE}`);
  const eventFile = readJsonFile(values.event, 'event');
  // Accept a bare Segment event or a tester body ({payload, settings, mapping}).
  const isTesterBody = isPlainObject(eventFile) && 'payload' in eventFile;
  const event = isTesterBody ? eventFile.payload : eventFile;
  const mapping = (values.mapping ? readJsonFile(values.mapping, 'mapping') : isTesterBody ? eventFile.mapping : undefined) as Mapping | undefined;
  if (mapping !== undefined && !isPlainObject(mapping)) throw new UsageError('The mapping must be a JSON object of field → mapping.');
  const fileSettings = values.settings ? readJsonFile(values.settings, 'settings') : isTesterBody ? eventFile.settings : undefined;

  // A local datafile goes through the same HTTP path as a CDN one: serve it on a private loopback port.
  const local = isUrl(values.datafile) ? undefined : await startEmulator({ port: 0, datafile: values.datafile });
  try {
    const dataFileUrl = local?.datafileUrl ?? values.datafile;
    const settings = { accountId: local?.service.config.defaultSettings.accountId ?? '0', dataFileUrl, ...(isPlainObject(fileSettings) ? fileSettings : {}) };
    const result = await runTrackEvent({ event, settings, mapping }, { transport: nodeTransport, send: false });
    const output: Record<string, unknown> = {
      status: result.status === 'previewed' ? 'would-send' : result.status,
      ...(result.eventApiRequest ? { request: { ...result.eventApiRequest, json: JSON.parse(result.eventApiRequest.body) } } : {}),
      ...(result.error ? { error: result.error } : {}),
      payload: result.payload ?? result.mapped,
    };
    if (values.explain) {
      const diagnoser = new Diagnoser(nodeTransport);
      try {
        const diagnosis = await diagnoser.diagnoseResult(event, settings, result, { fetchIfMissing: true });
        output.checks = diagnosis.checks;
        output.decisions = diagnosis.decisions;
        if (format === 'text') out(formatDiagnosis(diagnosis));
      } finally {
        diagnoser.close();
      }
    }
    if (format === 'json') out(JSON.stringify(output, null, 2));
    else if (!values.explain) out(result.eventApiRequest ? result.eventApiRequest.body : `${result.error?.name}: ${result.error?.message}`);
    return result.status === 'previewed' ? 0 : 1;
  } finally {
    await local?.close();
  }
}
