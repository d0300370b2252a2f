/** Server → PostgreSQL when db.url is postgres:// (the database is the server's state: mandatory). */
import { addressOrHost } from '../endpoint.js';
import type { FlowProvider } from '../types.js';

export const postgres = {
  id: 'postgres',
  flows(config, ctx) {
    if (!/^postgres(ql)?:\/\//.test(config.db.url)) return [];
    const u = new URL(config.db.url);
    const host = u.hostname.replace(/^\[|\]$/g, '') || 'localhost';
    const port = u.port ? Number(u.port) : 5432;
    return [
      {
        id: 'postgres:db',
        provider: 'postgres',
        source: ctx.server,
        destination: { name: { fr: 'Base PostgreSQL', en: 'PostgreSQL database' }, ...addressOrHost(host) },
        ports: [{ proto: 'tcp' as const, port }],
        purpose: { fr: 'Base de données de Vigie', en: 'Vigie database' },
        mandatory: true,
        probe: { kind: 'tcp' as const, host, port },
      },
    ];
  },
} as const satisfies FlowProvider;
