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
      // A timer, not setImmediate: timers run after the poll phase, where newly arrived bytes are read and
      // queued, and after the check phase, where vscode-jsonrpc dispatches the next queued message.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (this.handled === before) return;
    }
  }
}
