/** macOS hardware, OS and boot firmware from `system_profiler -json SPHardwareDataType SPSoftwareDataType`. */
import { defined, softwareEntry } from '../read.js';
import type { Collector } from './types.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const first = (v: unknown): Obj => obj(Array.isArray(v) ? v[0] : undefined);
const s = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);

export const macosSystem = {
  id: 'macos-system',
  platforms: ['darwin'],
  async collect(ctx) {
    const out = await ctx.run('system-profiler-system', 'system_profiler', ['-json', '-detailLevel', 'mini', 'SPHardwareDataType', 'SPSoftwareDataType']);
    if (out === null) return {};
    const data = obj(JSON.parse(out));
    const hw = first(data.SPHardwareDataType);
    const sw = first(data.SPSoftwareDataType);
    // os_version: "macOS 14.2.1 (23C71)"; kernel_version: "Darwin 23.2.0".
    const osm = /^(.*?)\s+([\d.]+)\s*(?:\((\w+)\))?$/.exec(s(sw.os_version) ?? '');
    const mem = /^([\d.]+)\s*(GB|MB|TB)/.exec(s(hw.physical_memory) ?? '');
    const memoryMb = mem ? Math.round(Number(mem[1]) * (mem[2] === 'TB' ? 1048576 : mem[2] === 'GB' ? 1024 : 1)) : null;
    const firmwareVersion = s(hw.boot_rom_version);
    return {
      identity: defined({ hostname: s(sw.local_host_name), vendor: 'Apple Inc.', model: s(hw.machine_model), serial: s(hw.serial_number), uuid: s(hw.platform_UUID)?.toLowerCase() ?? null }),
      os: defined({
        name: osm?.[1] ?? 'macOS', version: osm?.[2] ?? null, fullName: s(sw.os_version), arch: ctx.arch === 'arm64' ? 'arm64' : 'x86_64',
        kernelName: 'darwin', kernelVersion: s(sw.kernel_version)?.replace(/^Darwin\s+/, '') ?? null,
      }),
      hardware: defined({ memoryMb, cpuModel: s(hw.chip_type) ?? s(hw.cpu_type), cpuCount: Number(s(hw.number_processors)?.replace(/^proc\s+/, '').split(':')[0]) || null, lastLoggedUser: s(sw.user_name)?.replace(/\s*\(.*\)$/, '') ?? null, vmSystem: 'Physical' }),
      bios: defined({ vendor: 'Apple Inc.', version: firmwareVersion, serial: s(hw.serial_number), manufacturer: 'Apple Inc.', model: s(hw.machine_model) }),
      software: firmwareVersion ? [softwareEntry({ name: 'apple-system-firmware', version: firmwareVersion, publisher: 'Apple Inc.', origin: 'firmware', extra: { kind: 'system', device: s(hw.machine_model) ?? '' } })] : [],
    };
  },
} as const satisfies Collector;
