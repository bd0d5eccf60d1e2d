/**
 * Binding declarations: a kernel lists its bindings once, by name, and both its WGSL
 * `@binding` lines and its program's layout (src/gpu/programs.ts) come from that list, so
 * slot numbers are never written by hand at a call site.
 */
export type BindingKind = 'uniform' | 'read' | 'write';

export interface BindingDeclaration {
  readonly name: string;
  readonly kind: BindingKind;
  /** The WGSL type: `array<f32>`, `array<vec2<f32>>`, a struct name… */
  readonly type: string;
}

/** Slot i of group 0 for the i-th declaration. */
export function bindingLines(declarations: readonly BindingDeclaration[]): string {
  const space: Record<BindingKind, string> = { uniform: 'uniform', read: 'storage, read', write: 'storage, read_write' };
  return declarations.map((d, i) => `@group(0) @binding(${i}) var<${space[d.kind]}> ${d.name}: ${d.type};`).join('\n');
}

export const f32Map = 'array<f32>';
export const complexMap = 'array<vec2<f32>>';

/** A read-only storage binding (an f32 map unless typed). */
export const read = (name: string, type = f32Map): BindingDeclaration => ({ name, kind: 'read', type });
/** A read-write storage binding (an f32 map unless typed). */
export const write = (name: string, type = f32Map): BindingDeclaration => ({ name, kind: 'write', type });
export const uniform = (name: string, type: string): BindingDeclaration => ({ name, kind: 'uniform', type });
