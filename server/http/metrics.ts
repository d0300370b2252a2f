/** Prometheus metrics of the server (prom-client), one registry per app so tests stay independent. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    received: new Counter({ name: 'vigie_agent_messages_total', help: 'Agent messages received, by protocol, query and outcome', labelNames: ['protocol', 'query', 'outcome'], registers: [registry] }),
    rejected: new Counter({ name: 'vigie_inventories_rejected_total', help: 'Agent payloads rejected, by reason code', labelNames: ['reason'], registers: [registry] }),
    ingestSeconds: new Histogram({
      name: 'vigie_ingest_duration_seconds', help: 'Time from body received to inventory committed', labelNames: ['protocol'],
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    }),
    inFlight: new Gauge({ name: 'vigie_ingest_queue_depth', help: 'Inventories being parsed or written right now', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
