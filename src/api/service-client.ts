import { inspect } from 'node:util';
import type { ResolvedService } from '../config/resolve.js';
import type { EnvelopeCodec } from '../envelope/envelope-codec.js';
import {
  AlreadyConnectedError,
  InvalidArgumentError,
  NotOpenError,
  SinetError,
} from '../errors.js';
import { type Metrics, MetricsRecorder } from '../metrics/index.js';
import { ClientTelemetry } from '../observability/telemetry.js';
import { defaultRegistry } from '../plugins/builtins.js';
import type { PluginRegistry } from '../spi/registry.js';
import type {
  BrokerPlugin,
  Consistency,
  HeaderSupport,
  Logger,
  PluginContext,
} from '../spi/types.js';
import { headerSupportOf } from './headers.js';
import { type PendingService, type ServiceSource, stderrLogger } from './load-service.js';
import type { CommonOptions } from './options.js';
import { buildEnvelope, loadBrokerPlugin, pluginContext, serviceRegistry } from './pipeline.js';

type State = 'created' | 'opening' | 'open' | 'closing' | 'closed';

/** A reader or writer as `JSON.stringify` and `util.inspect` show it. */
export interface ServiceSummary {
  readonly service: string;
  readonly type: string;
  readonly brokers: readonly string[];
  readonly topics: readonly string[];
}

/** What a reader or writer may read of its service: no block that can hold a secret. */
export type ServiceSettings = Omit<ResolvedService, 'crypto' | 'tls' | 'params'>;

/** The plugin-side object a client drives: every kind has close() and may have metrics. */
export interface PluginHandle {
  close(): Promise<void>;
  metrics?(): unknown;
  resetMetrics?(): void;
}

/**
 * What readers and writers share: the resolved service, the open/close life cycle
 * (AlreadyConnectedError on a second open, idempotent close that also works mid-open),
 * `await using`, and metrics.
 */
export abstract class ServiceClient<H extends PluginHandle> implements AsyncDisposable {
  #resolved: ResolvedService | undefined;
  #settings: ServiceSettings | undefined;
  readonly #pending: PendingService | undefined;
  protected readonly logger: Logger;
  protected readonly recorder = new MetricsRecorder();
  readonly #registry: PluginRegistry;
  #state: State = 'created';
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #handle: H | undefined;
  #envelope: EnvelopeCodec | undefined;
  #headerSupport: HeaderSupport = { unsupported: 'not open' };
  #telemetry: ClientTelemetry | undefined;

  protected constructor(source: ServiceSource, options: CommonOptions) {
    if ('fetch' in source) this.#pending = source;
    else this.#resolve(source);
    this.logger = options.logger ?? stderrLogger;
    this.#registry = options.registry ?? defaultRegistry;
  }

  #resolve(resolved: ResolvedService): ResolvedService {
    this.#resolved = resolved;
    const { crypto: _crypto, tls: _tls, params: _params, ...settings } = resolved;
    this.#settings = Object.freeze(settings);
    return resolved;
  }

  /**
   * The service as resolved, less the blocks that can hold passwords, keys and decrypted
   * config values (`crypto`, `tls`, `params`): `protected` does not stop JavaScript from
   * calling a getter, so those stay in the private field alone.
   */
  protected get resolved(): ServiceSettings {
    if (!this.#settings) {
      throw new NotOpenError(
        `${this.describe()} takes its service from the config server: its settings are known once open() has resolved`,
      );
    }
    return this.#settings;
  }

  /** The service name; with a config-server config, the `service` option until open. */
  get service(): string {
    return this.#resolved?.service ?? this.#pending!.name;
  }

  /** Given, or generated (`sinetstream-<uuid>`) when absent. */
  get clientId(): string {
    return this.resolved.clientId;
  }

  get consistency(): Consistency {
    return this.resolved.consistency;
  }

  get valueType(): string {
    return this.resolved.valueType;
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  get metrics(): Metrics {
    return this.recorder.snapshot(this.#handle?.metrics?.());
  }

  /** Starts the counts afresh; `resetRaw` also resets the plugin's own metrics. */
  resetMetrics(resetRaw = false): void {
    this.recorder.reset();
    if (resetRaw) this.#handle?.resetMetrics?.();
  }

  /** Connects to the broker. Resolves to this client, so `await new X(...).open()` works. */
  async open(): Promise<this> {
    if (this.#state !== 'created') {
      throw new AlreadyConnectedError(
        `${this.describe()} is ${this.#state === 'closed' ? 'closed; create a new one' : 'already open'}`,
      );
    }
    this.#state = 'opening';
    this.#opening = this.#open();
    try {
      await this.#opening;
    } catch (error) {
      this.#state = 'created';
      throw error;
    }
    if (this.#state === 'opening') this.#state = 'open';
    this.recorder.reset();
    return this;
  }

  async #open(): Promise<void> {
    const resolved = this.#resolved ?? this.#resolve(await this.#pending!.fetch());
    const registry = await serviceRegistry(resolved, this.#registry);
    const plugin = await loadBrokerPlugin(resolved, registry);
    this.#checkTopics(plugin);
    this.#envelope = await buildEnvelope(resolved, registry);
    await this.prepare(registry);
    const context = await pluginContext(resolved, plugin, this.role, this.logger, registry);
    this.#headerSupport = headerSupportOf(plugin, context);
    const group = context.params.group_id;
    this.#telemetry = await ClientTelemetry.open(
      {
        service: this.resolved.service,
        type: this.resolved.type,
        topic: this.resolved.topics.join(','),
        clientId: this.resolved.clientId,
        consumerGroup: typeof group === 'string' ? group : undefined,
      },
      this.role,
    );
    const handle = this.createHandle(plugin, context);
    this.#handle = handle;
    try {
      await this.openHandle(handle);
    } catch (error) {
      this.#handle = undefined;
      await handle.close().catch(() => undefined);
      throw error instanceof SinetError
        ? error
        : new SinetError(`${this.describe()}: open failed: ${String(error)}`, { cause: error });
    }
  }

  #checkTopics(plugin: BrokerPlugin): void {
    for (const topic of this.resolved.topics) {
      const problem = plugin.topicProblem?.(topic, this.role);
      if (problem === undefined) continue;
      const shown = topic.length > 80 ? `${topic.slice(0, 80)}...` : topic;
      throw new InvalidArgumentError(
        `${this.describe()}: topic ${JSON.stringify(shown)} cannot be used: ${problem}`,
      );
    }
  }

  /** Idempotent; settles a pending read; waits for an open in progress first. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.#state === 'created') {
      this.#state = 'closed';
      return Promise.resolve();
    }
    this.#closing = this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const opening = this.#opening;
    this.#state = 'closing';
    this.beforeClose();
    if (opening) await opening.catch(() => undefined);
    try {
      await this.#handle?.close();
    } finally {
      this.#state = 'closed';
    }
  }

  /** `await using` closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** What printing a client shows: which service it is, none of its parameters. */
  toJSON(): ServiceSummary {
    if (!this.#resolved) return { service: this.service, type: '', brokers: [], topics: [] };
    const { service, type, brokers, topics } = this.#resolved;
    return { service, type, brokers, topics };
  }

  /** As `toJSON`, in words. */
  toString(): string {
    return this.describe();
  }

  /** What `util.inspect` and `console.log` show: as `toJSON`. */
  [inspect.custom](_depth: number, options: object): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), options)}`;
  }

  protected get envelope(): EnvelopeCodec {
    return this.#envelope!;
  }

  /** What headers the broker's messages carry, as the plugin declared for this service. */
  protected get headerSupport(): HeaderSupport {
    return this.#headerSupport;
  }

  /** Spans and collectors' counters; undefined when neither is installed. */
  protected get telemetry(): ClientTelemetry | undefined {
    return this.#telemetry;
  }

  /** The plugin object, or NotOpenError when not open. */
  protected handle(): H {
    if (this.#state !== 'open' || !this.#handle) {
      const advice =
        this.#state === 'created'
          ? 'call open() first: `await new X(options).open()`'
          : this.#state === 'opening'
            ? 'wait for open() to resolve'
            : 'it was closed; create and open a new one';
      throw new NotOpenError(`${this.describe()} is not open (state: ${this.#state}): ${advice}`);
    }
    return this.#handle;
  }

  protected describe(): string {
    return `${this.constructor.name} for service "${this.service}"`;
  }

  /** Which parameters the plugin is given: a writer's, or a reader's. */
  protected abstract readonly role: 'reader' | 'writer';
  /** Look up value types and the like before the plugin is created. */
  protected abstract prepare(registry: PluginRegistry): Promise<void>;
  protected abstract createHandle(plugin: BrokerPlugin, context: PluginContext): H;
  protected abstract openHandle(handle: H): Promise<void>;
  /** Called once when close starts, before the plugin is closed. */
  protected beforeClose(): void {}
}
