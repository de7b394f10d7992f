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
      // A message takes two check phases to reach its handler after the poll phase that read its bytes:
      // vscode-jsonrpc's reader decodes it behind a semaphore that runs in a setImmediate, and the connection
      // then dispatches it from its queue in another setImmediate. So two setImmediates (the second runs in the
      // same check phase as the dispatch, just before it), then a timer, which runs after that check phase.
      // A timer alone is not enough: after a long synchronous check, libuv's next iteration runs its timers
      // *before* polling, so the turn would end with nothing read. With only one setImmediate, a didChange that
      // arrived during the check was handled just after its check was published (test/lsp/supersede.test.ts).
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (this.handled === before) return;
    }
  }
}
