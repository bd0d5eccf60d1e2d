/** WGSL shared by every kernel: the workgroup size and the flat invocation index. */
export const WORKGROUP_SIZE = 256;

/**
 * Large maps need more than 65535 workgroups in x, so dispatches are 2-D
 * (see grid() in src/gpu/programs.ts) and each invocation flattens its id.
 */
export const flatIndex = /* wgsl */ `
fn flatIndex(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * ${WORKGROUP_SIZE}u;
}
`;

/** f32 literal for WGSL from a float64 (the compiler rounds it to nearest f32). */
export function f32(value: number): string {
  const text = value.toPrecision(17);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}
