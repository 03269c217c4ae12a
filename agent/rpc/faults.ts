// supervisord's XML-RPC fault table (xmlrpc.py Faults) and RpcFault, the only wire error.
// Fault codes exist here and nowhere else in the project; only agent/rpc constructs RpcFault.

export const Faults = Object.freeze({
  /** The method name is unknown, malformed, or names a private method. */
  UNKNOWN_METHOD: 1,
  /** Wrong number or type of parameters; also multicall misuse. */
  INCORRECT_PARAMETERS: 2,
  /** A log read with a negative length, or a negative offset with a non-zero length. */
  BAD_ARGUMENTS: 3,
  /** methodHelp/methodSignature of a method without a signature. */
  SIGNATURE_UNSUPPORTED: 4,
  /** The daemon is shutting down or restarting. */
  SHUTDOWN_STATE: 6,
  /** No such process or group. */
  BAD_NAME: 10,
  /** The signal name or number is not valid. */
  BAD_SIGNAL: 11,
  /** The command or log file does not exist, or stdin is closed. */
  NO_FILE: 20,
  /** The command cannot be executed. */
  NOT_EXECUTABLE: 21,
  /** An operation failed for another reason (kill errors, read errors, unknown state). */
  FAILED: 30,
  /** The process left STARTING without reaching RUNNING and without a spawn error. */
  ABNORMAL_TERMINATION: 40,
  /** The spawn failed or the process exited too quickly. */
  SPAWN_ERROR: 50,
  /** The process is already starting, running or backing off. */
  ALREADY_STARTED: 60,
  /** The process is not running. */
  NOT_RUNNING: 70,
  /** Not a fault: the status of a successful entry in a result array. */
  SUCCESS: 80,
  /** addProcessGroup of a group that is active. */
  ALREADY_ADDED: 90,
  /** removeProcessGroup of a group with a process not stopped. */
  STILL_RUNNING: 91,
  /** reloadConfig could not parse the config file. */
  CANT_REREAD: 92,
} as const);

export type FaultName = keyof typeof Faults;
export type FaultCode = (typeof Faults)[FaultName];

const names = new Map<number, FaultName>(
  (Object.entries(Faults) as [FaultName, FaultCode][]).map(([n, c]) => [c, n]),
);

/** supervisord's getFaultDescription: the name of a code, or 'UNKNOWN'. */
export function faultName(code: number): FaultName | 'UNKNOWN' {
  return names.get(code) ?? 'UNKNOWN';
}

/** A fault as it travels: faultString is `NAME` or `NAME: extra`, as supervisord's RPCError. */
export class RpcFault extends Error {
  readonly code: number;
  readonly faultString: string;

  constructor(code: number, extra?: string | null, options?: { cause?: unknown }) {
    const faultString = extra === undefined || extra === null ? faultName(code) : `${faultName(code)}: ${extra}`;
    super(faultString, options);
    this.name = 'RpcFault';
    this.code = code;
    this.faultString = faultString;
  }

  /** A fault received from a server, whose string is taken as is. */
  static fromWire(code: number, faultString: string): RpcFault {
    const f = new RpcFault(code);
    Object.defineProperty(f, 'faultString', { value: faultString });
    f.message = faultString;
    return f;
  }

  toStruct(): { faultCode: number; faultString: string } {
    return { faultCode: this.code, faultString: this.faultString };
  }
}

export function isRpcFault(err: unknown): err is RpcFault {
  return err instanceof RpcFault;
}
