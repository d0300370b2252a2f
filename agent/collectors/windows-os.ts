/**
 * Windows OS, machine and firmware identity from CIM (Win32_OperatingSystem, Win32_ComputerSystem, Win32_BIOS,
 * Win32_Processor) plus the registry's UBR: the build revision (22631.2861) is what cumulative updates change and
 * what Microsoft advisories are versioned by.
 */
import { powershellJson, psDate, rows, text } from '../powershell.js';
import { defined, softwareEntry } from '../read.js';
import type { Collector } from './types.js';

const SCRIPT = [
  "$cv = Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'",
  '[pscustomobject]@{',
  ' os = Get-CimInstance Win32_OperatingSystem | Select-Object Caption,Version,BuildNumber,OSArchitecture,InstallDate,LastBootUpTime,TotalVisibleMemorySize,TotalVirtualMemorySize,CSName,ServicePackMajorVersion;',
  ' cs = Get-CimInstance Win32_ComputerSystem | Select-Object Manufacturer,Model,Domain,Workgroup,PartOfDomain,UserName,NumberOfProcessors,DNSHostName;',
  ' bios = Get-CimInstance Win32_BIOS | Select-Object Manufacturer,SMBIOSBIOSVersion,SerialNumber,ReleaseDate;',
  ' product = Get-CimInstance Win32_ComputerSystemProduct | Select-Object UUID;',
  ' cpu = @(Get-CimInstance Win32_Processor | Select-Object Name,Manufacturer,NumberOfCores,NumberOfLogicalProcessors,MaxClockSpeed);',
  ' ubr = $cv.UBR; displayVersion = $cv.DisplayVersion',
  '}',
].join('\n');

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export const windowsOs = {
  id: 'windows-os',
  platforms: ['win32'],
  async collect(ctx) {
    const r = obj(await powershellJson(ctx, 'windows-os', SCRIPT));
    const os = obj(r.os);
    const cs = obj(r.cs);
    const bios = obj(r.bios);
    const cpus = rows(r.cpu);
    const build = text(os.BuildNumber);
    const ubr = text(r.ubr);
    const memKb = Number(text(os.TotalVisibleMemorySize));
    const biosVersion = text(bios.SMBIOSBIOSVersion);
    return {
      identity: defined({
        hostname: text(cs.DNSHostName) ?? text(os.CSName), domain: cs.PartOfDomain === true ? text(cs.Domain) : null,
        vendor: text(cs.Manufacturer), model: text(cs.Model), serial: text(bios.SerialNumber), uuid: text(obj(r.product).UUID)?.toLowerCase() ?? null,
      }),
      os: defined({
        name: text(os.Caption), fullName: text(os.Caption),
        // 10.0.22631 + UBR 2861 → 10.0.22631.2861, the version Windows Update and MSRC advisories use.
        version: text(os.Version) && ubr ? `${text(os.Version)}.${ubr}` : text(os.Version),
        arch: text(os.OSArchitecture), kernelName: 'windows', kernelVersion: build && ubr ? `${build}.${ubr}` : build,
        installDate: psDate(os.InstallDate),
      }),
      hardware: defined({
        memoryMb: Number.isFinite(memKb) ? Math.round(memKb / 1024) : null, cpuCount: cpus.length || null, cpuModel: text(cpus[0]?.Name),
        workgroup: cs.PartOfDomain === true ? null : text(cs.Workgroup), lastLoggedUser: text(cs.UserName),
        vmSystem: /VMware|Virtual|QEMU|KVM|Xen/i.test(`${text(cs.Manufacturer) ?? ''} ${text(cs.Model) ?? ''}`) ? 'Virtual' : 'Physical',
      }),
      bios: defined({ vendor: text(bios.Manufacturer), version: biosVersion, date: psDate(bios.ReleaseDate)?.slice(0, 10) ?? null, serial: text(bios.SerialNumber), manufacturer: text(cs.Manufacturer), model: text(cs.Model) }),
      software: biosVersion ? [softwareEntry({ name: 'bios', version: biosVersion, publisher: text(bios.Manufacturer), origin: 'firmware', extra: { kind: 'system', ...(text(cs.Model) ? { device: text(cs.Model)! } : {}) } })] : [],
      sections: {
        cpus: cpus.map((c) => defined({ type: text(c.Name), manufacturer: text(c.Manufacturer), cores: text(c.NumberOfCores), logical_cpus: text(c.NumberOfLogicalProcessors), speed: text(c.MaxClockSpeed) }) as Record<string, string>),
        ...(text(r.displayVersion) ? { vigie_os: [{ display_version: text(r.displayVersion)!, ubr: ubr ?? '' }] } : {}),
      },
    };
  },
} as const satisfies Collector;
