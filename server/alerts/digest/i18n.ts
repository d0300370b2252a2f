/** Digest and alert wording in French and English; one object per language, same keys (checked by the type). */
const en = {
  subject: (date: string, crit: number, kev: number, newCves: number) => `Vigie digest ${date}: ${newCves} new CVE(s), ${crit} critical open, ${kev} KEV in fleet`,
  heartbeatQuiet: 'Nothing new since the previous digest. This message is the heartbeat: if it stops coming, Vigie is not running.',
  heartbeat: 'Heartbeat: this digest goes out every day, even when nothing changed.',
  period: 'Period', generated: 'generated',
  fleet: 'Fleet', assets: 'Assets', active: 'active', stale: 'stale (not seen for {d} days)', blocked: 'blocked',
  byKind: 'By kind', byOs: 'By operating system',
  newAssets: 'New assets', disappeared: 'Disappeared (went stale in the period)', staleAssets: 'Longest unseen',
  failedInventories: 'Agents whose inventories failed', failures: 'failures', lastSeen: 'last seen', firstSeen: 'first seen',
  vulns: 'Vulnerabilities', openBySeverity: 'Open by severity', findings: 'findings', cves: 'CVEs',
  newCves: 'New since the previous digest', fixedCves: 'Fixed since the previous digest',
  topAssets: 'Top assets by risk', topCves: 'Top CVEs by affected assets', kevInFleet: 'Known exploited (CISA KEV) in the fleet',
  due: 'due', overdue: 'OVERDUE', affected: 'assets', fixedOn: 'assets fixed', risk: 'risk', open: 'open', critical: 'critical',
  kb: 'Knowledge base freshness', kbMissing: 'No knowledge-base source has been synchronised yet.', kbStale: 'STALE', lastSync: 'last successful sync', never: 'never',
  trend: 'Open findings, last 30 days', trendLegend: 'critical · high · other; scale 0 to {max}',
  none: 'none', more: '… and {n} more', severity: { critical: 'critical', high: 'high', medium: 'medium', low: 'low', none: 'none', unknown: 'unscored' } as Record<string, string>,
  alertSubject: (n: number, first: string) => (n === 1 ? `Vigie alert: ${first}` : `Vigie: ${n} alerts (${first}, …)`),
  raised: 'raised', resolved: 'resolved',
  testSubject: 'Vigie test message', testBody: 'This is a test message from Vigie: the channel works.',
};
type Strings = typeof en;

const fr: Strings = {
  subject: (date, crit, kev, newCves) => `Vigie – synthèse du ${date} : ${newCves} nouvelle(s) CVE, ${crit} critique(s) ouverte(s), ${kev} KEV dans le parc`,
  heartbeatQuiet: 'Rien de nouveau depuis la synthèse précédente. Ce message sert de battement de cœur : s’il n’arrive plus, Vigie ne tourne plus.',
  heartbeat: 'Battement de cœur : cette synthèse part chaque jour, même quand rien n’a changé.',
  period: 'Période', generated: 'générée le',
  fleet: 'Parc', assets: 'Équipements', active: 'actifs', stale: 'muets (pas vus depuis {d} jours)', blocked: 'bloqués',
  byKind: 'Par type', byOs: 'Par système',
  newAssets: 'Nouveaux équipements', disappeared: 'Disparus (devenus muets sur la période)', staleAssets: 'Muets depuis le plus longtemps',
  failedInventories: 'Agents dont l’inventaire a échoué', failures: 'échecs', lastSeen: 'vu le', firstSeen: 'apparu le',
  vulns: 'Vulnérabilités', openBySeverity: 'Ouvertes par sévérité', findings: 'constats', cves: 'CVE',
  newCves: 'Nouvelles depuis la synthèse précédente', fixedCves: 'Corrigées depuis la synthèse précédente',
  topAssets: 'Équipements les plus exposés', topCves: 'CVE touchant le plus d’équipements', kevInFleet: 'Exploitées (CISA KEV) présentes dans le parc',
  due: 'échéance', overdue: 'DÉPASSÉE', affected: 'équipements', fixedOn: 'équipements corrigés', risk: 'risque', open: 'ouvertes', critical: 'critiques',
  kb: 'Fraîcheur de la base de connaissances', kbMissing: 'Aucune source de la base de connaissances n’a encore été synchronisée.', kbStale: 'PÉRIMÉE', lastSync: 'dernière synchro réussie', never: 'jamais',
  trend: 'Constats ouverts, 30 derniers jours', trendLegend: 'critiques · élevées · autres ; échelle de 0 à {max}',
  none: 'aucun', more: '… et {n} de plus', severity: { critical: 'critique', high: 'élevée', medium: 'moyenne', low: 'faible', none: 'nulle', unknown: 'non notée' },
  alertSubject: (n, first) => (n === 1 ? `Alerte Vigie : ${first}` : `Vigie : ${n} alertes (${first}, …)`),
  raised: 'déclenchée', resolved: 'résolue',
  testSubject: 'Vigie – message de test', testBody: 'Ceci est un message de test de Vigie : le canal fonctionne.',
};

export const strings = { en, fr } as const;
export type Lang = keyof typeof strings;
export type { Strings };
