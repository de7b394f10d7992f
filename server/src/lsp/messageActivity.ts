// Knows when the server has caught up with its client. Analysis is synchronous, so messages that arrive during
// a check wait in the connection's queue, and vscode-jsonrpc hands them to the handlers one per event-loop turn.
// Before publishing a check's diagnostics the server waits until a turn passes in which no handler ran: by
// then the edits that arrived during the check have been applied (a message no handler sees, such as
// $/cancelRequest, can end the wait one message early), and a check of an outdated version can be recognised
// and dropped instead of published.

export class MessageActivity {
  private handled = 0;

  /** Called by every message handler. */
  noteHandled(): void {
    this.handled++;
  }

  /**
   * Resolves after the first macrotask turn in which no message was handled, or after `maxTurns` turns so that
   * a client that never stops sending (hovers while scrolling) cannot hold diagnostics back for long.
   */
  async settled(maxTurns = 50): Promise<void> {
    for (let turn = 0; turn < maxTurns; turn++) {
      const before = this.handled;
      // setImmediate first: it runs in the check phase, after this loop iteration's poll phase has read the bytes
      // that arrived. A timer alone is not enough: after a long synchronous check, libuv's next iteration runs
      // its timers *before* polling, so the turn would end with nothing read. Then a timer: it runs after the
      // check phase in which vscode-jsonrpc dispatches the message it queued during the poll.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (this.handled === before) return;
    }
  }
}
