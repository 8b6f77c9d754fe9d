import { InvalidArgumentError, UnsupportedServiceTypeError } from '../errors.js';
import type { BrokerPlugin, CompressionPlugin, ValueTypePlugin } from './types.js';

/** A plugin given as is, or a loader that imports it on first use. */
export type Lazy<T> = T | (() => Promise<T>);

/** What a third-party plugin package exports: its default export or a named `plugins` list. */
export interface PluginModule {
  default?: PluginBundle;
  plugins?: PluginBundle;
}

/** The three kinds of plugin a registry holds. */
export type PluginKind = 'broker' | 'valueType' | 'compression';

/**
 * Looks for a plugin the registry does not hold, e.g. in installed packages (what
 * `createRegistry()` does); resolves to the module that provides it, or undefined.
 */
export type PluginFinder = (
  kind: PluginKind,
  name: string,
) => Promise<{ module: PluginModule; from: string } | undefined>;

/** One plugin, or several of any kind. */
export type PluginBundle =
  | BrokerPlugin
  | ValueTypePlugin
  | CompressionPlugin
  | ReadonlyArray<BrokerPlugin | ValueTypePlugin | CompressionPlugin>;

class LazyTable<T> {
  readonly #entries = new Map<string, Lazy<T>>();
  readonly #loading = new Map<string, Promise<T>>();

  set(name: string, entry: Lazy<T>): void {
    this.#entries.set(name, entry);
    this.#loading.delete(name);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  names(): string[] {
    return [...this.#entries.keys()].sort();
  }

  copyFrom(other: LazyTable<T>): void {
    for (const [name, entry] of other.#entries) this.#entries.set(name, entry);
  }

  async get(name: string): Promise<T | undefined> {
    const entry = this.#entries.get(name);
    if (entry === undefined) return undefined;
    if (typeof entry !== 'function') return entry;
    let loading = this.#loading.get(name);
    if (!loading) {
      loading = (entry as () => Promise<T>)();
      this.#loading.set(name, loading);
    }
    return loading;
  }
}

/**
 * Where readers and writers look plugins up. Pass your own (from `createRegistry()`) in the
 * `registry` option to add plugins; the library's default one is never changed by users.
 */
export class PluginRegistry {
  readonly #brokers = new LazyTable<BrokerPlugin>();
  readonly #valueTypes = new LazyTable<ValueTypePlugin>();
  readonly #compressions = new LazyTable<CompressionPlugin>();
  readonly #finder: PluginFinder | undefined;

  /** `finder` is asked for a name the registry does not hold; its module is then registered. */
  constructor(finder?: PluginFinder) {
    this.#finder = finder;
  }

  /** Adds a broker plugin for a service `type`, or a loader that imports it on first use. */
  registerBroker(type: string, plugin: Lazy<BrokerPlugin>): this {
    this.#brokers.set(type, plugin);
    return this;
  }

  /** Adds a value type (`value_type`). */
  registerValueType(name: string, plugin: Lazy<ValueTypePlugin>): this {
    this.#valueTypes.set(name, plugin);
    return this;
  }

  /** Adds a compression algorithm (`compression.algorithm`). */
  registerCompression(name: string, plugin: Lazy<CompressionPlugin>): this {
    this.#compressions.set(name, plugin);
    return this;
  }

  /** Registers every plugin a package exports (see PluginModule). */
  registerModule(module: PluginModule, from = 'module'): this {
    const bundle = module.default ?? module.plugins;
    if (bundle === undefined) {
      throw new InvalidArgumentError(`plugin ${from} exports neither a default nor "plugins"`);
    }
    const list = Array.isArray(bundle) ? bundle : [bundle];
    for (const plugin of list as Array<BrokerPlugin | ValueTypePlugin | CompressionPlugin>) {
      if ('createWriter' in plugin) this.registerBroker(plugin.type, plugin);
      else if ('serialize' in plugin) this.registerValueType(plugin.name, plugin);
      else if ('create' in plugin) this.registerCompression(plugin.name, plugin);
      else throw new InvalidArgumentError(`plugin ${from} exports something that is not a plugin`);
    }
    return this;
  }

  /** A copy that can be extended without touching this registry. */
  clone(): PluginRegistry {
    const copy = new PluginRegistry(this.#finder);
    copy.#brokers.copyFrom(this.#brokers);
    copy.#valueTypes.copyFrom(this.#valueTypes);
    copy.#compressions.copyFrom(this.#compressions);
    return copy;
  }

  /** The broker types known, sorted. */
  brokerTypes(): string[] {
    return this.#brokers.names();
  }

  /** The value types known, sorted. */
  valueTypeNames(): string[] {
    return this.#valueTypes.names();
  }

  /** The compression algorithms known, sorted. */
  compressionNames(): string[] {
    return this.#compressions.names();
  }

  /** The plugin of a broker type, loaded if need be; UnsupportedServiceTypeError if none. */
  async broker(type: string, service = '?'): Promise<BrokerPlugin> {
    const plugin = await this.#lookUp('broker', this.#brokers, type);
    if (!plugin) {
      throw new UnsupportedServiceTypeError(
        `service "${service}": no broker plugin for type "${type}" (known: ${this.brokerTypes().join(', ')}; ${NOT_INSTALLED})`,
      );
    }
    return plugin;
  }

  /** The plugin of a value type; InvalidArgumentError if none. */
  async valueType(name: string): Promise<ValueTypePlugin> {
    const plugin = await this.#lookUp('valueType', this.#valueTypes, name);
    if (!plugin) {
      throw new InvalidArgumentError(
        `value_type: unknown "${name}" (known: ${this.valueTypeNames().join(', ')}; ${NOT_INSTALLED})`,
      );
    }
    return plugin;
  }

  /** The plugin of a compression algorithm; InvalidArgumentError if none. */
  async compression(name: string): Promise<CompressionPlugin> {
    const plugin = await this.#lookUp('compression', this.#compressions, name);
    if (!plugin) {
      throw new InvalidArgumentError(
        `compression.algorithm: unknown "${name}" (known: ${this.compressionNames().join(', ')}; ${NOT_INSTALLED})`,
      );
    }
    return plugin;
  }

  /** From the table, else from the module the finder finds (registered here for next time). */
  async #lookUp<T>(kind: PluginKind, table: LazyTable<T>, name: string): Promise<T | undefined> {
    if (table.has(name) || !this.#finder) return table.get(name);
    const found = await this.#finder(kind, name);
    if (!found) return undefined;
    this.registerModule(found.module, found.from);
    if (!table.has(name)) {
      throw new UnsupportedServiceTypeError(
        `plugin package ${found.from} declares ${kind} "${name}" in its package.json, and exports no such plugin`,
      );
    }
    return table.get(name);
  }
}

const NOT_INSTALLED = 'no installed package declares it in package.json "sinetstream"';
