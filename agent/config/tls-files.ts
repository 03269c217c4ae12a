// [inet_http_server] tls_cert / tls_key / tls_client_ca (ours; supervisord 4.2.5 ignores them): the
// PEM files are read at load and checked with node's crypto and TLS context, so a bad one is a
// ValueError (a ConfigError once located) before anything starts. Imports node:crypto/fs/tls only.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ValueError } from './errors.js';

/** "ENOENT: no such file or directory" out of node's "ENOENT: no such file or directory, open '/x'". */
function ioReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/, \w+ '.*'$/s, '');
}

function opensslReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // "error:0480006C:PEM routines::no start line" -> "PEM routines: no start line"
  return message.replace(/^error:[0-9A-Fa-f]+:/, '').replace(/::/, ': ');
}

/** The text of a PEM file named by `key`; the file is read now, as a whole. */
export function readPemFile(key: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ValueError(`could not read ${key} file ${path} (${ioReason(err)})`);
  }
  if (!text.includes('-----BEGIN ')) throw new ValueError(`${key} file ${path} is not a PEM file`);
  return text;
}

/** The first certificate of a PEM file (a chain or a CA bundle may hold more). */
export function pemCertificate(key: string, path: string, text: string): X509Certificate {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new ValueError(`${key} file ${path} holds no PEM certificate`);
  try {
    return new X509Certificate(text);
  } catch (err) {
    throw new ValueError(`${key} file ${path} holds no certificate node can load (${opensslReason(err)})`);
  }
}

export function pemPrivateKey(key: string, path: string, text: string): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: *4, *ENCRYPTED/.test(text)) {
    throw new ValueError(`${key} file ${path} holds an encrypted private key (a key without a passphrase is needed)`);
  }
  try {
    return createPrivateKey(text);
  } catch (err) {
    throw new ValueError(`${key} file ${path} holds no private key node can load (${opensslReason(err)})`);
  }
}

/** The key must be the certificate's, and node's TLS must take both (what the server will do). */
export function checkKeyPair(certFile: string, cert: string, keyFile: string, key: string): void {
  const x509 = pemCertificate('tls_cert', certFile, cert);
  const keyObject = pemPrivateKey('tls_key', keyFile, key);
  if (!x509.checkPrivateKey(keyObject)) {
    throw new ValueError(`tls_key file ${keyFile} is not the private key of the certificate in ${certFile}`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ValueError(`tls_cert ${certFile} and tls_key ${keyFile} cannot serve TLS (${opensslReason(err)})`);
  }
}

/** A warning when the certificate is outside its validity period now (clients will refuse it). */
export function validityWarning(certFile: string, cert: string, now: number = Date.now()): string | null {
  const x509 = new X509Certificate(cert);
  const from = Date.parse(x509.validFrom);
  const to = Date.parse(x509.validTo);
  if (Number.isFinite(to) && to < now) return `tls_cert ${certFile} expired on ${x509.validTo}: TLS clients will refuse it`;
  if (Number.isFinite(from) && from > now) return `tls_cert ${certFile} is not valid before ${x509.validFrom}: TLS clients will refuse it`;
  return null;
}
