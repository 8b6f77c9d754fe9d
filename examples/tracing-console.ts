import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ConsoleSpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { MessageReader, MessageWriter } from 'sinetstream';

// Once, at start-up, before any reader or writer opens.
trace.setGlobalTracerProvider(
  new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })],
  }),
);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const service = { noConfig: true, type: 'memory', brokers: 'tracing-demo', valueType: 'text' };
await using reader = await new MessageReader<string>({
  ...service,
  topics: 'sensors',
  receiveTimeoutMs: 1000,
}).open();
await using writer = await new MessageWriter<string>({ ...service, topic: 'sensors' }).open();
await writer.publish('21.5', { headers: { unit: 'celsius' } });
for await (const message of reader) {
  console.log(message.value, message.headers.get('unit'), message.headers.get('traceparent'));
  break;
}
