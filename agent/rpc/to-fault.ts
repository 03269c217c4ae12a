// The one place where domain errors of the core become wire faults: config, process and log
// code throw their own errors and know no fault codes.
import { ConfigError } from '../config/errors.js';
import { LogReadError } from '../logging/read.js';
import { ProcessError } from '../process/errors.js';
import { Faults, RpcFault } from './faults.js';

/** The fault for a domain error, or null when the error is not one (a bug: HTTP 500). */
export function toFault(err: unknown): RpcFault | null {
  if (err instanceof RpcFault) return err;
  if (err instanceof ProcessError) {
    switch (err.kind) {
      case 'NotFound': return new RpcFault(Faults.NO_FILE, err.message, { cause: err });
      case 'BadCommand':
      case 'NotExecutable':
      case 'NoPermission': return new RpcFault(Faults.NOT_EXECUTABLE, err.message, { cause: err });
      default: return null;
    }
  }
  if (err instanceof ConfigError) return new RpcFault(Faults.CANT_REREAD, err.message, { cause: err });
  if (err instanceof LogReadError) return new RpcFault(Faults[err.kind], err.kind === 'NO_FILE' ? err.path : null, { cause: err });
  return null;
}
