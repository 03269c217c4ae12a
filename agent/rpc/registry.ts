// The explicit method table: every callable name with its documentation, from which
// methodSignature and the arity check are derived. No reflective lookup, so a name that is not in
// the table can never reach code (a dotted name walked through attributes could reach any object).
import { Faults, RpcFault } from './faults.js';
import { PyException, noAttribute, typeError } from './params.js';
import { isStruct, type XmlRpcValue } from './value.js';

export interface RpcMethod {
  /** `namespace.method`, exactly as on the wire. */
  readonly name: string;
  /** methodHelp text; its `@param type name` and `@return type name` lines are the signature. */
  readonly doc: string;
  /** How many trailing @params may be omitted (supervisord's `wait=True` defaults). */
  readonly optional?: number;
  readonly handler: (args: readonly XmlRpcValue[]) => XmlRpcValue | Promise<XmlRpcValue>;
}

interface DocTag { readonly tag: string; readonly type: string }

/** The @tags of a doc text, in order, as supervisord's gettags reads them (first word after @ is the tag). */
export function docTags(doc: string): DocTag[] {
  const tags: DocTag[] = [];
  for (const raw of doc.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('@')) continue;
    const parts = line.split(/\s+/);
    tags.push({ tag: (parts[0] ?? '@').slice(1), type: parts[1] ?? '' });
  }
  return tags;
}

/** [returntype, paramtypes...] or null when the doc has no @return. */
export function signatureOf(doc: string): string[] | null {
  let ret: string | null = null;
  const params: string[] = [];
  for (const t of docTags(doc)) {
    if (t.tag === 'return') ret = t.type;
    else if (t.tag === 'param') params.push(t.type);
  }
  return ret === null ? null : [ret, ...params];
}

export class RpcRegistry {
  readonly #methods = new Map<string, RpcMethod & { readonly arity: readonly [number, number] }>();

  add(methods: readonly RpcMethod[]): this {
    for (const m of methods) {
      const count = docTags(m.doc).filter((t) => t.tag === 'param').length;
      this.#methods.set(m.name, { ...m, arity: [count - (m.optional ?? 0), count] });
    }
    return this;
  }

  /**
   * system.listMethods: sorted, aliases included, our own fleetvisor.* namespace left out so stock
   * clients see exactly supervisord's list (fleetvisor.listMethods lists everything).
   */
  names(opts: { all?: boolean } = {}): string[] {
    return [...this.#methods.keys()].filter((n) => opts.all === true || !n.startsWith('fleetvisor.')).sort();
  }

  doc(name: string): string | undefined {
    return this.#methods.get(name)?.doc;
  }

  /**
   * A call of the request itself. A Python exception supervisord's method would let escape (it
   * answers HTTP 500 then) is INCORRECT_PARAMETERS here, a fault the client can read.
   * Rejects with RpcFault or the handler's error.
   */
  async call(methodName: string, params: readonly XmlRpcValue[]): Promise<XmlRpcValue> {
    try {
      return await this.invoke(methodName, params);
    } catch (err) {
      if (err instanceof PyException) throw new RpcFault(Faults.INCORRECT_PARAMETERS, null, { cause: err });
      throw err;
    }
  }

  /**
   * supervisord's traverse() (xmlrpc.py): the name must be a str of exactly two dotted parts, no
   * leading underscore, a known method; then func(*params), so params may be any iterable (a str
   * gives its characters, a struct its keys) and a wrong number of them is INCORRECT_PARAMETERS.
   * Rejects with RpcFault, PyException (what supervisord's multicall reports as FAILED) or the
   * handler's error.
   */
  async invoke(methodName: XmlRpcValue, params: XmlRpcValue | readonly XmlRpcValue[]): Promise<XmlRpcValue> {
    if (typeof methodName !== 'string') throw noAttribute(methodName, 'split');
    const parts = methodName.split('.');
    if (parts.length !== 2 || (parts[1] ?? '').startsWith('_')) throw new RpcFault(Faults.UNKNOWN_METHOD);
    const method = this.#methods.get(methodName);
    if (method === undefined) throw new RpcFault(Faults.UNKNOWN_METHOD);
    const args = spread(params);
    const [min, max] = method.arity;
    if (args.length < min || args.length > max) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
    return await method.handler(args);
  }
}

/** Python's `*params`: a list as it is, a str as its characters, a dict as its keys; else TypeError. */
function spread(params: XmlRpcValue | readonly XmlRpcValue[]): readonly XmlRpcValue[] {
  if (isList(params)) return params;
  if (typeof params === 'string') return [...params];
  if (Buffer.isBuffer(params)) return [...params.toString('utf8')];
  if (isStruct(params)) return Object.keys(params);
  throw typeError();
}

function isList(v: XmlRpcValue | readonly XmlRpcValue[]): v is readonly XmlRpcValue[] {
  return Array.isArray(v);
}
