// Sorts a failed call to a node into a cause an operator can act on (cesi showed only "not
// connected"): refused, timed out, wrong credentials, not a supervisor, no supervisor interface,
// bad response, TLS, DNS. The message is the transport's, which never holds credentials.
import { RpcTransportError } from '../../agent/rpc/client.js';
import { Faults, RpcFault } from '../../agent/rpc/faults.js';
import { WireShapeError } from '../../agent/rpc/wire-types.js';
import type { NodeFailure } from './types.js';

export function classifyFailure(err: unknown): NodeFailure {
  if (err instanceof RpcTransportError) {
    switch (err.kind) {
      case 'refused': return { kind: 'refused', message: err.message };
      case 'nofile': return { kind: 'nofile', message: err.message };
      case 'timeout': return { kind: 'timeout', message: err.message };
      case 'tls': return { kind: 'tls', message: err.message };
      case 'dns': return { kind: 'dns', message: err.message };
      case 'http': return { kind: err.status === 401 ? 'auth' : 'not_supervisor', message: err.message };
      case 'protocol': return { kind: 'not_supervisor', message: err.message };
      case 'io': return { kind: 'io', message: err.message };
    }
  }
  if (err instanceof RpcFault) {
    if (err.code === Faults.UNKNOWN_METHOD) {
      return { kind: 'no_rpcinterface', message: `${err.faultString}: the node has no [rpcinterface:supervisor] section` };
    }
    if (err.code === Faults.SHUTDOWN_STATE) return { kind: 'shutting_down', message: err.faultString };
    return { kind: 'bad_response', message: err.faultString };
  }
  if (err instanceof WireShapeError) return { kind: 'bad_response', message: err.message };
  return { kind: 'io', message: err instanceof Error ? err.message : String(err) };
}
