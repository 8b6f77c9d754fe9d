/**
 * The text of upstream's `usage()` static methods, in this API's spelling: the options a
 * reader or writer is made with most often.
 */
export function usage(className: string, role: 'reader' | 'writer'): string {
  const rows: Array<readonly [string, string]> = [
    ['service: SERVICE,', 'Service name defined in the configuration file.'],
    role === 'reader'
      ? ['topics: TOPICS,', 'The topic(s) to receive.']
      : ['topic: TOPIC,', 'The topic to send.'],
    ['configFile: PATH,', 'The configuration file, if not the usual ones.'],
    ['consistency: AT_MOST_ONCE,', 'AT_MOST_ONCE, AT_LEAST_ONCE or EXACTLY_ONCE.'],
    ['clientId: DEFAULT_CLIENT_ID,', 'If not given, one is generated.'],
    ['valueType: "byte_array",', 'The type of message: "byte_array" or "text".'],
    role === 'reader'
      ? ['valueDeserializer: undefined,', 'If not given, the one of valueType is used.']
      : ['valueSerializer: undefined,', 'If not given, the one of valueType is used.'],
  ];
  const lines = rows.map(([option, comment]) => `  ${option.padEnd(33)}// ${comment}`);
  return `new ${className}({\n${lines.join('\n')}\n})`;
}
