/** The most bytes an MQTT topic takes (a two-byte length prefix, MQTT 1.5.4). */
const MAX_TOPIC_BYTES = 65_535;

/**
 * Why a topic cannot be published to (a writer's) or subscribed to (a reader's, as a topic
 * filter), per MQTT 4.7: a broker disconnects a client that tries, and MQTT.js would then
 * retry the publish on every reconnect without end.
 */
export function mqttTopicProblem(topic: string, role: 'reader' | 'writer'): string | undefined {
  if (topic.includes('\0')) return 'MQTT topics cannot contain the NUL character';
  if (Buffer.byteLength(topic) > MAX_TOPIC_BYTES) {
    return `MQTT topics take at most ${MAX_TOPIC_BYTES} bytes of UTF-8`;
  }
  if (role === 'writer') {
    return /[+#]/.test(topic)
      ? 'a writer publishes to one topic; + and # are wildcards for readers only'
      : undefined;
  }
  const levels = topic.split('/');
  for (const [index, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || index !== levels.length - 1)) {
      return '# must be a whole level and the last one (a/#)';
    }
    if (level.includes('+') && level !== '+') return '+ must be a whole level (a/+/b)';
  }
  return undefined;
}
