/**
 * The extension's pure helpers and its manifest: curl quoting, Optimizely links, JSON pointer → text range,
 * settings (defaults, checks, emulator options), and package.json's contributions (every command has a
 * handler, every menu names a contributed command, the mappings setting uses the CLI config's schema).
 */
import { SUPPORTED_LANGUAGES } from '../../src/core/lint';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shellQuote, toCurl } from '../../src/extension/curl';
import { entityUrl, experimentUrl, flagUrl } from '../../src/extension/optimizelyLinks';
import { locatePointer } from '../../src/extension/jsonLocate';
import { buildDatafileIndex, type ProjectConfig } from '../../src/core/datafile/index';
import { parsePointer } from '../../src/core/datafile/pointer';
import {
  DEFAULTS,
  KEYS,
  SECTION,
  changedSettings,
  destinationConfig,
  emulatorOptions,
  isPortInUse,
  readSettings,
  resolveDatafilePath,
  settingProblems,
} from '../../src/extension/settingsModel';

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default?: unknown; items?: unknown; maxItems?: number }> };
    viewsWelcome: { view: string; contents: string }[];
    views: Record<string, { id: string }[]>;
    jsonValidation: { fileMatch: string[]; url: string }[];
  };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  activationEvents?: string[];
  icon?: string;
};

describe('extension helpers: curl and links', () => {
  it('quotes shell words only when needed, and single quotes safely', () => {
    assert.equal(shellQuote('https://logx.optimizely.com/v1/events'), 'https://logx.optimizely.com/v1/events');
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('a b'), "'a b'");
  });

  it('writes a curl command that repeats the request (no content-length / host headers)', () => {
    const curl = toCurl({ url: 'http://127.0.0.1:8787/v1/events', method: 'post', headers: { 'content-type': 'application/json', 'content-length': '2', host: 'x' }, body: '{"a":"b\'c"}' });
    assert.equal(curl, `curl -sS -X POST http://127.0.0.1:8787/v1/events \\\n  -H 'content-type: application/json' \\\n  --data-raw '{"a":"b'\\''c"}'`);
  });

  it('links experiments and flags into the Optimizely app from datafile ids', () => {
    assert.equal(experimentUrl('123', '456'), 'https://app.optimizely.com/v2/projects/123/experiments/456');
    assert.equal(flagUrl('123', 'my flag'), 'https://app.optimizely.com/v2/projects/123/flags/manage/my%20flag');
    assert.equal(entityUrl('123', { kind: 'experiment', id: '456' }), experimentUrl('123', '456'));
    assert.equal(entityUrl('123', { kind: 'experiment', id: '456', flagKey: 'f' }), flagUrl('123', 'f'), 'a flag rule opens its flag');
    assert.equal(entityUrl('123', { kind: 'rule', id: '9', flagKey: 'f' }), flagUrl('123', 'f'));
    assert.equal(entityUrl('123', { kind: 'event', key: 'e' }), undefined);
    assert.equal(entityUrl(undefined, { kind: 'flag', key: 'f' }), undefined);
  });
});

describe('extension helpers: JSON pointer → text range', () => {
  const files = [path.join(ROOT, 'samples', 'shop.datafile.json'), ...fs.readdirSync(path.join(ROOT, 'test', 'fixtures', 'datafiles')).filter((f) => f.endsWith('.json')).map((f) => path.join(ROOT, 'test', 'fixtures', 'datafiles', f))];

  function valueAt(root: unknown, pointer: string): unknown {
    let current = root;
    for (const segment of parsePointer(pointer)) current = (current as Record<string, unknown>)[segment];
    return current;
  }

  for (const file of files) {
    it(`finds every entity of ${path.basename(file)} at exactly its text`, () => {
      const text = fs.readFileSync(file, 'utf8');
      const datafile = JSON.parse(text) as ProjectConfig;
      const index = buildDatafileIndex(datafile);
      const pointers = [
        ...index.events.map((e) => e.pointer),
        ...[...index.experimentsById.values()].flatMap((e) => [e.pointer, `${e.pointer}/variations/0`, `${e.pointer}/key`]),
        ...[...index.audiencesById.values()].map((a) => `${a.pointer}/conditions`),
        ...[...index.flagsByKey.values()].map((f) => f.pointer),
        ...[...index.groupsById.values()].map((g) => g.pointer),
      ].filter((pointer) => valueAt(datafile, pointer) !== undefined);
      assert.ok(pointers.length > 3);
      for (const pointer of pointers) {
        const range = locatePointer(text, pointer);
        assert.ok(range, `${pointer} not found`);
        assert.deepEqual(JSON.parse(text.slice(range.start, range.end)), valueAt(datafile, pointer), pointer);
      }
    });
  }

  it('handles escapes, nesting, keys with "/" and "~", and reports what is not there', () => {
    const text = '{ "a\\"b": 1, "x/y": {"m~n": [10, {"s": "]}\\\\"}, true]}, "e": [] }';
    assert.equal(text.slice(locatePointer(text, '/x~1y/m~0n/1/s')!.start, locatePointer(text, '/x~1y/m~0n/1/s')!.end), '"]}\\\\"');
    assert.equal(text.slice(locatePointer(text, '/x~1y/m~0n/2')!.start, locatePointer(text, '/x~1y/m~0n/2')!.end), 'true');
    const member = locatePointer(text, '/x~1y')!;
    assert.equal(text.slice(member.keyStart, member.keyStart! + 5), '"x/y"');
    assert.equal(locatePointer(text, '/e/0'), undefined);
    assert.equal(locatePointer(text, '/missing'), undefined);
    assert.equal(locatePointer(text, '/x~1y/m~0n/3'), undefined);
    assert.equal(locatePointer(text, '/x~1y/m~0n/01'), undefined);
    assert.deepEqual(locatePointer(' [1] ', ''), { start: 1, end: 4 });
    assert.equal(locatePointer('not json', '/a'), undefined);
  });
});

describe('extension settings', () => {
  const fromPackage = (key: string) => pkg.contributes.configuration.properties[`${SECTION}.${key}`];

  it('reads the defaults when nothing is set, and they match package.json', () => {
    const settings = readSettings((_key, fallback) => fallback);
    assert.deepEqual(settings, DEFAULTS);
    for (const [name, key] of Object.entries(KEYS)) {
      assert.ok(fromPackage(key), `package.json has no ${SECTION}.${key}`);
      assert.deepEqual(fromPackage(key).default, DEFAULTS[name as keyof typeof DEFAULTS], `default of ${key}`);
    }
  });

  it('falls back for values of the wrong type or range', () => {
    const values: Record<string, unknown> = { 'emulator.port': 70_000, historyLimit: -1, mappings: 'x', liveSend: 'yes', 'emulator.host': '  ' };
    const settings = readSettings((key, fallback) => (key in values ? values[key] : fallback) as typeof fallback);
    assert.equal(settings.port, 8787);
    assert.equal(settings.historyLimit, 5000);
    assert.deepEqual(settings.mappings, []);
    assert.equal(settings.liveSend, false);
    assert.equal(settings.host, '127.0.0.1');
  });

  it('names the setting to fix for each problem', () => {
    const problems = settingProblems({ ...DEFAULTS, datafileUrl: 'cdn.optimizely.com/x.json', eventApiUrl: 'ftp://x', accountId: 'abc', host: 'a b' });
    assert.deepEqual(problems.map((p) => p.setting), ['datafileUrl', 'eventApiUrl', 'accountId', 'host']);
    assert.deepEqual(settingProblems(DEFAULTS), []);
  });

  it('turns settings into start options: token from secrets, mappings and write key into the config', () => {
    const mappings = [{ name: 'Orders', trigger: 'type = "track" and event = "Order Completed"' }];
    const settings = { ...DEFAULTS, mappings, writeKey: 'wk', accountId: '123', liveSend: true, eventApiUrl: 'http://127.0.0.1:9/v1/events' };
    const options = emulatorOptions(settings, { datafile: '/tmp/d.json', accessToken: 'secret-token', dataDir: '/tmp/h', port: 0 });
    assert.deepEqual(options.config, { settings: { accountId: '123' }, writeKey: 'wk', mappings });
    assert.equal(options.accessToken, 'secret-token');
    assert.equal(options.port, 0);
    assert.equal(options.live, true);
    assert.equal(options.eventApiUrl, 'http://127.0.0.1:9/v1/events');
    assert.equal(options.historyLimit, 5000);
    assert.deepEqual(destinationConfig(DEFAULTS), {});
  });

  it('lists changed settings, detects port-in-use errors, resolves workspace paths', () => {
    assert.deepEqual(changedSettings(DEFAULTS, { ...DEFAULTS, port: 1, liveSend: true }), ['port', 'liveSend']);
    assert.equal(isPortInUse(new Error('Port 8787 on 127.0.0.1 is already in use. Stop the other process')), true);
    assert.equal(isPortInUse(Object.assign(new Error('x'), { code: 'EADDRINUSE' })), true);
    assert.equal(isPortInUse(new Error('boom')), false);
    assert.equal(resolveDatafilePath('data/d.json', '/ws', path.posix.join, path.posix.isAbsolute), '/ws/data/d.json');
    assert.equal(resolveDatafilePath('${workspaceFolder}/d.json', '/ws', path.posix.join, path.posix.isAbsolute), '/ws/d.json');
    assert.equal(resolveDatafilePath('/abs/d.json', undefined, path.posix.join, path.posix.isAbsolute), '/abs/d.json');
    assert.equal(resolveDatafilePath('d.json', undefined, path.posix.join, path.posix.isAbsolute), undefined);
  });
});

function listSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listSources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('extension manifest (package.json)', () => {
  const commands = pkg.contributes.commands.map((c) => c.command);
  const source = fs.readFileSync(path.join(ROOT, 'src', 'extension', 'commands.ts'), 'utf8');
  const handled = [...source.matchAll(/^\s+'(segmentOptimizely\.[A-Za-z]+)': /gm)].map((m) => m[1]);

  it('contributes every command that has a handler, and registers every contributed command somewhere', () => {
    for (const id of handled) assert.ok(commands.includes(id), `${id} has a handler but is not contributed`);
    const sources = listSources(path.join(ROOT, 'src')).map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    for (const id of commands) assert.ok(sources.includes(`'${id}'`) || sources.includes(`"${id}"`), `${id} is contributed but never registered`);
  });

  it('puts every command under the "Segment Optimizely" category', () => {
    assert.deepEqual(pkg.contributes.commands.filter((c) => c.category !== 'Segment Optimizely').map((c) => c.command), []);
  });

  it('only names contributed commands in menus and welcome views', () => {
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items) assert.ok(commands.includes(item.command), `${menu} names ${item.command}`);
    }
    for (const welcome of pkg.contributes.viewsWelcome) {
      for (const match of welcome.contents.matchAll(/command:(segmentOptimizely\.[A-Za-z]+)/g)) assert.ok(commands.includes(match[1]), match[1]);
    }
  });

  it('uses the CLI configuration schema for the mappings setting (at most 50)', () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'emulator-config.schema.json'), 'utf8')) as { definitions: { mapping: unknown }; properties: { mappings: { maxItems: number } } };
    const setting = fromPackageConfig('mappings');
    assert.deepEqual(setting.items, config.definitions.mapping);
    assert.equal(setting.maxItems, config.properties.mappings.maxItems);
    assert.equal(setting.maxItems, 50);
  });

  it('restricts the datafile URL, the Event API URL and live send in untrusted workspaces', () => {
    const trust = pkg.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    for (const key of ['datafile.url', 'eventApiUrl', 'liveSend']) assert.ok(trust.restrictedConfigurations.includes(`${SECTION}.${key}`), key);
    for (const key of trust.restrictedConfigurations) assert.ok(pkg.contributes.configuration.properties[key], `${key} is a contributed setting`);
  });

  it('validates datafiles with the datafile schema, has welcome views for both views, a PNG icon, implicit activation (plus the console serializer)', () => {
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: ['*.datafile.json', 'datafile*.json'], url: './schemas/datafile.schema.json' }]);
    assert.deepEqual(pkg.contributes.viewsWelcome.map((w) => w.view).sort(), ['segmentOptimizely.datafile', 'segmentOptimizely.emulator']);
    assert.equal(pkg.icon, 'media/icon.png');
    assert.ok(fs.readFileSync(path.join(ROOT, 'media', 'icon.png')).subarray(1, 4).toString() === 'PNG');
    // Views and commands activate implicitly; only the console's serializer needs an event.
    // The console serializer, and every language the event-key linter reads (so squiggles appear in a code
    // file opened before any of our views); views and commands activate implicitly.
    assert.deepEqual(pkg.activationEvents, ['onWebviewPanel:segmentOptimizely.console', ...SUPPORTED_LANGUAGES.map((language) => `onLanguage:${language}`)]);
  });

  function fromPackageConfig(key: string) {
    return pkg.contributes.configuration.properties[`${SECTION}.${key}`];
  }
});
