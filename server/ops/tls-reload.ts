/**
 * TLS certificate/key reload on SIGHUP: renewed certificates (ACME, internal PKI) take effect without a
 * restart, so agents never see a refused connection. The new pair is validated (createSecureContext) before
 * it replaces the old one; a bad pair is logged and the old one kept.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

interface Log {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TlsFiles {
  tlsCert: string;
  tlsKey: string;
}

/** Re-reads the files and swaps the server's context. Returns whether it did. */
export function reloadTls(server: { setSecureContext(o: tls.SecureContextOptions): void }, files: TlsFiles, log: Log): boolean {
  try {
    const options = { cert: readFileSync(files.tlsCert), key: readFileSync(files.tlsKey) };
    tls.createSecureContext(options); // throws on a key that does not match the certificate
    server.setSecureContext(options);
    const x509 = new X509Certificate(options.cert);
    log.info({ cert: files.tlsCert, subject: x509.subject, validTo: x509.validTo, fingerprint256: x509.fingerprint256 }, 'TLS certificate reloaded');
    return true;
  } catch (err) {
    log.error({ err, cert: files.tlsCert, key: files.tlsKey }, 'TLS reload failed: keeping the previous certificate');
    return false;
  }
}

/** Installs the SIGHUP handler; returns its remover (tests, shutdown). */
export function reloadTlsOnSighup(server: { setSecureContext(o: tls.SecureContextOptions): void }, files: TlsFiles, log: Log): () => void {
  const onHup = () => void reloadTls(server, files, log);
  process.on('SIGHUP', onHup);
  return () => process.off('SIGHUP', onHup);
}
