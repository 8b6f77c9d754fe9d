/**
 * Operations under way (publishes awaiting the broker's answer), counted, so that a writer's
 * close() can wait until none is left. A counter, not a set of promises: nothing to make or
 * track per publish.
 */
export class InFlight {
  #count = 0;
  #idle: PromiseWithResolvers<void> | undefined;

  start(): void {
    this.#count++;
  }

  end(): void {
    if (--this.#count > 0 || !this.#idle) return;
    this.#idle.resolve();
    this.#idle = undefined;
  }

  /** Resolves once none is under way: at once when none is. */
  idle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    this.#idle ??= Promise.withResolvers();
    return this.#idle.promise;
  }
}
