// Capture mode (`*_capture_maxbytes`): finds the XSUPERVISOR BEGIN/END tokens in a byte stream, and the
// bounded buffer that holds captured bytes. Pure data structures; imports only node built-ins.

export const BEGIN_TOKEN = Buffer.from('<!--XSUPERVISOR:BEGIN-->', 'latin1');
export const END_TOKEN = Buffer.from('<!--XSUPERVISOR:END-->', 'latin1');

/** What the scanner decided about the bytes fed so far, in order. */
export type CaptureAction =
  /** Bytes to log; `captured` says whether they fall inside a BEGIN…END block. */
  | { readonly kind: 'log'; readonly data: Buffer; readonly captured: boolean }
  /** A BEGIN token was consumed: following bytes are captured. */
  | { readonly kind: 'begin' }
  /** An END token was consumed: the capture is complete. */
  | { readonly kind: 'end' };

/** Length of the longest proper prefix of `token` that `data` ends with (0 when none). */
export function prefixAtEnd(data: Buffer, token: Buffer): number {
  for (let n = Math.min(token.length - 1, data.length); n > 0; n--) {
    if (data.subarray(data.length - n).equals(token.subarray(0, n))) return n;
  }
  return 0;
}

/**
 * Splits output around capture tokens with supervisord's exact timing. Quirk kept on purpose: nothing is
 * released until more bytes are pending than the token being looked for (24 for BEGIN, 22 for END), and a
 * trailing partial token is held back; short output therefore waits for more data, and is lost if the
 * pipe closes first (supervisord drops it too).
 */
export class CaptureScanner {
  private pending: Buffer = Buffer.alloc(0);
  private capturing = false;

  get inCapture(): boolean {
    return this.capturing;
  }

  /** Bytes not yet released (too short to decide, or a possible token start). */
  get heldBack(): Buffer {
    return this.pending;
  }

  feed(chunk: Buffer): CaptureAction[] {
    const actions: CaptureAction[] = [];
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const token = this.capturing ? END_TOKEN : BEGIN_TOKEN;
      if (this.pending.length <= token.length) break;
      const data = this.pending;
      const at = data.indexOf(token);
      if (at === -1) {
        const keep = prefixAtEnd(data, token);
        this.pending = data.subarray(data.length - keep);
        this.pushLog(actions, data.subarray(0, data.length - keep));
        break;
      }
      this.pushLog(actions, data.subarray(0, at));
      this.capturing = !this.capturing;
      actions.push({ kind: this.capturing ? 'begin' : 'end' });
      this.pending = data.subarray(at + token.length);
      if (this.pending.length === 0) break;
    }
    return actions;
  }

  private pushLog(actions: CaptureAction[], data: Buffer): void {
    if (data.length > 0) actions.push({ kind: 'log', data, captured: this.capturing });
  }
}

/**
 * The in-memory capture store. When a write would overflow it, as many bytes as the write's length are
 * dropped from the front first (so one write larger than the bound still lands whole), as supervisord does.
 */
export class BoundedBuffer {
  private data: Buffer = Buffer.alloc(0);

  constructor(private readonly maxbytes: number) {}

  write(chunk: Buffer): void {
    if (this.data.length + chunk.length > this.maxbytes) this.data = this.data.subarray(chunk.length);
    this.data = Buffer.concat([this.data, chunk]);
  }

  get value(): Buffer {
    return this.data;
  }

  clear(): void {
    this.data = Buffer.alloc(0);
  }
}
