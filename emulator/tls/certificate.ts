import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** A self-signed server certificate; the certificate is its own CA for clients (`customCaCert`). */
export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** A file holding certPem, for NODE_EXTRA_CA_CERTS or a connector's CA option. */
  readonly certFile: string;
}

/**
 * Makes a fresh certificate at start, valid for localhost, 127.0.0.1, ::1 and `hostname` (so a
 * client can use a workspace-like name through a proxy or a hosts entry). Nothing is persisted
 * across runs except the temporary PEM file.
 */
export async function makeServerCertificate(hostname?: string): Promise<ServerCertificate> {
  const names = ['localhost', ...(hostname && hostname !== 'localhost' && !isIp(hostname) ? [hostname] : [])];
  const ips = ['127.0.0.1', '::1', ...(hostname && isIp(hostname) && hostname !== '127.0.0.1' ? [hostname] : [])];
  const pems = await generate([{ name: 'commonName', value: hostname ?? 'localhost' }], {
    // EC keys make certificate generation and TLS handshakes cheaper than RSA.
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'databricks-emulator-'));
  const certFile = join(dir, 'ca-cert.pem');
  writeFileSync(certFile, pems.cert);
  return { certPem: pems.cert, keyPem: pems.private, certFile };
}

function isIp(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}
