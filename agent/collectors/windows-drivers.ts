/**
 * Signed device drivers from Win32_PnPSignedDriver as software entries (origin `driver`): vulnerable driver
 * advisories name the provider, the driver and its version.
 */
import { powershellJson, psDate, rows, text } from '../powershell.js';
import { softwareEntry } from '../read.js';
import type { Collector } from './types.js';
import type { Software } from '../../common/inventory/model.js';

export const windowsDrivers = {
  id: 'windows-drivers',
  platforms: ['win32'],
  async collect(ctx) {
    const data = await powershellJson(ctx, 'windows-drivers', 'Get-CimInstance Win32_PnPSignedDriver | Where-Object { $_.DriverVersion } | Select-Object DeviceName,DriverVersion,DriverProviderName,InfName,IsSigned,Signer,DriverDate,DeviceClass');
    const seen = new Set<string>();
    const list: Software[] = [];
    for (const r of rows(data)) {
      const name = text(r.DeviceName);
      if (!name) continue;
      const key = `${name}\0${text(r.DriverVersion)}\0${text(r.InfName)}`;
      if (seen.has(key)) continue; // one driver bound to several identical devices
      seen.add(key);
      list.push(softwareEntry({
        name, version: text(r.DriverVersion), publisher: text(r.DriverProviderName), origin: 'driver', installDate: psDate(r.DriverDate)?.slice(0, 10) ?? null,
        extra: Object.fromEntries(Object.entries({ kind: 'windows-driver', inf: text(r.InfName), signed: r.IsSigned === true ? '1' : r.IsSigned === false ? '0' : null, signer: text(r.Signer), class: text(r.DeviceClass) }).filter(([, v]) => v !== null)) as Record<string, string>,
      }));
    }
    return { software: list };
  },
} as const satisfies Collector;
