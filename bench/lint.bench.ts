/**
 * Event-key lint benchmarks.
 *
 * 1. `lint` over a generated tree (20,000 files, about 200 MB: most files have no track call, some do, a few keys are
 *    misspelled) as a ratio to `grep -rnE '(track|trackEvent)\s*\('` over the same tree, both run as child processes
 *    (output piped and drained) after a warm-up read, rounds alternating. Target: at most 2× grep.
 * 2. Keystroke-to-diagnostic latency, the pure part: after one edit of a 10,000-line file, rescan the whole document,
 *    check its keys and build the diagnostic messages (what the editor does once the debounce fires). Median and p99.
 *
 * Sizes: BENCH_LINT_FILES (default 20000), BENCH_LINT_MB (default 200), BENCH_LINT_ROUNDS (default 5); share of files
 * with track calls BENCH_LINT_CALL_SHARE (default 0.02; 5% more mention "track" without calling it).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildDatafileIndex, type ProjectConfig } from '../src/core/datafile/index';
import { checkReferences, createEventKeyScanner, knownEventsFromIndex } from '../src/core/lint';
import { diagnosticMessage, keyInfoCache } from '../src/extension/language/model';
import { percentile, report } from './measure';
import { mulberry32 } from '../test/helpers/prng';

const REPO_ROOT = path.join(__dirname, '..');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const DATAFILE = path.join(REPO_ROOT, 'samples', 'shop.datafile.json');
const GOOD_KEYS = ['Order Completed', 'Product Added', 'Checkout Started', 'Product Viewed', 'Newsletter Signed Up'];
const BAD_KEYS = ['Ordr Completed', 'product added', 'Checkout Startd', 'Product Veiwed'];

type Lang = 'js' | 'ts' | 'tsx' | 'py' | 'go' | 'java' | 'kt' | 'swift' | 'rb';
const LANG_MIX: [Lang, number][] = [['ts', 0.3], ['js', 0.22], ['tsx', 0.1], ['py', 0.14], ['go', 0.1], ['java', 0.06], ['kt', 0.04], ['swift', 0.02], ['rb', 0.02]];

function pickLang(r: number): Lang {
  let acc = 0;
  for (const [lang, share] of LANG_MIX) {
    acc += share;
    if (r < acc) return lang;
  }
  return 'ts';
}

/** One line of ordinary code (no track call), in the language's style. */
function fillerLine(lang: Lang, rand: () => number, n: number): string {
  const id = `value${n % 97}`;
  const choice = Math.floor(rand() * 10);
  switch (lang) {
    case 'py':
    case 'rb':
      return [`    ${id} = compute_${n % 13}(items, limit=${n % 50})`, `    # keep the ${id} around for the next step`, `    if ${id} > ${n % 100}: return "${id} is large"`,
        `    result.append({"name": "${id}", "count": ${n}})`, `    for item in items: total += item.price * ${n % 7}`, `    log.debug("processing %s", ${id})`,
        `    ${id} = [x for x in data if x.id != ${n}]`, `    raise ValueError("bad ${id}")`, `    return ${id}`, ''][choice];
    case 'go':
      return [`\t${id} := compute${n % 13}(items, ${n % 50})`, `\t// keep the ${id} around for the next step`, `\tif ${id} > ${n % 100} { return fmt.Errorf("${id} is large") }`,
        `\tresult = append(result, Item{Name: "${id}", Count: ${n}})`, `\tfor _, item := range items { total += item.Price * ${n % 7} }`, `\tlog.Printf("processing %v", ${id})`,
        `\tdefer mu.Unlock()`, `\treturn nil, errors.New("bad ${id}")`, `\treturn ${id}, nil`, ''][choice];
    default:
      return [`  const ${id} = compute${n % 13}(items, { limit: ${n % 50} });`, `  // keep the ${id} around for the next step`, `  if (${id} > ${n % 100}) return \`${id} is \${size}\`;`,
        `  result.push({ name: '${id}', count: ${n} });`, `  for (const item of items) total += item.price * ${n % 7};`, `  logger.debug('processing %s', ${id});`,
        `  const filtered = data.filter((x) => x.id !== ${n});`, `  throw new Error("bad ${id}");`, `  return ${id};`, ''][choice];
  }
}

function trackLine(lang: Lang, key: string): string {
  switch (lang) {
    case 'py':
      return `    analytics.track(user_id, '${key}', {"revenue": 10})`;
    case 'rb':
      return `    Analytics.track(user_id: user.id, event: '${key}', properties: { revenue: 10 })`;
    case 'go':
      return `\tclient.Enqueue(analytics.Track{Event: "${key}", UserId: userID})`;
    case 'java':
      return `    analytics.enqueue(TrackMessage.builder("x")); Analytics.with(context).track("${key}");`;
    case 'kt':
      return `    analytics.track("${key}", buildJsonObject { put("revenue", 10) })`;
    case 'swift':
      return `    Analytics.shared().track("${key}", properties: ["revenue": 10])`;
    default:
      return `  analytics.track('${key}', { revenue: order.total, currency: 'USD' });`;
  }
}

function fileHeader(lang: Lang, n: number): string {
  switch (lang) {
    case 'py':
      return `import os\nfrom shop import compute_${n % 13}\n\ndef handler_${n}(items, data, result, log):\n`;
    case 'rb':
      return `require 'shop'\n\ndef handler_${n}(items, data, result, log)\n`;
    case 'go':
      return `package shop${n % 40}\n\nimport (\n\t"fmt"\n\t"errors"\n)\n\nfunc handler${n}(items []Item) (int, error) {\n`;
    case 'java':
    case 'kt':
    case 'swift':
      return `// generated ${n}\nclass Handler${n} {\n  fun run(items: List<Item>) {\n`;
    default:
      return `import { compute${n % 13} } from './compute';\n\nexport function handler${n}(items, data, result, logger) {\n`;
  }
}

/** Writes the tree; returns the number of files, bytes, track calls and misspelled keys written. */
export function generateTree(root: string, files: number, totalBytes: number, callShare = 0.02): { files: number; bytes: number; calls: number; misspelled: number } {
  const rand = mulberry32(20_000);
  const avg = totalBytes / files;
  let bytes = 0;
  let calls = 0;
  let misspelled = 0;
  for (let f = 0; f < files; f++) {
    const lang = pickLang(rand());
    const dir = path.join(root, `pkg${String(f % 50).padStart(2, '0')}`, `mod${String(Math.floor(f / 50) % 40).padStart(2, '0')}`);
    if (f < 2000) fs.mkdirSync(dir, { recursive: true });
    const target = avg * (0.3 + rand() * 1.4);
    const withCalls = rand() < callShare; // a few percent of the files send events
    const mentionsTrack = !withCalls && rand() < 0.05; // and 5% more mention "track" without a call
    const lines: string[] = [fileHeader(lang, f)];
    let size = lines[0].length;
    let n = f * 7;
    while (size < target) {
      let line: string;
      if (withCalls && rand() < 0.01) {
        const bad = rand() < 0.05;
        const key = bad ? BAD_KEYS[Math.floor(rand() * BAD_KEYS.length)] : GOOD_KEYS[Math.floor(rand() * GOOD_KEYS.length)];
        line = trackLine(lang, key);
        calls++;
        if (bad) misspelled++;
      } else if (mentionsTrack && rand() < 0.01) {
        line = lang === 'py' || lang === 'rb' ? '    # we track the order total here' : '  const trackingId = config.trackingId; // track';
      } else {
        line = fillerLine(lang, rand, n++);
      }
      lines.push(line);
      size += line.length + 1;
    }
    lines.push(lang === 'py' || lang === 'rb' ? '' : '}\n');
    const text = lines.join('\n');
    fs.writeFileSync(path.join(dir, `file${f}.${lang}`), text);
    bytes += Buffer.byteLength(text);
  }
  return { files, bytes, calls, misspelled };
}

/** Runs a command to completion with stdout drained; returns the wall time in ms and the output size. */
function timeProcess(command: string, args: string[], cwd: string): Promise<{ ms: number; outBytes: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let outBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, outBytes, code }));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function benchLintTree(options: { files?: number; megabytes?: number; rounds?: number; callShare?: number } = {}): Promise<void> {
  const fileCount = options.files ?? Number(process.env.BENCH_LINT_FILES ?? 20_000);
  const megabytes = options.megabytes ?? Number(process.env.BENCH_LINT_MB ?? 200);
  const rounds = options.rounds ?? Number(process.env.BENCH_LINT_ROUNDS ?? 5);
  const callShare = options.callShare ?? Number(process.env.BENCH_LINT_CALL_SHARE ?? 0.02);
  if (!fs.existsSync(CLI)) spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (spawnSync('grep', ['--version']).status !== 0) {
    report('lint tree: skipped (no grep on PATH for the baseline)');
    return;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seg-opt-lint-bench-'));
  try {
    const generatedAt = performance.now();
    const tree = generateTree(root, fileCount, megabytes * 1e6, callShare);
    const generateMs = performance.now() - generatedAt;
    const grepArgs = ['-rnE', '(track|trackEvent)\\s*\\(', '.'];
    const lintArgs = [CLI, 'lint', '.', '--datafile', DATAFILE];
    // Warm-up: both read the whole tree once (page cache), and the results are sanity-checked.
    const grepWarm = await timeProcess('grep', grepArgs, root);
    const lintWarm = await timeProcess(process.execPath, lintArgs, root);
    if (lintWarm.code !== 1 && tree.misspelled > 0) throw new Error(`lint exited ${lintWarm.code}, expected 1 (misspelled keys were written)`);
    const grepMs: number[] = [];
    const lintMs: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const g = await timeProcess('grep', grepArgs, root);
      const l = await timeProcess(process.execPath, lintArgs, root);
      grepMs.push(g.ms);
      lintMs.push(l.ms);
      ratios.push(l.ms / g.ms);
    }
    report(
      `lint tree: ${tree.files} files, ${(tree.bytes / 1e6).toFixed(0)} MB (${tree.calls} track calls, ${tree.misspelled} misspelled; generated in ${(generateMs / 1000).toFixed(1)} s): ` +
        `lint ${median(lintMs).toFixed(0)} ms   grep -rnE ${median(grepMs).toFixed(0)} ms   ratio ${median(ratios).toFixed(2)}× grep (target ≤ 2×)` +
        `   [min lint ${Math.min(...lintMs).toFixed(0)} ms, min grep ${Math.min(...grepMs).toFixed(0)} ms; warm-up: lint ${lintWarm.ms.toFixed(0)} ms, grep ${grepWarm.ms.toFixed(0)} ms; ${rounds} rounds, medians]`,
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** A TypeScript file of `lines` lines with a track call every 50 lines (a few misspelled). */
function bigDocument(lines: number): string {
  const rand = mulberry32(10_000);
  const out: string[] = ['import { analytics } from "./analytics";', ''];
  for (let i = 2; i < lines; i++) {
    if (i % 50 === 0) out.push(trackLine('ts', i % 500 === 0 ? BAD_KEYS[(i / 500) % BAD_KEYS.length] : GOOD_KEYS[(i / 50) % GOOD_KEYS.length]));
    else out.push(fillerLine('ts', rand, i));
  }
  return out.join('\n');
}

export function benchLintKeystroke(options: { lines?: number; edits?: number } = {}): void {
  const lines = options.lines ?? 10_000;
  const edits = options.edits ?? 300;
  const index = buildDatafileIndex(JSON.parse(fs.readFileSync(DATAFILE, 'utf8')) as ProjectConfig);
  const known = knownEventsFromIndex(index);
  const info = keyInfoCache(index);
  const scanner = createEventKeyScanner();
  let text = bigDocument(lines);
  const rand = mulberry32(7);
  const samples: number[] = [];
  let findings = 0;
  for (let i = 0; i < edits + 20; i++) {
    // One keystroke somewhere in the document: insert a character, or delete the one at a random place.
    const at = Math.floor(rand() * text.length);
    text = i % 2 === 0 ? text.slice(0, at) + 'x' + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
    const started = performance.now();
    const result = checkReferences(scanner.scan(text, 'typescript'), known);
    for (const finding of result) diagnosticMessage(finding, info(finding.reference.key));
    const elapsed = performance.now() - started;
    if (i >= 20) samples.push(elapsed); // the first edits warm the JIT up
    findings = result.length;
  }
  samples.sort((a, b) => a - b);
  report(
    `lint keystroke→diagnostics (${lines} lines, ${(text.length / 1e3).toFixed(0)} kB, ${findings} findings; rescan + check the whole document + diagnostic messages, ${edits} edits): ` +
      `median ${percentile(samples, 50).toFixed(2)} ms, p99 ${percentile(samples, 99).toFixed(2)} ms (+ the 300 ms debounce)`,
  );
}

export async function benchLint(): Promise<void> {
  await benchLintTree();
  benchLintKeystroke();
}

if (require.main === module) {
  benchLint().catch((error: Error) => {
    process.stderr.write(`benchmark failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
