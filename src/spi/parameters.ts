/**
 * How a broker plugin declares its parameters (`type_spec` of a config file, or the keys a
 * v1/v2 file gives beside the common ones), so that core checks them the same way for every
 * plugin, `sinetstream config` checks them without connecting, and the docs' tables come
 * from one place. The checking itself is in ./read-parameters.ts.
 */
import type { Secret } from '../crypto/secret.js';
import type { PluginContext } from './types.js';

/**
 * - `string`, `number` (finite, not negative; a string of digits is taken too), `integer`
 *   (a whole number, negative too, as zlib's `wbits` or zstd's levels are), `boolean`
 *   (`"true"` and `"false"` are taken too)
 * - `bytes`: a string (as UTF-8) or `!!binary`, given to the plugin as bytes
 * - `secret`: a string or `!!binary` (a decrypted `!sinetstream/encrypted` value), given to
 *   the plugin as a Secret so that it never prints
 * - `file`: a path to a file the plugin needs the content of (a PEM certificate...). Core
 *   reads it once; `<name>_data` gives the content inline instead.
 * - `strings`: a list of strings, or one string separated by commas or spaces
 * - `string-map`: a mapping of strings; `mapping`: any mapping; `any`: anything
 * - `{ oneOf }`: one of these values (`ignoreCase` for strings)
 * - `{ block }`: a mapping with declared keys of its own
 * - `{ anyOf }`: the first of these types the value has
 * - `{ literal }`: exactly this value (e.g. `true` beside a block)
 */
export type ParamType =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'bytes'
  | 'secret'
  | 'file'
  | 'strings'
  | 'string-map'
  | 'mapping'
  | 'any'
  | { readonly oneOf: readonly (string | number)[]; readonly ignoreCase?: boolean }
  | { readonly block: ParamDeclarations }
  | { readonly anyOf: readonly ParamType[] }
  | { readonly literal: string | number | boolean };

/** One parameter a plugin takes. */
export interface ParamDeclaration {
  readonly type: ParamType;
  /** One sentence for the docs' table. */
  readonly description: string;
  /** Used by readers only, or writers only; absent: both. The other role skips it quietly. */
  readonly role?: 'reader' | 'writer';
  /** Applied by core when the key is absent. */
  readonly default?: unknown;
  /** The default in words, when the plugin works it out (e.g. "from `consistency`"). */
  readonly defaultText?: string;
  /** Other spellings accepted (upstream's `_set` names...). */
  readonly aliases?: readonly string[];
  /**
   * The common option this parameter stands for (`consistency`, `tls`,
   * `max_unacked_messages`): given in the file it beats the file's common option, and gives
   * way to the common option given to the API.
   */
  readonly twin?: string;
  /** Accepted for compatibility but not honoured, for this reason: warned about once. */
  readonly unsupported?: string;
}

/** A plugin's parameters by name (`BrokerPlugin.parameters`). */
export type ParamDeclarations = Readonly<Record<string, ParamDeclaration>>;

/** The value a plugin receives for a parameter of type `T`. */
export type ParamValue<T> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'bytes' | 'file'
        ? Uint8Array
        : T extends 'secret'
          ? Secret
          : T extends 'strings'
            ? string[]
            : T extends 'string-map'
              ? Record<string, string>
              : T extends 'mapping'
                ? Record<string, unknown>
                : T extends { readonly oneOf: readonly (infer V)[] }
                  ? V
                  : T extends { readonly block: infer B extends ParamDeclarations }
                    ? ParamValues<B>
                    : T extends { readonly anyOf: readonly (infer U)[] }
                      ? ParamValue<U>
                      : T extends { readonly literal: infer L }
                        ? L
                        : unknown;

type WithDefault<D extends ParamDeclarations> = {
  [K in keyof D]: D[K] extends { readonly default: unknown } ? K : never;
}[keyof D];

/** What a plugin receives for its declarations: keys with a default are always there. */
export type ParamValues<D extends ParamDeclarations> = {
  readonly [K in WithDefault<D>]: ParamValue<D[K]['type']>;
} & {
  readonly [K in Exclude<keyof D, WithDefault<D>>]?: ParamValue<D[K]['type']>;
};

/** What a user may write for a parameter of type `T`. */
export type ParamInput<T> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'bytes' | 'secret'
        ? string | Uint8Array
        : T extends 'file'
          ? string
          : T extends 'strings'
            ? string | readonly string[]
            : T extends 'string-map'
              ? Readonly<Record<string, string>>
              : T extends 'mapping'
                ? Readonly<Record<string, unknown>>
                : T extends { readonly oneOf: readonly (infer V)[] }
                  ? V
                  : T extends { readonly block: infer B extends ParamDeclarations }
                    ? ParamInputs<B>
                    : T extends { readonly anyOf: readonly (infer U)[] }
                      ? ParamInput<U>
                      : T extends { readonly literal: infer L }
                        ? L
                        : unknown;

type AliasOf<P> = P extends { readonly aliases: readonly (infer A extends string)[] } ? A : never;
type DataKey<K, P> = P extends { readonly type: 'file' } ? `${K & string}_data` : never;

/** What a user may write for these declarations (`typeSpec` of a service of that type). */
export type ParamInputs<D extends ParamDeclarations> = {
  readonly [K in keyof D as K | AliasOf<D[K]>]?: ParamInput<D[K]['type']>;
} & {
  readonly [K in keyof D as DataKey<K, D[K]>]?: string | Uint8Array;
};

/**
 * The context's parameters, typed by the declarations core checked them against (the
 * plugin's own `parameters`).
 */
export function paramsOf<D extends ParamDeclarations>(
  context: PluginContext,
  _declarations: D,
): ParamValues<D> {
  return context.params as ParamValues<D>;
}
