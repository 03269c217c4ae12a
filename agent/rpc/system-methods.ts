// system.listMethods / methodHelp / methodSignature / multicall over the registry (reference 4.6).
// multicall returns each result bare, as supervisord does (not wrapped in a one-element array).
import { Faults, RpcFault } from './faults.js';
import { signatureOf, type RpcMethod, type RpcRegistry } from './registry.js';
import { isStruct, type XmlRpcValue } from './value.js';
import { strArg } from './params.js';

export function systemMethods(registry: RpcRegistry): RpcMethod[] {
  const help = (name: string): string => {
    const doc = registry.doc(name);
    if (doc === undefined) throw new RpcFault(Faults.SIGNATURE_UNSUPPORTED);
    return doc;
  };
  return [
    { name: 'system.listMethods', doc: `The names of every method, sorted.

        @return array result  An array of method names available (strings).`, handler: () => registry.names() },
    { name: 'system.methodHelp', doc: `The documentation of a method.

        @param string name   The name of the method.
        @return string result The documentation for the method name.`, handler: ([n]) => help(strArg(n)) },
    { name: 'system.methodSignature', doc: `The signature of a method as [returntype, paramtypes...].

        @param string name  The name of the method.
        @return array result  The result.`, handler: ([n]) => {
      const sig = signatureOf(help(strArg(n)));
      if (sig === null) throw new RpcFault(Faults.SIGNATURE_UNSUPPORTED);
      return sig;
    } },
    { name: 'system.multicall', doc: `Run several calls in order in one request; each result is the bare value
        or a {faultCode, faultString} struct. A call that waits completes before the next starts.

        @param array calls  An array of call requests
        @return array result  An array of results`, handler: ([calls]) => multicall(registry, calls ?? null) },
  ];
}

async function multicall(registry: RpcRegistry, calls: XmlRpcValue): Promise<XmlRpcValue> {
  if (!Array.isArray(calls)) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
  const results: XmlRpcValue[] = [];
  for (const call of calls) results.push(await oneCall(registry, call));
  return results;
}

async function oneCall(registry: RpcRegistry, call: XmlRpcValue): Promise<XmlRpcValue> {
  try {
    // supervisord answers a non-struct element with HTTP 500 for the whole request; a fault for
    // that element alone is kinder and loses nothing.
    if (!isStruct(call)) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
    const name = call['methodName'];
    const params = call['params'] ?? [];
    if (name === undefined) throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'No methodName');
    if (name === 'system.multicall') throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'Recursive system.multicall forbidden');
    if (typeof name !== 'string' || !Array.isArray(params)) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
    return await registry.call(name, params);
  } catch (err) {
    if (err instanceof RpcFault) return err.toStruct();
    const e = err instanceof Error ? err : new Error(String(err));
    return { faultCode: Faults.FAILED, faultString: `FAILED: <class '${e.name}'>:${e.message}` };
  }
}
