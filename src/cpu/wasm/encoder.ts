/**
 * A minimal WebAssembly binary encoder: enough to emit the CPU path's kernels (i32 index
 * arithmetic, f64 and f64x2 SIMD loads, stores and arithmetic, structured loops) into a module
 * that imports its memory. The kernels are generated on the host (stages.ts), like the WGSL
 * ones, so no compiler or build artefact is involved; compiling the few kilobytes takes well
 * under a millisecond.
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F64 | typeof V128;

/**
 * An instruction sequence: bytes, or sequences of them nested as the helpers below compose
 * them (flattened once, when the module is encoded: composing never copies).
 */
export type Code = number | readonly Code[];

function flatten(code: Code, out: number[] = []): number[] {
  if (typeof code === 'number') out.push(code);
  else for (const part of code) flatten(part, out);
  return out;
}

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function signedLeb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Bytes with their length first (a vector, a section's contents, a function body). */
function sized(bytes: number[], out: number[]): void {
  for (const b of unsignedLeb(bytes.length)) out.push(b);
  for (const b of bytes) out.push(b);
}

function nameBytes(text: string, out: number[]): void {
  sized([...new TextEncoder().encode(text)], out);
}

export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly ValueType[];
  /** Locals after the parameters, as [count, type] runs. */
  readonly locals: readonly (readonly [number, ValueType])[];
  readonly body: Code;
  /** The result types (none unless given). */
  readonly results?: readonly ValueType[];
}

/**
 * A module of functions, importing `env.memory` (at least one page; shared:
 * a shared memory of at most 4 GiB), exporting each function by name.
 */
export function encodeModule(functions: readonly FunctionSpec[], shared = false): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, write: (bytes: number[]) => void) => {
    const bytes: number[] = [];
    write(bytes);
    out.push(id);
    sized(bytes, out);
  };
  const count = (n: number, bytes: number[]): void => {
    bytes.push(...unsignedLeb(n));
  };
  section(1, (bytes) => {
    count(functions.length, bytes);
    for (const f of functions) {
      const results = f.results ?? [];
      bytes.push(0x60, ...unsignedLeb(f.params.length), ...f.params, ...unsignedLeb(results.length), ...results);
    }
  });
  section(2, (bytes) => {
    count(1, bytes);
    nameBytes('env', bytes);
    nameBytes('memory', bytes);
    // Limits: 0x00 min; 0x03 shared with min and max (a shared memory must declare its maximum).
    if (shared) bytes.push(0x02, 0x03, ...unsignedLeb(1), ...unsignedLeb(65536));
    else bytes.push(0x02, 0x00, ...unsignedLeb(1));
  });
  section(3, (bytes) => {
    count(functions.length, bytes);
    for (let i = 0; i < functions.length; i++) count(i, bytes);
  });
  section(7, (bytes) => {
    count(functions.length, bytes);
    functions.forEach((f, i) => {
      nameBytes(f.name, bytes);
      bytes.push(0x00, ...unsignedLeb(i));
    });
  });
  section(10, (bytes) => {
    count(functions.length, bytes);
    for (const f of functions) {
      const body: number[] = [];
      count(f.locals.length, body);
      for (const [n, type] of f.locals) body.push(...unsignedLeb(n), type);
      flatten(f.body, body);
      body.push(0x0b);
      sized(body, bytes);
    }
  });
  return new Uint8Array(out);
}

// Instructions: every opcode the kernels use, here only.
const simd = (op: number): Code => [0xfd, unsignedLeb(op)];

export const localGet = (i: number): Code => [0x20, unsignedLeb(i)];
export const localSet = (i: number): Code => [0x21, unsignedLeb(i)];
/** select: the first of the two values below the condition if it is non-zero, else the second. */
export const select: Code = [0x1b];
export const i32Const = (v: number): Code => [0x41, signedLeb(v)];
/** i32.load / f64.load at the address on the stack plus a constant byte offset. */
export const i32Load = (offset = 0): Code => [0x28, 2, unsignedLeb(offset)];
export const i32Store: Code = [0x36, 2, 0];
export const i32Eqz: Code = [0x45];
export const i32LtS: Code = [0x48];
export const i32LeU: Code = [0x4d];
export const i32GeU: Code = [0x4f];
export const i32Add: Code = [0x6a];
export const i32Sub: Code = [0x6b];
export const i32Mul: Code = [0x6c];
export const i32DivU: Code = [0x6e];
export const i32And: Code = [0x71];
export const i32Or: Code = [0x72];
export const i32Xor: Code = [0x73];
export const i32ShrS: Code = [0x75];
export const i32ShrU: Code = [0x76];
export const f64Load = (offset = 0): Code => [0x2b, 3, unsignedLeb(offset)];
export const f64Store: Code = [0x39, 3, 0];
export const f64Const = (v: number): Code => [0x44, [...new Uint8Array(new Float64Array([v]).buffer)]];
export const f64Abs: Code = [0x99];
export const f64Neg: Code = [0x9a];
export const f64Sqrt: Code = [0x9f];
export const f64Add: Code = [0xa0];
export const f64Sub: Code = [0xa1];
export const f64Mul: Code = [0xa2];
export const f64Div: Code = [0xa3];
export const v128Load: Code = [0xfd, 0x00, 4, 0];
export const v128Store: Code = [0xfd, 0x0b, 4, 0];
/** i8x16.shuffle of the two vectors on the stack; [8…15, 0…7] on a vector and itself swaps its f64 lanes. */
export const i8x16Shuffle = (lanes: readonly number[]): Code => [0xfd, 0x0d, lanes];
export const SWAP_F64_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7] as const;
export const f64x2Splat: Code = simd(0x14);
export const f64x2Abs: Code = simd(0xec);
export const f64x2Neg: Code = simd(0xed);
export const f64x2Sqrt: Code = simd(0xef);
export const f64x2Add: Code = simd(0xf0);
export const f64x2Sub: Code = simd(0xf1);
export const f64x2Mul: Code = simd(0xf2);
export const f64x2Div: Code = simd(0xf3);
/** A constant f64x2 with both lanes v. */
export function f64x2Const(v: number): Code {
  const bytes = new Uint8Array(new Float64Array([v, v]).buffer);
  return [0xfd, 0x0c, [...bytes]];
}

/** while (cond) { body } as block { br_if !cond; loop { body; br_if cond } }. */
export function whileLoop(cond: Code, body: Code): Code {
  return [0x02, 0x40, cond, i32Eqz, 0x0d, 0x00, 0x03, 0x40, body, cond, 0x0d, 0x00, 0x0b, 0x0b];
}

/** if (cond) { then } with no value. */
export function ifThen(cond: Code, then: Code): Code {
  return [cond, 0x04, 0x40, then, 0x0b];
}

/** cond ? then : otherwise, a value of `type`. */
export function ifElse(type: ValueType, cond: Code, then: Code, otherwise: Code): Code {
  return [cond, 0x04, type, then, 0x05, otherwise, 0x0b];
}

/** Locals handed out in order after the parameters, by type (the encoder groups them in runs). */
export class Locals {
  private readonly types: ValueType[] = [];
  constructor(private readonly paramCount: number) {}

  add(type: ValueType): number {
    this.types.push(type);
    return this.paramCount + this.types.length - 1;
  }

  /** Runs of equal types, as FunctionSpec.locals. */
  runs(): [number, ValueType][] {
    const runs: [number, ValueType][] = [];
    for (const type of this.types) {
      const last = runs[runs.length - 1];
      if (last && last[1] === type) last[0]++;
      else runs.push([1, type]);
    }
    return runs;
  }
}
