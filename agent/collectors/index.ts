/** The only list of agent collectors (style.md §3.3); each runs on the platforms it declares. */
import { apk } from './apk.js';
import { cpu } from './cpu.js';
import { devices } from './devices.js';
import { dmi } from './dmi.js';
import { dpkg } from './dpkg.js';
import { firmware } from './firmware.js';
import { flatpak } from './flatpak.js';
import { kernelModules } from './kernel-modules.js';
import { listeningPorts } from './listening-ports.js';
import { macosApps } from './macos-apps.js';
import { macosPkgutil } from './macos-pkgutil.js';
import { macosSystem } from './macos-system.js';
import { memory } from './memory.js';
import { network } from './network.js';
import { osRelease } from './os-release.js';
import { rpm } from './rpm.js';
import { snap } from './snap.js';
import { systemd } from './systemd.js';
import { uptime } from './uptime.js';
import { users } from './users.js';
import { volumes } from './volumes.js';
import { windowsDrivers } from './windows-drivers.js';
import { windowsHotfixes } from './windows-hotfixes.js';
import { windowsOs } from './windows-os.js';
import { windowsPrograms } from './windows-programs.js';
import { windowsServices } from './windows-services.js';
import type { Collector } from './types.js';

const all: readonly Collector[] = [
  // Linux
  osRelease, dmi, cpu, memory, volumes, network, dpkg, rpm, apk, snap, flatpak, kernelModules, devices, firmware, systemd, listeningPorts, users, uptime,
  // Windows
  windowsOs, windowsPrograms, windowsHotfixes, windowsDrivers, windowsServices,
  // macOS
  macosSystem, macosApps, macosPkgutil,
];

/** Duplicate ids are a programming error, caught at import time (agent/ cannot use server/registry.ts). */
const ids = new Set<string>();
for (const c of all) {
  if (ids.has(c.id)) throw new Error(`collector registry: duplicate id "${c.id}"`);
  ids.add(c.id);
}

export const collectors = all;
