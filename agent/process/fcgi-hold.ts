// One process's share of its [fcgi-program:x] group's socket: taken at a spawn (the group's first
// holder creates the socket) and kept until that child exits, when the group's last holder
// closes it, as supervisord's socket manager counts references.
import type { FcgiSocket } from './fcgi-socket.js';

export class FcgiSocketHold {
  readonly #socket: FcgiSocket | undefined;
  #holding = false;

  constructor(socket: FcgiSocket | undefined) { this.#socket = socket; }

  /** The socket's fd for the child's fd 0, or null for a plain program (a stdin pipe); throws FcgiSocketError. */
  take(): number | null {
    const sock = this.#socket;
    if (sock === undefined) return null;
    if (this.#holding) return sock.fd;
    const fd = sock.acquire();
    this.#holding = true;
    return fd;
  }

  /** After a failed spawn or the child's exit. */
  release(): void {
    if (!this.#holding) return;
    this.#holding = false;
    this.#socket?.release();
  }
}
