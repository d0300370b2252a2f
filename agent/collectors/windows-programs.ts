/**
 * Installed programs from the registry Uninstall keys, as Programs and Features lists them: machine-wide 64-bit
 * (HKLM\SOFTWARE), 32-bit (WOW6432Node) and per user (HKEY_USERS\<SID>). Win32_Product is avoided on purpose:
 * it lists MSI products only and triggers an MSI consistency check of every product.
 */
import { powershellJson, psDate, rows, text } from '../powershell.js';
import { softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

const SCRIPT = [
  "$keys = @(@{p='HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*';s='machine';a='64'},",
  "  @{p='HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*';s='machine';a='32'},",
  "  @{p='Registry::HKEY_USERS\\*\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*';s='user';a=''})",
  'foreach ($k in $keys) { Get-ItemProperty $k.p -ErrorAction SilentlyContinue | Where-Object { $_.DisplayName } |',
  '  Select-Object DisplayName,DisplayVersion,Publisher,InstallDate,EstimatedSize,SystemComponent,WindowsInstaller,PSChildName,',
  "   @{n='Scope';e={$k.s}},@{n='Bits';e={$k.a}},@{n='Hive';e={($_.PSPath -split '::')[1] -replace '\\\\Software.*$',''}} }",
].join('\n');

export const windowsPrograms = {
  id: 'windows-programs',
  platforms: ['win32'],
  async collect(ctx) {
    const list: Software[] = [];
    const seen = new Set<string>();
    for (const r of rows(await powershellJson(ctx, 'windows-programs', SCRIPT))) {
      const name = text(r.DisplayName);
      if (!name || r.SystemComponent === 1) continue; // SystemComponent=1 entries are hidden from Programs and Features
      const version = text(r.DisplayVersion);
      const key = `${name}\0${version}\0${text(r.Bits)}\0${text(r.Hive)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const size = Number(text(r.EstimatedSize));
      list.push(softwareEntry({
        name, version, publisher: text(r.Publisher), origin: r.WindowsInstaller === 1 ? 'msi' : 'registry', installDate: psDate(r.InstallDate),
        arch: text(r.Bits) === '64' ? 'x64' : text(r.Bits) === '32' ? 'x86' : null,
        extra: {
          scope: text(r.Scope) ?? 'machine', ...(text(r.PSChildName) ? { guid: text(r.PSChildName)! } : {}),
          ...(text(r.Scope) === 'user' && text(r.Hive) ? { user_sid: text(r.Hive)!.replace(/^HKEY_USERS\\/, '') } : {}),
          ...(Number.isFinite(size) ? { filesize: String(size * 1024) } : {}),
        },
      }));
    }
    return { software: list };
  },
} as const satisfies Collector;
