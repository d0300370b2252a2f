/**
 * The digest's 30-day trend chart as a PNG, drawn without a browser: lines on an RGB pixel buffer, encoded
 * per the PNG spec (ISO/IEC 15948: signature, IHDR, one zlib IDAT with filter 0 scanlines, IEND, CRC-32).
 * No text in the image: labels and the legend are in the HTML around it, so they follow the digest language.
 */
import { deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export class Canvas {
  readonly pixels: Buffer;
  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
    this.pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) this.pixels.set(background, i * 3);
  }

  set(x: number, y: number, c: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    this.pixels.set(c, (yi * this.width + xi) * 3);
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.set(x + i, y + j, c);
  }

  /** A line `thickness` pixels wide (stepping along the longer axis, a square brush at each step). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1): void {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    const r = Math.floor(thickness / 2);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      this.rect(Math.round(x) - r, Math.round(y) - r, thickness, thickness, c);
    }
  }

  toPng(): Buffer {
    const raw = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (this.width * 3 + 1)] = 0; // filter: none
      this.pixels.copy(raw, y * (this.width * 3 + 1) + 1, y * this.width * 3, (y + 1) * this.width * 3);
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type: truecolour RGB
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
  }
}

export interface Series { values: number[]; color: Rgb }

export const chartColors = { critical: [200, 30, 45], high: [235, 120, 20], other: [70, 110, 200], grid: [225, 228, 235], axis: [120, 125, 135] } as const satisfies Record<string, Rgb>;

/** A line chart of equally spaced points, y from 0 to a rounded-up maximum; returns the PNG and that maximum. */
export function lineChartPng(series: Series[], width = 600, height = 220): { png: Buffer; yMax: number } {
  const c = new Canvas(width, height);
  const pad = { left: 12, right: 12, top: 12, bottom: 14 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const mag = 10 ** Math.floor(Math.log10(max));
  const yMax = Math.ceil(max / mag) * mag;
  for (let g = 0; g <= 4; g++) c.line(pad.left, pad.top + (h * g) / 4, pad.left + w, pad.top + (h * g) / 4, chartColors.grid);
  const points = Math.max(...series.map((s) => s.values.length), 2);
  for (let i = 0; i < points; i += 7) c.line(pad.left + (w * i) / (points - 1), pad.top + h, pad.left + (w * i) / (points - 1), pad.top + h + 4, chartColors.axis);
  c.line(pad.left, pad.top + h, pad.left + w, pad.top + h, chartColors.axis, 2);
  for (const s of series) {
    const xy = s.values.map((v, i) => [pad.left + (w * i) / (points - 1), pad.top + h - (h * v) / yMax] as const);
    for (let i = 1; i < xy.length; i++) c.line(xy[i - 1]![0], xy[i - 1]![1], xy[i]![0], xy[i]![1], s.color, 3);
  }
  return { png: c.toPng(), yMax };
}
