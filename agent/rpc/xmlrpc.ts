// The XML-RPC wire codec: requests as supervisord parses them, responses and faults byte for
// byte as supervisord (Python's xmlrpc.client) writes them, and the client-side pair.
// Pure (no I/O); imports only agent/rpc value, faults and the codec internals.
//
// Hand-written: template strings encode (xml-encode.ts) and a strict scanner decodes (xml-scan.ts +
// xml-decode.ts), because the xmlrpc package's serializer and sax-based deserializer are slow on a
// 1000-process getAllProcessInfo (bench/codec.ts compares them on the same answer).
// The scanner checks XML 1.0 well-formedness itself (no DOCTYPE, bounded depth), agreeing with
// supervisord's expat-based parser on every mutated request of the differential fuzz tests, so
// one scanner serves both requests and responses.
import { isUtf8 } from 'node:buffer';
import { RpcFault } from './faults.js';
import { PyValueError } from '../python/literals.js';
import type { XmlRpcValue } from './value.js';
import { XmlRpcShapeError, decodeRequestText, decodeResponseText } from './xml-decode.js';
import { XmlRpcEncodeError, encodeFaultText, encodeMethodCallText, encodeResponseText } from './xml-encode.js';
import { XmlSyntaxError } from './xml-scan.js';

export { XmlRpcEncodeError };
export { MAX_VALUE_DEPTH } from './xml-decode.js';

export type XmlRpcRequestErrorReason = 'unmarshallable' | 'no method name';

/** A request body supervisord would answer with 400 (and log as "is invalid: <reason>"). */
export class XmlRpcRequestError extends Error {
  readonly reason: XmlRpcRequestErrorReason;

  constructor(reason: XmlRpcRequestErrorReason, options?: { cause?: unknown }) {
    const detail = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(`XML-RPC request is invalid: ${reason}${detail}`, options);
    this.name = 'XmlRpcRequestError';
    this.reason = reason;
  }
}

/** A response body that is not a well-formed XML-RPC methodResponse. */
export class XmlRpcResponseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XmlRpcResponseError';
  }
}

/** The body as text (a BOM is left for the scanner); null when it is not valid UTF-8. */
function bodyText(body: Buffer): string | null {
  return isUtf8(body) ? body.toString('utf8') : null;
}

function isDecodeFailure(err: unknown): boolean {
  return err instanceof XmlSyntaxError || err instanceof XmlRpcShapeError || err instanceof PyValueError;
}

/** Server side: a methodCall as supervisord reads it (supervisor/xmlrpc.py supervisor_xmlrpc_handler.loads). */
export function decodeMethodCall(body: Buffer): { methodName: string; params: XmlRpcValue[] } {
  const text = bodyText(body);
  if (text === null) throw new XmlRpcRequestError('unmarshallable', { cause: new Error('body is not UTF-8') });
  let call;
  try {
    call = decodeRequestText(text);
  } catch (err) {
    if (isDecodeFailure(err)) throw new XmlRpcRequestError('unmarshallable', { cause: err });
    throw err;
  }
  if (call.methodName === null || call.methodName === '') throw new XmlRpcRequestError('no method name');
  return { methodName: call.methodName, params: call.params ?? [] };
}

/** UTF-8 bytes of a document; a lone surrogate has no UTF-8 form (Python raises there too). */
function utf8(text: string): Buffer {
  if (/\p{Cs}/u.test(text)) throw new XmlRpcEncodeError('cannot encode a string with a lone surrogate as UTF-8');
  return Buffer.from(text, 'utf8');
}

/** A methodResponse carrying one value; throws XmlRpcEncodeError for what Python cannot marshal. */
export function encodeResponse(value: XmlRpcValue): Buffer {
  return utf8(encodeResponseText(value));
}

/** A fault response: faultCode and faultString in a struct, as dumps(Fault(code, string)). */
export function encodeFault(code: number, faultString: string): Buffer {
  return utf8(encodeFaultText(code, faultString));
}

/** Client side: a methodCall as Python's ServerProxy sends it. */
export function encodeMethodCall(methodName: string, params: readonly XmlRpcValue[]): Buffer {
  return utf8(encodeMethodCallText(methodName, params));
}

/** Client side: the single value of a methodResponse; a <fault> throws RpcFault. */
export function decodeResponse(body: Buffer): XmlRpcValue {
  const text = bodyText(body);
  if (text === null) throw new XmlRpcResponseError('response body is not UTF-8');
  try {
    return decodeResponseText(text);
  } catch (err) {
    if (err instanceof RpcFault) throw err;
    if (isDecodeFailure(err)) throw new XmlRpcResponseError(`malformed XML-RPC response: ${(err as Error).message}`, { cause: err });
    throw err;
  }
}
