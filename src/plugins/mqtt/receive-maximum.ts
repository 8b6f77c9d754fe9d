import { Duplex } from 'node:stream';
import mqttPacket, { type Packet } from 'mqtt-packet';

/**
 * Held packets past which the broker's writes wait: aedes then waits for 'drain' before it
 * sends more to this client, so a client that never acknowledges cannot grow the queue.
 */
const HELD_HIGH_WATER_MARK = 1000;

/** Reason codes from 0x80 on end a QoS 2 exchange at PUBREC (MQTT 5, 4.9). */
const FAILURE_REASON = 0x80;

type Connection = Duplex;

/**
 * MQTT 5 flow control (Receive Maximum, 4.9) for one client connection of the embedded broker.
 * aedes sends every QoS 1/2 message at once, whatever the client's CONNECT says, and has no
 * hook to hold one back; this stream sits between the client's socket and `aedes.handle`. It
 * reads the CONNECT as it passes; for a client that sets Receive Maximum it keeps at most that
 * many QoS 1/2 messages unacknowledged, holding later messages (and QoS 0 ones behind them, to
 * keep their order) until PUBACK, PUBCOMP or a failed PUBREC frees a place. Other packets
 * (CONNACK, SUBACK, PINGRESP...) pass at once. For other clients it only copies bytes.
 */
export class ReceiveMaximumStream extends Duplex {
  readonly #connection: Connection;
  #limit: number | undefined;
  #connected = false;
  readonly #fromClient = mqttPacket.parser({ protocolVersion: 5 });
  #toClient: ReturnType<typeof mqttPacket.parser> | undefined;
  readonly #inFlight = new Set<number>();
  readonly #held: Packet[] = [];
  #resumeWrites: (() => void) | undefined;

  constructor(connection: Connection) {
    super({ allowHalfOpen: false });
    this.#connection = connection;
    this.#fromClient.on('packet', (packet: Packet) => this.#onClientPacket(packet));
    this.#fromClient.on('error', () => {
      // aedes parses the same bytes and answers a malformed packet itself.
      this.#connected = true;
    });
    connection.on('data', (chunk: Buffer) => {
      if (!this.#connected || this.#limit !== undefined) this.#fromClient.parse(chunk);
      if (!this.push(chunk)) connection.pause();
    });
    connection.on('end', () => this.push(null));
    connection.on('error', (error) => this.destroy(error));
    connection.on('close', () => this.destroy());
  }

  override _read(): void {
    this.#connection.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    this.#fromBroker(chunk, done);
  }

  /**
   * mqtt-packet writes a packet in pieces between cork() and uncork(): they go to the socket
   * as one write, since small writes one after another wait on Nagle's algorithm (about 40 ms
   * each against a client's delayed acknowledgements).
   */
  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    done: (error?: Error) => void,
  ): void {
    this.#fromBroker(Buffer.concat(chunks.map(({ chunk }) => chunk)), done);
  }

  #fromBroker(chunk: Buffer, done: (error?: Error) => void): void {
    if (this.#toClient === undefined) {
      this.#send(chunk, done);
      return;
    }
    this.#toClient.parse(chunk);
    if (this.#held.length >= HELD_HIGH_WATER_MARK) this.#resumeWrites = () => done();
    else if (this.#connection.writableNeedDrain) this.#connection.once('drain', () => done());
    else done();
  }

  override _final(done: (error?: Error) => void): void {
    this.#connection.end(() => done());
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#held.length = 0;
    this.#connection.destroy();
    done(error);
  }

  #send(bytes: Buffer, done?: () => void): void {
    if (this.#connection.destroyed) {
      done?.();
      return;
    }
    if (this.#connection.write(bytes) || !done) done?.();
    else this.#connection.once('drain', done);
  }

  #onClientPacket(packet: Packet): void {
    if (packet.cmd === 'connect') {
      this.#connected = true;
      const limit = packet.protocolVersion === 5 ? packet.properties?.receiveMaximum : undefined;
      if (limit !== undefined) {
        this.#limit = limit;
        this.#toClient = mqttPacket.parser({ protocolVersion: 5 });
        this.#toClient.on('packet', (sent: Packet) => this.#onBrokerPacket(sent));
        this.#toClient.on('error', (error: Error) => this.destroy(error));
      }
      return;
    }
    const ends =
      packet.cmd === 'puback' ||
      packet.cmd === 'pubcomp' ||
      (packet.cmd === 'pubrec' && (packet.reasonCode ?? 0) >= FAILURE_REASON);
    if (ends && packet.messageId !== undefined && this.#inFlight.delete(packet.messageId)) {
      this.#flush();
    }
  }

  #onBrokerPacket(packet: Packet): void {
    if (packet.cmd === 'publish') {
      this.#held.push(packet);
      this.#flush();
      return;
    }
    this.#send(mqttPacket.generate(packet, { protocolVersion: 5 }));
  }

  #flush(): void {
    const limit = this.#limit ?? Number.POSITIVE_INFINITY;
    while (this.#held.length > 0) {
      const next = this.#held[0] as Packet;
      const id = next.cmd === 'publish' && next.qos > 0 ? next.messageId : undefined;
      if (id !== undefined && this.#inFlight.size >= limit && !this.#inFlight.has(id)) break;
      this.#held.shift();
      if (id !== undefined) this.#inFlight.add(id);
      this.#send(mqttPacket.generate(next, { protocolVersion: 5 }));
    }
    if (this.#resumeWrites && this.#held.length < HELD_HIGH_WATER_MARK) {
      const resume = this.#resumeWrites;
      this.#resumeWrites = undefined;
      resume();
    }
  }
}
