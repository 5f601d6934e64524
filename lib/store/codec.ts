import { Packr } from 'msgpackr';
import { TransactionFlags, type Database } from 'lmdb';
import { LmdbCacheError } from './errors.js';
import { escapeProtoKeys } from './proto-keys.js';

// Where the shared msgpack structures (object shapes) of a cache live in its `meta` database.
const STRUCTURES_KEY = 'structures';

/**
 * Values are lmdb's own msgpack (msgpackr) with `moreTypes` (Set, typed arrays, Error, RegExp) and the
 * BigInt extension (any size): measured 4–9x faster to decode than `node:v8`. Object shapes ("structures")
 * are shared per cache in `meta`, as lmdb's `sharedStructuresKey` does, instead of being repeated inside
 * every value: decoding a small object then takes ~0.5 µs instead of ~2 µs, and values shrink by half.
 * `copyBuffers` because reads decode straight out of lmdb's reused read buffer.
 */
export class EnvelopeCodec {
  private readonly packr: Packr;
  // The envelope being decoded, and a Buffer copy of it taken when shapes are loaded mid-decode.
  private decoding: Uint8Array | undefined;
  private copyForRetry: Buffer | undefined;

  /**
   * @param meta the cache's `meta` database, holding the shared structures
   * @param overlappingSync whether the environment commits with overlapping sync (then a structure save
   *   does not wait for its flush)
   */
  constructor(meta: Database<unknown, string>, overlappingSync: boolean) {
    this.packr = new Packr({
      moreTypes: true,
      useBigIntExtension: true,
      copyBuffers: true,
      writeFunction: () => {
        throw new TypeError('functions cannot be cached');
      },
      // msgpackr saves and restores the buffer it is decoding around this read, which reuses lmdb's; but it
      // goes on from a plain Uint8Array copy, so Buffers later in the value would come back as Uint8Array.
      // A Buffer copy of the envelope, taken before lmdb's buffer is reused, is decoded again instead.
      getStructures: () => {
        const decoding = this.decoding;
        if (decoding) this.copyForRetry = Buffer.from(decoding.subarray(0, decoding.length));
        return (meta.get(STRUCTURES_KEY) as object[] | undefined) ?? [];
      },
      // Runs when a value brings a new shape (at most 32 times per cache): a synchronous transaction, so
      // the shape is stored before any value using it; false (another process saved first) makes msgpackr
      // reload and encode again.
      saveStructures: (structures: object[], isCompatible?: number | ((existing: object[]) => boolean)) =>
        meta.transactionSync(
          () => {
            const existing = meta.get(STRUCTURES_KEY) as object[] | undefined;
            // As lmdb's own sharedStructuresKey: a function checks the stored shapes, a number their count.
            const changed =
              typeof isCompatible === 'function'
                ? !isCompatible(existing as object[])
                : existing !== undefined && existing.length !== Number(isCompatible);
            if (changed) return false;
            void meta.put(STRUCTURES_KEY, structures);
            return true;
          },
          // As lmdb does for its own shared structures: no flags, or skip waiting for the overlapped flush.
          overlappingSync ? TransactionFlags.NO_SYNC_FLUSH : (0 as TransactionFlags),
        ),
    });
  }

  /**
   * Encodes `value` into a new envelope buffer, carrying `fullKey` when the entry is stored under a hash.
   * @throws LmdbCacheError `ERR_VALUE_NOT_SERIALIZABLE` for functions, symbols, cycles and getters that throw.
   */
  encode(value: unknown, fullKey?: string): Buffer {
    let packed: Uint8Array;
    try {
      packed = this.packr.pack(escapeProtoKeys(value));
    } catch (cause) {
      throw new LmdbCacheError(
        'ERR_VALUE_NOT_SERIALIZABLE',
        `value cannot be cached (${reason(cause)}); nothing was written`,
        { cause },
      );
    }
    return wrap(packed, fullKey);
  }

  /**
   * Decodes the value of an envelope.
   * @throws LmdbCacheError `ERR_CORRUPTED` when the bytes are not an envelope this version wrote.
   */
  decode(envelope: Uint8Array): unknown {
    const kind = envelope[0];
    if (kind !== PLAIN && kind !== WITH_KEY) throw corrupted(new Error(`unknown envelope kind ${kind}`));
    const start = kind === PLAIN ? 1 : 5 + readLength(envelope);
    const end = envelope.length;
    this.decoding = envelope;
    this.copyForRetry = undefined;
    try {
      const value: unknown = this.packr.unpack(envelope, { start, end });
      const copy = this.copyForRetry as Buffer | undefined;
      return copy === undefined ? value : this.packr.unpack(copy, { start, end });
    } catch (cause) {
      throw corrupted(cause);
    } finally {
      this.decoding = undefined;
      this.copyForRetry = undefined;
    }
  }
}

// Envelope: one kind byte, then for hashed keys the full key (uint32 LE length + UTF-16 LE units, so lone
// surrogates survive), then the msgpack value. Expiry is not in the envelope: it is lmdb's entry version.
const PLAIN = 0;
const WITH_KEY = 1;

// The envelope around packed bytes: the kind byte, then for hashed entries the full key.
function wrap(packed: Uint8Array, fullKey: string | undefined): Buffer {
  if (fullKey === undefined) {
    const envelope = Buffer.allocUnsafe(packed.length + 1);
    envelope[0] = PLAIN;
    envelope.set(packed, 1);
    return envelope;
  }
  const keyBytes = Buffer.from(fullKey, 'utf16le');
  const envelope = Buffer.allocUnsafe(5 + keyBytes.length + packed.length);
  envelope[0] = WITH_KEY;
  envelope.writeUInt32LE(keyBytes.length, 1);
  envelope.set(keyBytes, 5);
  envelope.set(packed, 5 + keyBytes.length);
  return envelope;
}

/** The full key carried by an envelope of a hashed entry, or `undefined` for a plain one. */
export function envelopeKey(envelope: Uint8Array): string | undefined {
  if (envelope[0] !== WITH_KEY) return undefined;
  const length = readLength(envelope);
  return Buffer.from(envelope.buffer, envelope.byteOffset + 5, length).toString('utf16le');
}

function readLength(envelope: Uint8Array): number {
  return (envelope[1] | (envelope[2] << 8) | (envelope[3] << 16)) + envelope[4] * 0x1000000;
}

function corrupted(cause: unknown): LmdbCacheError {
  return new LmdbCacheError('ERR_CORRUPTED', 'a stored entry could not be decoded', { cause });
}

function reason(cause: unknown): string {
  if (cause instanceof RangeError) return 'it is cyclic or nested too deeply';
  if (cause instanceof TypeError && cause.message.includes('functions')) return 'it holds a function';
  if (cause instanceof Error && /symbol/i.test(cause.message)) return 'it holds a symbol';
  return 'encoding failed';
}
