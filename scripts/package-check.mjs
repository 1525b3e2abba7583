#!/usr/bin/env node
/**
 * Checks a VSIX built by scripts/package.sh, and fails (exit 1) listing every problem:
 *   - its files are exactly what runs (the .vscodeignore whitelist), and it is under 2 MB;
 *   - the manifest: publisher, icon (PNG), no `*` activation, vscode not a runtime dependency;
 *   - dist/extension.js and dist/cli.js are the production bundle (minified, no source maps) and require
 *     nothing but Node built-ins and `vscode` (ajv's code-generation strings `require("ajv/…")` are text, not calls);
 *   - unpacked into an empty temp dir (no node_modules anywhere above it), the CLI previews an event from the
 *     bundled sample datafile, and the extension's bundle loads (with a stand-in `vscode`) and exports activate().
 *
 * Usage: node scripts/package-check.mjs FILE.vsix
 */
/* global console, process, Buffer */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const MAX_BYTES = 2 * 1024 * 1024;
/** Every file the VSIX must hold (vsce adds the first two and renames LICENSE/README/CHANGELOG). */
const EXPECTED = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/cli.js',
  'extension/dist/webview.js',
  'extension/dist/webview.css',
  'extension/media/icon.png',
  'extension/media/activity-bar.svg',
  'extension/samples/shop.datafile.json',
  'extension/schemas/datafile.schema.json',
  'extension/schemas/emulator-config.schema.json',
];
/** Files that may be added later without changing this check: more media and schemas. */
const ALLOWED_EXTRA = [/^extension\/media\/[\w.-]+\.(png|svg)$/, /^extension\/schemas\/[\w.-]+\.schema\.json$/];

/** Reads a zip's central directory; returns name → () => contents. */
function readZip(buffer) {
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 65_557); i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buffer.readUInt16LE(eocd + 10);
  let offset = buffer.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt central directory');
    const method = buffer.readUInt16LE(offset + 10);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    const size = buffer.readUInt32LE(offset + 24);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const localOffset = buffer.readUInt32LE(offset + 42);
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    entries.set(name, {
      size,
      compressedSize,
      read() {
        const start = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
        const data = buffer.subarray(start, start + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data);
        throw new Error(`${name}: unsupported compression method ${method}`);
      },
    });
  }
  return entries;
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** `require("x")` calls of anything but built-ins and vscode. A `require(` right after a quote or backtick is text. */
function foreignRequires(code) {
  const found = new Map();
  for (const match of code.matchAll(/(.)require\(\s*(["'`])([^"'`]+)\2\s*\)/g)) {
    const [, before, , name] = match;
    if (BUILTINS.has(name) || name === 'vscode') continue;
    const kind = `'"\``.includes(before) ? 'text' : 'call';
    found.set(`${name} (${kind})`, (found.get(`${name} (${kind})`) ?? 0) + 1);
  }
  return found;
}

function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/package-check.mjs FILE.vsix');
    process.exit(2);
  }
  const problems = [];
  const bytes = statSync(file).size;
  if (bytes >= MAX_BYTES) problems.push(`${file} is ${bytes} bytes, over 2 MB`);
  const entries = readZip(readFileSync(file));
  const names = [...entries.keys()];
  for (const name of EXPECTED) if (!entries.has(name)) problems.push(`missing from the VSIX: ${name}`);
  for (const name of names) if (!EXPECTED.includes(name) && !ALLOWED_EXTRA.some((pattern) => pattern.test(name))) problems.push(`not on the whitelist: ${name}`);

  const text = (name) => entries.get(name)?.read().toString('utf8') ?? '';
  const manifest = JSON.parse(text('extension/package.json') || '{}');
  if (!manifest.publisher) problems.push('package.json has no publisher');
  if (!/\.png$/.test(manifest.icon ?? '') || !entries.has(`extension/${manifest.icon}`)) problems.push(`icon ${manifest.icon} is not a PNG in the VSIX`);
  if ((manifest.activationEvents ?? []).includes('*')) problems.push('activationEvents has "*"');
  if (manifest.dependencies?.vscode) problems.push('vscode is a runtime dependency');
  if (!entries.has(`extension/${(manifest.main ?? '').replace(/^\.\//, '')}`)) problems.push(`main ${manifest.main} is not in the VSIX`);

  const requireSummary = [];
  for (const bundle of ['extension/dist/extension.js', 'extension/dist/cli.js']) {
    const code = text(bundle);
    if (/sourceMappingURL/.test(code)) problems.push(`${bundle} links a source map: not a production build`);
    // esbuild marks each module with a `// node_modules/…` or `// src/…` comment unless it minifies.
    if (/^\s*\/\/ (src|node_modules)\//m.test(code)) problems.push(`${bundle} is not minified: not a production build (did another build overwrite dist/? run again)`);
    const foreign = foreignRequires(code);
    const calls = [...foreign.keys()].filter((key) => key.endsWith('(call)'));
    if (calls.length > 0) problems.push(`${bundle} requires packages at run time: ${calls.join(', ')}`);
    requireSummary.push(`${bundle.replace('extension/', '')}: ${foreign.size === 0 ? 'only built-ins and vscode' : `only built-ins and vscode (+ ${[...foreign.keys()].join(', ')})`}`);
  }

  // Unpack into an empty temp dir and run what ships.
  const root = mkdtempSync(join(tmpdir(), 'segment-optimizely-vsix-'));
  try {
    for (const [name, entry] of entries) {
      const target = join(root, name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, entry.read());
    }
    const ext = join(root, 'extension');
    const event = join(root, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({ type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'msg-1', timestamp: '2026-01-08T13:52:50.212Z', properties: { revenue: 4999 } }),
    );
    try {
      const out = execFileSync(process.execPath, [join(ext, 'dist', 'cli.js'), 'preview', '--event', event, '--datafile', join(ext, 'samples', 'shop.datafile.json')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (!/logx\.optimizely\.com\/v1\/events/.test(out) || !/"key":\s*"Order Completed"/.test(out)) problems.push(`the unpacked CLI's preview did not print the Event API request:\n${out}`);
    } catch (error) {
      problems.push(`the unpacked CLI failed: ${error.stderr || error.message}`);
    }
    // Load the extension bundle with a stand-in `vscode` and record every module it requires while loading.
    const probe = `
      const Module = require('node:module');
      const load = Module._load;
      const seen = new Set();
      const stub = new Proxy(function () {}, { get: (_t, key) => key === '__esModule' ? false : stub, getPrototypeOf: () => stub, apply: () => stub, construct: () => stub });
      Module._load = function (request, parent, isMain) {
        seen.add(request);
        return request === 'vscode' ? stub : load.apply(this, arguments);
      };
      const ext = require(${JSON.stringify(join(ext, 'dist', 'extension.js'))});
      console.log(JSON.stringify({ activate: typeof ext.activate, deactivate: typeof ext.deactivate, required: [...seen] }));`;
    try {
      const result = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop());
      if (result.activate !== 'function' || result.deactivate !== 'function') problems.push(`the unpacked extension does not export activate/deactivate: ${JSON.stringify(result)}`);
      const foreign = result.required.filter((name) => !BUILTINS.has(name) && name !== 'vscode' && !name.startsWith('/'));
      if (foreign.length > 0) problems.push(`loading the unpacked extension required: ${foreign.join(', ')}`);
    } catch (error) {
      problems.push(`the unpacked extension failed to load: ${error.stderr || error.message}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  console.log(`[package-check] ${file}: ${(bytes / 1024).toFixed(0)} KB (limit 2048 KB), ${names.length} entries`);
  for (const name of names) console.log(`[package-check]   ${name}  ${(entries.get(name).size / 1024).toFixed(1)} KB`);
  for (const line of requireSummary) console.log(`[package-check] ${line}`);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`[package-check] ✖ ${problem}`);
    process.exit(1);
  }
  console.log('[package-check] ok');
}

main();
