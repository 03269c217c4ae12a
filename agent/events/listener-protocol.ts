// The event listener protocol of one spawn of one [eventlistener:x] process
// (supervisor/dispatchers.py PEventListenerDispatcher) as a pure, incremental state machine over
// its stdout bytes; the envelope (supervisor/process.py EventListenerPool._eventEnvelope); the
// default result handler (supervisor/dispatchers.py default_handler). No I/O: the pool applies
// the effects. Imports only state codes and payload helpers.
import { ListenerState, type ListenerStateCode } from '../process/states.js';
import { decodeEventData, payloadLength } from './types.js';

const READY_TOKEN = Buffer.from('READY\n');
/** supervisord slices the result line after len('RESULT ') and never checks the word itself. */
const RESULT_TOKEN_START_LEN = 7;
const OK = Buffer.from('OK');
const EMPTY = Buffer.alloc(0);

/**
 * Deliberate bounds (supervisord has none and would buffer without limit): a result line longer
 * than this, or a `RESULT <n>` above MAX_RESULT_LENGTH, is a protocol violation (-> UNKNOWN, the
 * event is rejected). Real listeners answer `RESULT 2\nOK` or `RESULT 4\nFAIL`; only the default
 * handler runs here and it accepts exactly `OK`, so no legitimate answer comes near either bound.
 * A listener can therefore never make the daemon hold more than about 1 MiB on its behalf.
 */
export const MAX_RESULT_LINE = 1024;
export const MAX_RESULT_LENGTH = 1024 * 1024;

export const DEFAULT_RESULT_HANDLER_SPEC = 'supervisor.dispatchers:default_handler';

/** A result handler's verdict; a handler that throws is supervisord's "event caused an error". */
export type ResultVerdict = 'accepted' | 'rejected';
export type ResultHandler = (body: Buffer) => ResultVerdict;

/** supervisor.dispatchers:default_handler: exactly `OK` accepts, anything else rejects. */
export function defaultResultHandler(body: Buffer): ResultVerdict {
  return body.equals(OK) ? 'accepted' : 'rejected';
}

/** What the pool must do, in this order. `done` ends the in-flight event (rejected: rebuffer it). */
export type ProtocolEffect =
  | { readonly kind: 'log'; readonly level: 'debug' | 'warn'; readonly text: string }
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly accepted: boolean };

const STATE_NAMES: Readonly<Record<ListenerStateCode, string>> = {
  [ListenerState.READY]: 'READY',
  [ListenerState.BUSY]: 'BUSY',
  [ListenerState.ACKNOWLEDGED]: 'ACKNOWLEDGED',
  [ListenerState.UNKNOWN]: 'UNKNOWN',
};

export function listenerStateName(code: ListenerStateCode): string {
  return STATE_NAMES[code];
}

/** Python's int() on the bytes after `RESULT `: ASCII blanks around, a sign, digits with single underscores. */
export function parseResultLength(text: Buffer): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?\d(?:_?\d)*)[ \t\n\v\f\r]*$/.exec(text.toString('latin1'));
  return m ? Number((m[1] as string).replace(/_/g, '')) : null;
}

/**
 * One spawn's listener state. Starts ACKNOWLEDGED; `READY\n` -> READY; the pool's send -> BUSY;
 * `RESULT <n>\n` + n bytes -> the handler -> ACKNOWLEDGED; any violation -> UNKNOWN, which is
 * terminal (later output is ignored). Bytes may arrive in any fragmentation; what is held between
 * chunks is at most a partial token or result line (bounded) plus a bounded result body.
 */
export class ListenerProtocol {
  readonly name: string;
  readonly #handler: ResultHandler;
  #state: ListenerStateCode = ListenerState.ACKNOWLEDGED;
  #pending: Buffer = EMPTY;
  #resultLength: number | null = null;
  #body: Buffer[] = [];
  #bodyLength = 0;

  constructor(name: string, handler: ResultHandler = defaultResultHandler) {
    this.name = name;
    this.#handler = handler;
  }

  get state(): ListenerStateCode { return this.#state; }

  /** The pool wrote an event to the listener: READY -> BUSY (supervisord logs nothing here). */
  sent(): void {
    if (this.#state !== ListenerState.READY) throw new Error(`listener ${this.name} sent an event while not READY`);
    this.#state = ListenerState.BUSY;
  }

  /**
   * The write of that event failed before the listener could read it (a broken pipe reported
   * after the write): back to READY, as supervisord never left READY when its write raised EPIPE.
   */
  unsent(): boolean {
    if (this.#state !== ListenerState.BUSY || this.#resultLength !== null || this.#pending.length > 0) return false;
    this.#state = ListenerState.READY;
    return true;
  }

  /** Bytes from the listener's stdout. */
  feed(chunk: Buffer): ProtocolEffect[] {
    const out: ProtocolEffect[] = [];
    if (this.#state === ListenerState.UNKNOWN || chunk.length === 0) return out;
    const data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = EMPTY;
    let off = 0;
    while (off < data.length && !this.#isUnknown()) {
      const rest = data.length - off;
      if (this.#state === ListenerState.ACKNOWLEDGED) {
        // supervisord decides only once it holds len('READY\n') bytes.
        if (rest < READY_TOKEN.length) {
          this.#pending = Buffer.from(data.subarray(off));
          break;
        }
        if (data.subarray(off, off + READY_TOKEN.length).equals(READY_TOKEN)) {
          off += READY_TOKEN.length;
          this.#change(ListenerState.READY, out);
          out.push({ kind: 'ready' });
        } else {
          this.#change(ListenerState.UNKNOWN, out);
        }
      } else if (this.#state === ListenerState.READY) {
        // Output nobody asked for: supervisord is strict about it.
        this.#change(ListenerState.UNKNOWN, out);
      } else if (this.#resultLength === null) {
        off = this.#readResultLine(data, off, out);
      } else {
        const take = Math.min(this.#resultLength - this.#bodyLength, rest);
        this.#body.push(Buffer.from(data.subarray(off, off + take)));
        this.#bodyLength += take;
        off += take;
        if (this.#bodyLength === this.#resultLength) this.#finishResult(out);
      }
    }
    return out;
  }

  /** A method, not a comparison, so the loop re-reads the state the steps change. */
  #isUnknown(): boolean { return this.#state === ListenerState.UNKNOWN; }

  /** BUSY without a length yet: parse `RESULT <n>` up to its newline; returns the new offset. */
  #readResultLine(data: Buffer, off: number, out: ProtocolEffect[]): number {
    const nl = data.indexOf(0x0a, off);
    const lineLength = (nl === -1 ? data.length : nl) - off;
    if (lineLength > MAX_RESULT_LINE) {
      out.push({ kind: 'log', level: 'warn', text: `${this.name}: result line is longer than ${MAX_RESULT_LINE} bytes` });
      this.#violation(out);
      return data.length;
    }
    if (nl === -1) {
      this.#pending = Buffer.from(data.subarray(off));
      return data.length;
    }
    const line = data.subarray(off, nl);
    const n = parseResultLength(line.subarray(RESULT_TOKEN_START_LEN));
    // A negative length would wedge supervisord forever (its byte count never reaches n): refused.
    if (n === null || n < 0) {
      out.push({ kind: 'log', level: 'warn', text: `${this.name}: bad result line: '${decodeEventData(line)}'` });
      this.#violation(out);
      return data.length;
    }
    if (n > MAX_RESULT_LENGTH) {
      out.push({ kind: 'log', level: 'warn', text: `${this.name}: result length ${n} is more than ${MAX_RESULT_LENGTH} bytes` });
      this.#violation(out);
      return data.length;
    }
    this.#resultLength = n;
    // `RESULT 0\n` completes at once (supervisord only notices it when more output arrives).
    if (n === 0) this.#finishResult(out);
    return nl + 1;
  }

  #finishResult(out: ProtocolEffect[]): void {
    const body = Buffer.concat(this.#body, this.#bodyLength);
    this.#resultLength = null;
    this.#body = [];
    this.#bodyLength = 0;
    let verdict: ResultVerdict;
    try {
      verdict = this.#handler(body);
    } catch {
      out.push({ kind: 'log', level: 'warn', text: `${this.name}: event caused an error` });
      this.#violation(out);
      return;
    }
    if (verdict === 'accepted') {
      out.push({ kind: 'log', level: 'debug', text: `${this.name}: event was processed` });
      this.#change(ListenerState.ACKNOWLEDGED, out);
      out.push({ kind: 'done', accepted: true });
    } else {
      out.push({ kind: 'log', level: 'warn', text: `${this.name}: event was rejected` });
      this.#change(ListenerState.ACKNOWLEDGED, out);
      out.push({ kind: 'done', accepted: false });
    }
  }

  /** BUSY -> UNKNOWN: the in-flight event is rejected. */
  #violation(out: ProtocolEffect[]): void {
    this.#change(ListenerState.UNKNOWN, out);
    out.push({ kind: 'done', accepted: false });
  }

  #change(to: ListenerStateCode, out: ProtocolEffect[]): void {
    out.push({ kind: 'log', level: 'debug', text: `${this.name}: ${listenerStateName(this.#state)} -> ${listenerStateName(to)}` });
    this.#state = to;
    if (to !== ListenerState.UNKNOWN) return;
    this.#pending = EMPTY;
    this.#resultLength = null;
    this.#body = [];
    this.#bodyLength = 0;
    out.push({ kind: 'log', level: 'warn', text: `${this.name}: has entered the UNKNOWN state and will no longer receive events, `
      + 'this usually indicates the process violated the eventlistener protocol' });
  }
}

export interface EnvelopeFields {
  /** [supervisord] identifier. */
  readonly server: string;
  readonly serial: number;
  readonly pool: string;
  readonly poolserial: number;
  readonly eventname: string;
  readonly payload: string;
}

/** The header line plus payload written to a listener's stdin, UTF-8 encoded; `len:` counts characters (quirk). */
export function buildEnvelope(f: EnvelopeFields): Buffer {
  return Buffer.from(`ver:3.0 server:${f.server} serial:${f.serial} pool:${f.pool} poolserial:${f.poolserial} `
    + `eventname:${f.eventname} len:${payloadLength(f.payload)}\n${f.payload}`, 'utf8');
}
