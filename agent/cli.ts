/**
 * The `agent` command line, shared by `vigie agent` (server/cli/commands/agent.ts) and the standalone bundle
 * (agent/main.ts): options, then one of --check, --json, --local, --daemon, --once (the default).
 */
import type { Command } from 'commander';
import { loadAgentConfig } from './config.js';
import { collect, openSession, runCheck, runDaemon, runLocal, runOnce } from './run.js';

export interface AgentCliOptions {
  server?: string;
  once?: boolean;
  daemon?: boolean;
  local?: string;
  tag?: string;
  ca?: string;
  pin?: string;
  user?: string;
  password?: string;
  proxy?: string;
  json?: boolean;
  check?: boolean;
  force?: boolean;
  lazy?: boolean;
  config?: string;
  stateDir?: string;
}

export function defineAgentCommand(cmd: Command): Command {
  return cmd
    .description('inventory this machine and send it to a Vigie or OCS server (OCS protocol)')
    .option('--server <url>', 'server URL (https://fqdn/ocsinventory; a bare host means http://HOST/ocsinventory)')
    .option('--once', 'one PROLOG/INVENTORY exchange, then exit (default)')
    .option('--daemon', 'stay running, inventory on the PROLOG_FREQ schedule (jittered), retry with backoff')
    .option('--local <file|dir>', 'write the OCS XML inventory to a file, or <DEVICEID>.ocs in a folder; no server')
    .option('--json', 'print the canonical inventory (JSON) on stdout; no server')
    .option('--check', 'check DNS, TCP, TLS and PROLOG against the server and say which step fails')
    .option('--tag <tag>', 'TAG sent until the server assigns one')
    .option('--ca <file>', 'PEM CA file to verify the server certificate')
    .option('--pin <sha256>', "pin the server certificate's SHA-256 fingerprint")
    .option('--user <user>', 'HTTP Basic user')
    .option('--password <password>', 'HTTP Basic password')
    .option('--proxy <url>', 'HTTP proxy (http://[user:pass@]host:port)')
    .option('--force', 'send the inventory even when PROLOG answers STOP')
    .option('--lazy', 'with --once: do nothing until PROLOG_FREQ hours have passed since the last inventory')
    .option('--state-dir <dir>', 'state directory (DEVICEID, ACCOUNTINFO, spool)')
    .option('--config <file>', 'agent configuration file (default /etc/vigie/agent.yaml when present)')
    .action(agentAction);
}

export async function agentAction(o: AgentCliOptions): Promise<void> {
  const config = await loadAgentConfig(o.config ?? null, {
    server: o.server, tag: o.tag, ca: o.ca, pinSha256: o.pin, user: o.user, password: o.password, proxy: o.proxy, stateDir: o.stateDir,
  });
  const s = openSession(config);
  if (o.check) {
    const steps = await runCheck(s);
    for (const st of steps) console.log(`${st.ok ? 'ok  ' : 'FAIL'} ${st.step.padEnd(6)} ${st.detail}`);
    if (!steps.every((st) => st.ok)) process.exitCode = 1;
    return;
  }
  if (o.json) {
    process.stdout.write(JSON.stringify(await collect(s), null, 2) + '\n');
    return;
  }
  if (o.local) {
    const file = await runLocal(s, o.local);
    console.error(`inventory written to ${file}`);
    return;
  }
  if (o.daemon) {
    const ac = new AbortController();
    process.once('SIGTERM', () => ac.abort());
    process.once('SIGINT', () => ac.abort());
    await runDaemon(s, ac.signal);
    return;
  }
  const r = await runOnce(s, { force: o.force, lazy: o.lazy });
  if (r.outcome === 'spooled' || r.outcome === 'refused') process.exitCode = 1;
}
