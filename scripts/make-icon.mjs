#!/usr/bin/env node
// Draws media/icon.png (128×128, the Marketplace icon; vsce refuses SVG icons) with no dependencies:
// shapes are sampled 4×4 per pixel for anti-aliasing and written as an RGBA PNG with zlib.
/* global Buffer, URL, console */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 128;
const SAMPLES = 4;

const background = [24, 32, 48];
const green = [82, 189, 149];
const blue = [96, 165, 250];
const white = [236, 241, 247];

function roundedSquare(x, y) {
  const r = 24;
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
const circle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (x, y, cx, cy, r, w) => circle(x, y, cx, cy, r) && !circle(x, y, cx, cy, r - w);
function segment(x, y, ax, ay, bx, by, w) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= (w / 2) ** 2;
}

/** The colour at one sample point, or undefined outside the icon. */
function shade(x, y) {
  if (!roundedSquare(x, y)) return undefined;
  // Event: a green ring with a dot; arrow; experiment: a blue flask.
  if (ring(x, y, 36, 64, 17, 7) || circle(x, y, 36, 64, 5)) return green;
  if (segment(x, y, 58, 64, 78, 64, 7) || segment(x, y, 70, 55, 79, 64, 7) || segment(x, y, 70, 73, 79, 64, 7)) return white;
  const flask = (x >= 90 && x <= 100 && y >= 36 && y <= 62) || (y > 62 && y <= 92 && Math.abs(x - 95) <= 5 + (y - 62) * 0.55);
  if (segment(x, y, 86, 36, 104, 36, 6)) return white;
  if (flask) return y > 74 ? blue : white;
  return background;
}

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const colour = shade(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!colour) continue;
        sum[0] += colour[0];
        sum[1] += colour[1];
        sum[2] += colour[2];
        sum[3] += 255;
      }
    }
    const n = SAMPLES * SAMPLES;
    const covered = sum[3] / 255;
    const offset = py * (SIZE * 4 + 1) + 1 + px * 4;
    raw[offset] = covered ? Math.round(sum[0] / covered) : 0;
    raw[offset + 1] = covered ? Math.round(sum[1] / covered) : 0;
    raw[offset + 2] = covered ? Math.round(sum[2] / covered) : 0;
    raw[offset + 3] = Math.round(sum[3] / n);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const out = fileURLToPath(new URL('../media/icon.png', import.meta.url));
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
