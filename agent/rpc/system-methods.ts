// system.listMethods / methodHelp / methodSignature / multicall over the registry, as
// supervisor/xmlrpc.py SystemNamespaceRPCInterface. multicall returns each result bare, as
// supervisord does (not wrapped in a one-element array).
import { Faults, RpcFault } from './faults.js';
import { signatureOf, type RpcMethod, type RpcRegistry } from './registry.js';
import { isStruct, type XmlRpcValue } from './value.js';
import { PyException, noAttribute, typeError } from './params.js';

export function systemMethods(registry: RpcRegistry): RpcMethod[] {
  // methodHelp/methodSignature compare the name with every method name: anything but a str
  // matches none, so it is SIGNATURE_UNSUPPORTED like an unknown name.
  const help = (name: XmlRpcValue | undefined): string => {
    const doc = typeof name === 'string' ? registry.doc(name) : undefined;
    if (doc === undefined) throw new RpcFault(Faults.SIGNATURE_UNSUPPORTED);
    return doc;
  };
  return [
    { name: 'system.listMethods', doc: `The names of every method, sorted.

        @return array result  An array of method names available (strings).`, handler: () => registry.names() },
    { name: 'system.methodHelp', doc: `The documentation of a method.

        @param string name   The name of the method.
        @return string result The documentation for the method name.`, handler: ([n]) => help(n) },
    { name: 'system.methodSignature', doc: `The signature of a method as [returntype, paramtypes...].

        @param string name  The name of the method.
        @return array result  The result.`, handler: ([n]) => {
      const sig = signatureOf(help(n));
      if (sig === null) throw new RpcFault(Faults.SIGNATURE_UNSUPPORTED);
      return sig;
    } },
    { name: 'system.multicall', doc: `Run several calls in order in one request; each result is the bare value
        or a {faultCode, faultString} struct. A call that waits completes before the next starts.

        @param array calls  An array of call requests
        @return array result  An array of results`, handler: ([calls]) => multicall(registry, calls ?? null) },
  ];
}

/**
 * supervisord's multicall: `calls[:]` then `calls.pop(0)` per call, so an empty str is an empty
 * list of calls, a non-empty str fails on pop (AttributeError) and any other non-list is a
 * TypeError (a dict too: a slice is unhashable in the Python 3.11 supervisord runs on).
 */
async function multicall(registry: RpcRegistry, calls: XmlRpcValue): Promise<XmlRpcValue> {
  if (calls === '') return [];
  if (typeof calls === 'string') throw noAttribute(calls, 'pop');
  if (!Array.isArray(calls)) throw typeError();
  const results: XmlRpcValue[] = [];
  for (const call of calls) results.push(await oneCall(registry, call));
  return results;
}

/** One element: its result, or its fault as a struct, Python exceptions as FAILED: <class '...'>:message. */
async function oneCall(registry: RpcRegistry, call: XmlRpcValue): Promise<XmlRpcValue> {
  try {
    // supervisord answers a non-struct element with HTTP 500 for the whole request (call.get
    // raises AttributeError); a fault for that element alone is kinder and loses nothing.
    if (!isStruct(call)) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
    const name = Object.hasOwn(call, 'methodName') ? call['methodName'] as XmlRpcValue : null;
    const params = Object.hasOwn(call, 'params') ? call['params'] as XmlRpcValue : [];
    if (name === null) throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'No methodName');
    if (name === 'system.multicall') throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'Recursive system.multicall forbidden');
    return await registry.invoke(name, params);
  } catch (err) {
    if (err instanceof RpcFault) return err.toStruct();
    if (err instanceof PyException) return { faultCode: Faults.FAILED, faultString: `FAILED: <class '${err.pyClass}'>:${err.message}` };
    const e = err instanceof Error ? err : new Error(String(err));
    return { faultCode: Faults.FAILED, faultString: `FAILED: <class '${e.name}'>:${e.message}` };
  }
}
