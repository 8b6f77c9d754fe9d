import type { IClientPublishOptions, MqttClient } from 'mqtt';
import { AlreadyConnectedError, NotOpenError } from '../../errors.js';
import type {
  CallOptions,
  MessageHeaders,
  PluginWriter,
  PublishOptions,
  WriterContext,
} from '../../spi/types.js';
import { connectClient } from './connection.js';
import { operationError } from './errors.js';
import { asPayload } from './payload.js';
import { type MqttSettings, readSettings } from './settings.js';

/** MQTT 5 user properties are UTF-8 string pairs: core let text values through only. */
function userProperties(headers: MessageHeaders): Record<string, string> {
  const properties: Record<string, string> = Object.create(null);
  for (const [name, value] of headers) properties[name] = value as string;
  return properties;
}

/** Bounds QoS 1/2 publishes awaiting acknowledgement (paho's max_inflight_messages). */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  acquire(): Promise<void> | undefined {
    if (this.#free > 0) {
      this.#free--;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

export class MqttWriter implements PluginWriter {
  readonly #settings: MqttSettings;
  readonly #slots: Slots | undefined;
  /** The options of a publish without headers, made once (MQTT.js copies what it is given). */
  readonly #plainOptions: IClientPublishOptions;
  #client: MqttClient | undefined;
  #published = 0;

  constructor(private readonly context: WriterContext) {
    this.#settings = readSettings(context);
    const inflight = this.#settings.maxInflight;
    this.#slots = inflight && this.#settings.qos > 0 ? new Slots(inflight) : undefined;
    const { qos, retain } = this.#settings;
    this.#plainOptions = { qos, retain };
  }

  async open(options?: CallOptions): Promise<void> {
    if (this.#client)
      throw new AlreadyConnectedError(`mqtt writer for "${this.context.topic}" is already open`);
    this.#client = await connectClient(this.#settings, this.context.logger, options);
  }

  publish(bytes: Uint8Array, options?: PublishOptions): Promise<void> {
    const client = this.#client;
    if (!client)
      return Promise.reject(
        new NotOpenError(`mqtt writer for "${this.context.topic}" is not open`),
      );
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason);
    const waiting = this.#slots?.acquire();
    const headers = options?.headers;
    return waiting
      ? waiting.then(() => this.#send(client, bytes, headers))
      : this.#send(client, bytes, headers);
  }

  /** Resolves when MQTT.js calls back: on PUBACK (QoS 1), PUBCOMP (QoS 2), or once written (QoS 0). */
  #send(client: MqttClient, bytes: Uint8Array, headers: MessageHeaders | undefined): Promise<void> {
    // A view, not a copy: core hands each publish a buffer of its own.
    const payload = asPayload(bytes);
    const options: IClientPublishOptions = headers
      ? { ...this.#plainOptions, properties: { userProperties: userProperties(headers) } }
      : this.#plainOptions;
    return new Promise((resolve, reject) => {
      client.publish(this.context.topic, payload, options, (error) => {
        this.#slots?.release();
        if (error) {
          reject(operationError(error, `publishing to "${this.context.topic}"`));
        } else {
          this.#published++;
          resolve();
        }
      });
    });
  }

  /** Waits for in-flight publishes when connected; drops them when the broker is gone. */
  async close(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    await client.endAsync(!client.connected);
  }

  metrics(): unknown {
    return { published: this.#published };
  }

  resetMetrics(): void {
    this.#published = 0;
  }
}
