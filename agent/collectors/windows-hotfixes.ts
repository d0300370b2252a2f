/** Installed updates (KB list) from Win32_QuickFixEngineering, kept as the `vigie_hotfixes` section. */
import { powershellJson, psDate, rows, text } from '../powershell.js';
import type { Collector } from './types.js';

export const windowsHotfixes = {
  id: 'windows-hotfixes',
  platforms: ['win32'],
  async collect(ctx) {
    const data = await powershellJson(ctx, 'windows-hotfixes', 'Get-CimInstance Win32_QuickFixEngineering | Select-Object HotFixID,Description,InstalledOn,InstalledBy');
    const items = rows(data)
      .filter((r) => text(r.HotFixID))
      .map((r) => Object.fromEntries(Object.entries({ id: text(r.HotFixID), description: text(r.Description), installed_on: psDate(r.InstalledOn)?.slice(0, 10) ?? null, installed_by: text(r.InstalledBy) }).filter(([, v]) => v !== null)) as Record<string, string>);
    return { sections: { vigie_hotfixes: items } };
  },
} as const satisfies Collector;
