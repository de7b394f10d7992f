// Per-document debounce: analysis runs once the user has stopped typing for a moment, and a newer edit
// replaces the pending run instead of queueing another (clangd and elm-language-server do the same).

export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Runs `task` after `delayMs` unless `schedule` or `cancel` is called for the same key first. */
  schedule(key: string, delayMs: number, task: () => void): void {
    this.cancel(key);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      task();
    }, delayMs));
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  cancelAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
