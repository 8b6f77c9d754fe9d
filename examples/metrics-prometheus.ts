import { createServer } from 'node:http';
import { Registry } from 'prom-client';
import { collectPrometheusMetrics, MessageReader, MessageWriter } from 'sinetstream';

const registry = new Registry();
await collectPrometheusMetrics(registry); // before readers and writers open

const service = { noConfig: true, type: 'memory', brokers: 'metrics-demo', valueType: 'text' };
await using reader = await new MessageReader<string>({
  ...service,
  topics: 'sensors',
  clientId: 'dashboard',
  receiveTimeoutMs: 1000,
}).open();
await using writer = await new MessageWriter<string>({
  ...service,
  topic: 'sensors',
  clientId: 'sensor-1',
}).open();
for (let i = 0; i < 3; i++) await writer.publish(`reading ${i}`);
for await (const _message of reader) {
  if (reader.metrics.msgCountTotal === 3) break;
}

// What a Prometheus server scrapes: GET /metrics.
const server = createServer(async (_request, response) => {
  response.setHeader('Content-Type', registry.contentType);
  response.end(await registry.metrics());
});
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as { port: number };
  const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  console.log(
    scraped
      .split('\n')
      .filter((line) => /^messaging_client_\w+_total/.test(line))
      .join('\n'),
  );
  server.close();
});
