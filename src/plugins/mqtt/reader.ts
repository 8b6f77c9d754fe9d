import type { IPublishPacket, MqttClient } from 'mqtt';
import {
  AlreadyConnectedError,
  AuthorizationError,
  InvalidArgumentError,
  NotOpenError,
} from '../../errors.js';
import { MessageQueue } from '../../spi/message-queue.js';
import type {
  CallOptions,
  MessageHeaders,
  PluginReader,
  ReaderContext,
  ReceivedMessage,
} from '../../spi/types.js';
import { connectClient } from './connection.js';
import { operationError } from './errors.js';
import { type MqttSettings, readSettings } from './settings.js';

/** User properties by name; of a name given more than once, the last value (MQTT.js lists them). */
function headersOf(properties: Readonly<Record<string, string | string[]>>): MessageHeaders {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(properties)) {
    headers.set(name, Array.isArray(value) ? (value.at(-1) ?? '') : value);
  }
  return headers;
}

/**
 * A QoS 1/2 message's acknowledgement: MQTT.js waits (its `proceed` callback not called)
 * until the user is done with the message (`settle`), or the reader closes (`fail`).
 */
class Acknowledgement {
  #settled = false;
  #holding = false;

  constructor(
    private readonly held: Set<Acknowledgement>,
    readonly packet: IPublishPacket,
    public proceed: ((error?: Error) => void) | undefined = undefined,
  ) {}

  /** Core calls this once the user is done with the message. */
  readonly settle = (): void => {
    this.#settled = true;
    if (this.#holding) this.#release();
  };

  /** MQTT.js waits from now on, unless the user is done already. */
  hold(): void {
    if (this.#settled) {
      this.proceed?.();
      return;
    }
    this.#holding = true;
    this.held.add(this);
  }

  fail(error: Error): void {
    if (this.#holding) this.#release(error);
    else this.proceed?.(error);
  }

  #release(error?: Error): void {
    if (!this.held.delete(this)) return;
    this.#holding = false;
    this.proceed?.(error);
  }
}

/** SUBACK codes from 0x80 up are refusals (0x80 is MQTT 3's only one). */
const SUBSCRIPTION_REFUSED = 0x80;

/**
 * A subscriber. A QoS 1 or 2 message is acknowledged only once the user is done with it
 * (core calls `settle`): MQTT.js handles incoming packets one at a time and goes on with the
 * next only when `handleMessage` (and, for MQTT 5, `customHandleAcks`) calls back, so until
 * then the broker keeps the message, and the socket is not read (TCP holds back the rest).
 * The acknowledgement deferred is PUBACK (QoS 1), PUBREC (QoS 2 on MQTT 5) or only PUBCOMP
 * (QoS 2 on MQTT 3: MQTT.js sends its PUBREC before any hook, mqttjs/MQTT.js#1299).
 */
export class MqttReader implements PluginReader {
  readonly #settings: MqttSettings;
  /** QoS 0 messages past `max_unacked_messages` stop the client reading the socket. */
  readonly #queue: MessageQueue;
  /**
   * The QoS 1 packet just delivered: MQTT.js emits 'message' and then calls `handleMessage`
   * with the same packet, synchronously.
   */
  #delivered: Acknowledgement | undefined;
  /** The callback that lets MQTT.js read on, held while QoS 0 messages pile up. */
  #paused: (() => void) | undefined;
  /** Messages MQTT.js waits on until the user is done with them. */
  readonly #held = new Set<Acknowledgement>();
  /** Resolves when MQTT.js first waits for the user before reading on. */
  readonly #holding = Promise.withResolvers<void>();
  #client: MqttClient | undefined;
  #received = 0;

  constructor(private readonly context: ReaderContext) {
    if (context.topics.length === 0)
      throw new InvalidArgumentError('mqtt topics: no topic to read from');
    this.#settings = readSettings(context);
    this.#queue = new MessageQueue({
      highWaterMark: context.maxUnackedMessages,
      onLow: () => this.#resumeReading(),
    });
  }

  async open(options?: CallOptions): Promise<void> {
    if (this.#client) {
      throw new AlreadyConnectedError(
        `mqtt reader for "${this.context.topics.join(',')}" is already open`,
      );
    }
    // Listening before the CONNACK: a persistent session's messages may come right after it.
    const client = await connectClient(this.#settings, this.context.logger, options, (c) =>
      this.#listen(c),
    );
    const subscribed = this.#subscribe(client);
    try {
      // A resumed session's messages may come before the SUBACK, which MQTT.js then reads only
      // once the user has taken them: open cannot wait for it past the first held message. A
      // refusal that comes later fails the reader's next receive.
      await Promise.race([subscribed, this.#holding.promise]);
    } catch (error) {
      await client.endAsync(true);
      throw error;
    }
    subscribed.catch((error: unknown) => this.#queue.fail(error));
    this.#client = client;
  }

  #listen(client: MqttClient): void {
    const v5 = client.options.protocolVersion === 5;
    // QoS 2 on MQTT 5: the message is delivered here, before PUBREC, which waits for the user.
    if (v5) {
      client.options.customHandleAcks = (topic, payload, packet, done) => {
        if (packet.qos !== 2) {
          done(0);
          return;
        }
        // An error lets MQTT.js read on without a PUBREC (and report it as a client error).
        const ack = new Acknowledgement(this.#held, packet, (error) => done(error ?? 0));
        this.#deliver(topic, payload, packet, ack);
        this.#hold(ack);
      };
    }
    // QoS 0 and 1 (and QoS 2 on MQTT 3, at PUBREL): the 'message' event comes just before
    // `handleMessage` is called with the same packet.
    client.on('message', (topic, payload, packet) => {
      if (packet.qos === 2 && v5) return;
      if (packet.qos === 0) {
        this.#deliver(topic, payload, packet, undefined);
        return;
      }
      const ack = new Acknowledgement(this.#held, packet);
      this.#delivered = ack;
      this.#deliver(topic, payload, packet, ack);
    });
    // An error lets MQTT.js read on without acknowledging the message.
    client.handleMessage = (packet, done) => {
      const delivered = this.#delivered;
      this.#delivered = undefined;
      if (delivered?.packet === packet) {
        delivered.proceed = done;
        this.#hold(delivered);
      } else if (this.#queue.size >= this.context.maxUnackedMessages && !this.#queue.closed) {
        this.#holding.resolve();
        this.#paused = () => done();
      } else done();
    };
  }

  /**
   * Lets MQTT.js go on (acknowledging) once the user is done with the message, or, if the
   * reader closes first, without acknowledging it (with an error), so that the connection can
   * close and the broker keeps the message for the next reader.
   */
  #hold(ack: Acknowledgement): void {
    this.#holding.resolve();
    if (this.#queue.closed) ack.fail(new NotOpenError('the mqtt reader is closed'));
    else ack.hold();
  }

  /** Queues the message; a QoS 1/2 message settles its acknowledgement. */
  #deliver(
    topic: string,
    payload: Buffer,
    packet: IPublishPacket,
    ack: Acknowledgement | undefined,
  ): void {
    this.#received++;
    const properties = packet.properties?.userProperties;
    const headers = properties ? headersOf(properties) : undefined;
    this.#queue.push({ bytes: payload, topic, raw: packet, headers, settle: ack?.settle });
  }

  #resumeReading(): void {
    const resume = this.#paused;
    this.#paused = undefined;
    resume?.();
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
    const unfinished = new NotOpenError('the mqtt reader closed before the message was handled');
    for (const ack of [...this.#held]) ack.fail(unfinished);
    this.#resumeReading();
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    await client.endAsync(!client.connected);
  }

  metrics(): unknown {
    return { received: this.#received, buffered: this.#queue.size };
  }

  resetMetrics(): void {
    this.#received = 0;
  }
}
