// One [node:NAME] section or [[nodes]] entry: where the node is (url, or cesi's host and port), its
// credentials, its CA bundle and the environments it names for itself.

import type { RawSection } from './raw.js';
import { nodeUrlFromHost, normaliseNodeUrl } from './node-url.js';
import { SectionValues, integerIn, list, optionalText, readableFile, requiredText } from './values.js';

const KEYS = ['host', 'port', 'username', 'password', 'url', 'tls_ca', 'environment'];

export interface NodeDraft {
  readonly name: string;
  readonly label: string;
  readonly url: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly tlsCa: string | null;
  /** The environments the node's own `environment` key names, as written (names not yet checked). */
  readonly environments: readonly string[];
}

export function readNode(section: RawSection, file: string, dir: string): NodeDraft {
  const values = new SectionValues(file, section, KEYS);
  const url = address(values);
  const ca = values.get('tls_ca');
  const tlsCa = optionalText(ca) === null || ca === undefined ? null : readableFile(ca, dir);
  if (ca !== undefined && tlsCa !== null && !url.startsWith('https://')) {
    ca.fail(`tls_ca needs an https url (this node's url is ${url})`);
  }
  const environment = values.get('environment');
  return {
    name: section.name,
    label: section.label,
    url,
    username: optionalText(values.get('username')),
    password: optionalText(values.get('password')),
    tlsCa,
    environments: environment === undefined ? [] : list(environment),
  };
}

function address(values: SectionValues): string {
  const url = values.get('url');
  const host = values.get('host');
  const port = values.get('port');
  if (url !== undefined) {
    if (host !== undefined) return values.fail('a node has url, or host and port, not both', 'host');
    if (port !== undefined) return port.fail('port goes with host; with url, write the port in the url');
    return normaliseNodeUrl(requiredText(url), (message) => url.fail(message));
  }
  if (host === undefined) return values.fail('a node needs url, or host and port');
  if (port === undefined) return host.fail('host needs port (an integer from 1 to 65535)');
  return nodeUrlFromHost(
    requiredText(host),
    integerIn(port, 1, 65535),
    (message) => host.fail(message),
    (message) => port.fail(message),
  );
}
