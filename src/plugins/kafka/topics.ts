/** Kafka's own limit on topic names (its `Topic.MAX_NAME_LENGTH`). */
const MAX_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Why Kafka would refuse `topic` as a topic name (INVALID_TOPIC_EXCEPTION), per its own rules. */
export function kafkaTopicProblem(topic: string): string | undefined {
  if (topic === '.' || topic === '..') return 'Kafka refuses the topic names "." and ".."';
  if (topic.length > MAX_NAME_LENGTH) {
    return `Kafka topic names take at most ${MAX_NAME_LENGTH} characters`;
  }
  if (!LEGAL.test(topic)) {
    return 'Kafka topic names take only ASCII letters, digits, ".", "_" and "-"';
  }
  return undefined;
}
