/**
 * Where the per-message figures of readers and writers go besides `metrics`: OpenTelemetry
 * instruments and Prometheus series. Each client binds the sinks present when it opens, once,
 * so the per-message path costs nothing when there are none.
 */

/** Who counts: the labels every series of one reader or writer carries. */
export interface ClientIdentity {
  readonly service: string;
  readonly type: string;
  /** The writer's topic, or the reader's topics as configured (wildcards stay patterns). */
  readonly topic: string;
  readonly clientId: string;
  /** The consumer group a reader belongs to, if the service names one. */
  readonly consumerGroup: string | undefined;
}

/** One client's counters and durations, labels applied. */
export interface BoundSink {
  sent(bytes: number, seconds: number): void;
  sendFailed(errorType: string, seconds: number): void;
  /**
   * A message handed to the user; `receiveSeconds` is how long the receive that returned it
   * took, for a message the user asked for (`for await`), not one pushed to a handler.
   */
  consumed(bytes: number, receiveSeconds: number | undefined): void;
  processed(seconds: number): void;
  readFailed(errorType: string): void;
}

export interface MessageSink {
  bind(identity: ClientIdentity, role: 'reader' | 'writer'): BoundSink;
}

/** Sinks installed for the whole process (`collectPrometheusMetrics`). */
export const processSinks: MessageSink[] = [];
