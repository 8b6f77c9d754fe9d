/**
 * A program that registers its meter provider after a first writer opened: writers opened
 * afterwards are counted. Prints the sent counts per topic.
 */
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { MessageWriter } from '../../src/index.js';

class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const options = { noConfig: true, type: 'memory', brokers: 'late-meter', valueType: 'text' };

async function publish(topic: string, count: number): Promise<void> {
  await using writer = await new MessageWriter<string>({ ...options, topic }).open();
  for (let i = 0; i < count; i++) await writer.publish(`reading ${i}`);
}

await publish('before', 1);
const reader = new OnDemandReader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
await publish('after', 2);

const { resourceMetrics } = await reader.collect();
const sent: Record<string, number> = {};
for (const metric of resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)) {
  if (metric.descriptor.name !== 'messaging.client.sent.messages') continue;
  for (const point of (metric as SumMetricData).dataPoints) {
    sent[String(point.attributes['messaging.destination.name'])] = point.value;
  }
}
process.stdout.write(JSON.stringify(sent));
