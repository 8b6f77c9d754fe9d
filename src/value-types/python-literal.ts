/**
 * Reads the Python literal a .npy header holds (`{'descr': '<f8', 'fortran_order': False,
 * 'shape': (2, 3), }`): dicts, tuples, lists, strings, integers, True, False and None, which
 * is all numpy writes there. Anything else is an Error; the caller names the message.
 */

export type PythonLiteral =
  | string
  | number
  | boolean
  | null
  | readonly PythonLiteral[]
  | { readonly [key: string]: PythonLiteral };

const TOKEN =
  /\s*(?:([{}()[\]:,])|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+)L?|(True|False|None))/y;

type Token =
  | { kind: 'punct'; value: string }
  | { kind: 'value'; value: PythonLiteral }
  | { kind: 'end' };

class Parser {
  #position = 0;
  #peeked: Token | undefined;

  constructor(private readonly text: string) {}

  parse(): PythonLiteral {
    const value = this.#value();
    if (this.#next().kind !== 'end') throw new Error('text after the literal');
    return value;
  }

  #next(): Token {
    if (this.#peeked) {
      const token = this.#peeked;
      this.#peeked = undefined;
      return token;
    }
    if (/^\s*$/.test(this.text.slice(this.#position))) return { kind: 'end' };
    TOKEN.lastIndex = this.#position;
    const match = TOKEN.exec(this.text);
    if (!match) throw new Error(`unexpected text at ${this.#position}`);
    this.#position = TOKEN.lastIndex;
    const [, punct, single, double, integer, word] = match;
    if (punct !== undefined) return { kind: 'punct', value: punct };
    if (single !== undefined || double !== undefined) {
      return { kind: 'value', value: unescapeString(single ?? double ?? '') };
    }
    if (integer !== undefined) {
      const number = Number(integer);
      if (!Number.isSafeInteger(number)) throw new Error(`integer ${integer} too large`);
      return { kind: 'value', value: number };
    }
    return { kind: 'value', value: word === 'True' ? true : word === 'False' ? false : null };
  }

  #peek(): Token {
    this.#peeked ??= this.#next();
    return this.#peeked;
  }

  #value(): PythonLiteral {
    const token = this.#next();
    if (token.kind === 'value') return token.value;
    if (token.kind === 'punct' && token.value === '{') return this.#dict();
    if (token.kind === 'punct' && (token.value === '(' || token.value === '[')) {
      return this.#sequence(token.value === '(' ? ')' : ']');
    }
    throw new Error('expected a value');
  }

  #isPunct(value: string): boolean {
    const token = this.#peek();
    return token.kind === 'punct' && token.value === value;
  }

  #expect(value: string): void {
    const token = this.#next();
    if (token.kind !== 'punct' || token.value !== value) throw new Error(`expected "${value}"`);
  }

  #dict(): PythonLiteral {
    const dict: Record<string, PythonLiteral> = {};
    while (!this.#isPunct('}')) {
      const key = this.#value();
      if (typeof key !== 'string') throw new Error('a dict key that is not a string');
      this.#expect(':');
      dict[key] = this.#value();
      if (!this.#isPunct('}')) this.#expect(',');
    }
    this.#next();
    return dict;
  }

  #sequence(close: string): PythonLiteral {
    const items: PythonLiteral[] = [];
    while (!this.#isPunct(close)) {
      items.push(this.#value());
      if (!this.#isPunct(close)) this.#expect(',');
    }
    this.#next();
    return items;
  }
}

function unescapeString(text: string): string {
  return text.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
}

/** The value of a Python literal; throws an Error saying what is wrong with it. */
export function parsePythonLiteral(text: string): PythonLiteral {
  return new Parser(text).parse();
}
