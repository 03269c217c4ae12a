// Certificates made for a test with openssl in a temp dir: a CA, a server certificate for
// 127.0.0.1/localhost signed by it, an expired one, and a second CA that signed nothing we use;
// on demand, client certificates (clientAuth) signed by either CA.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCerts {
  readonly dir: string;
  readonly caFile: string;
  readonly otherCaFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly expiredCertFile: string;
  read(file: string): Buffer;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`,
    '-days', '2', '-subj', `/CN=${name}`]);
}

function signServer(dir: string, ca: string, name: string, days: string[]): void {
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost']);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${name}.pem`, '-extfile', `${name}.ext`, ...days]);
}

/** A client certificate `name` (CN=name, clientAuth) signed by the CA `ca` of `certs` ('ca' or 'other-ca'). */
export function makeClientCert(certs: TestCerts, ca: 'ca' | 'other-ca', name: string): { certFile: string; keyFile: string } {
  const dir = certs.dir;
  writeFileSync(join(dir, `${name}.ext`), 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${name}.pem`, '-extfile', `${name}.ext`, '-days', '2']);
  return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
}

export function makeCerts(dir: string): TestCerts {
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  signServer(dir, 'ca', 'server', ['-days', '2']);
  // notAfter a day before now (openssl 3.0 takes a negative -days): already expired.
  signServer(dir, 'ca', 'expired', ['-days', '-1']);
  return {
    dir, caFile: join(dir, 'ca.pem'), otherCaFile: join(dir, 'other-ca.pem'), certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'), expiredCertFile: join(dir, 'expired.pem'),
    read: (file) => readFileSync(file),
  };
}
