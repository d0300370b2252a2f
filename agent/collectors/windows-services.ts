/** Windows services and their states from Win32_Service. */
import { powershellJson, rows, text } from '../powershell.js';
import type { Collector } from './types.js';

export const windowsServices = {
  id: 'windows-services',
  platforms: ['win32'],
  async collect(ctx) {
    const data = await powershellJson(ctx, 'windows-services', 'Get-CimInstance Win32_Service | Select-Object Name,DisplayName,State,StartMode,PathName,StartName');
    return {
      services: rows(data).filter((r) => text(r.Name)).map((r) => ({
        name: text(r.Name)!, displayName: text(r.DisplayName), state: text(r.State)?.toLowerCase() ?? null, startMode: text(r.StartMode)?.toLowerCase() ?? null,
        extra: Object.fromEntries(Object.entries({ path: text(r.PathName), account: text(r.StartName) }).filter(([, v]) => v !== null)) as Record<string, string>,
      })),
    };
  },
} as const satisfies Collector;
