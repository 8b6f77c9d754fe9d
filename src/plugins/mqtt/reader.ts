import type { MqttClient } from 'mqtt';
import { AlreadyConnectedError, AuthorizationError, InvalidArgumentError } from '../../errors.js';
import { MessageQueue } from '../../spi/message-queue.js';
import type { CallOptions, PluginReader, ReaderContext, ReceivedMessage } from '../../spi/types.js';
import { connectClient } from './connection.js';
import { operationError } from './errors.js';
import { type MqttSettings, readSettings } from './settings.js';

/** SUBACK codes from 0x80 up are refusals (0x80 is MQTT 3's only one). */
const SUBSCRIPTION_REFUSED = 0x80;

export class MqttReader implements PluginReader {
  readonly #settings: MqttSettings;
  readonly #queue = new MessageQueue();
  #client: MqttClient | undefined;
  #received = 0;

  constructor(private readonly context: ReaderContext) {
    if (context.topics.length === 0)
      throw new InvalidArgumentError('mqtt topics: no topic to read from');
    this.#settings = readSettings(context);
  }

  async open(options?: CallOptions): Promise<void> {
    if (this.#client) {
      throw new AlreadyConnectedError(
        `mqtt reader for "${this.context.topics.join(',')}" is already open`,
      );
    }
    // Listening before the CONNACK: a persistent session's messages may come right after it.
    const client = await connectClient(this.#settings, this.context.logger, options, (c) =>
      c.on('message', (topic, payload, packet) => {
        this.#received++;
        this.#queue.push({ bytes: payload, topic, raw: packet });
      }),
    );
    try {
      await this.#subscribe(client);
    } catch (error) {
      await client.endAsync(true);
      throw error;
    }
    this.#client = client;
  }

  async #subscribe(client: MqttClient): Promise<void> {
    const { qos } = this.#settings;
    const topics = Object.fromEntries(this.context.topics.map((topic) => [topic, { qos }]));
    let granted: { topic: string; qos: number }[];
    try {
      granted = await client.subscribeAsync(topics);
    } catch (error) {
      throw operationError(error as Error, `subscribing to "${this.context.topics.join('", "')}"`);
    }
    const refused = granted.filter((g) => g.qos >= SUBSCRIPTION_REFUSED);
    if (refused.length > 0) {
      const list = refused.map((g) => `"${g.topic}" (reason code ${g.qos})`).join(', ');
      throw new AuthorizationError(`mqtt: the broker refused the subscription to ${list}`);
    }
  }

  receive(options?: CallOptions): Promise<ReceivedMessage | undefined> {
    return this.#queue.receive(options);
  }

  async close(): Promise<void> {
    this.#queue.close();
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    await client.endAsync(!client.connected);
  }

  metrics(): unknown {
    return { received: this.#received };
  }

  resetMetrics(): void {
    this.#received = 0;
  }
}
