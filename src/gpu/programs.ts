/// <reference types="@webgpu/types" preserve="true" />
/**
 * Compute programs: one object per kernel (its WGSL, entry point and bindings), pipelines
 * cached by a key built from what changes the shader, explicit bind-group layouts shared by
 * every program with the same binding signature. Bindings are declared once, by name
 * (shaders/bindings.ts): the WGSL and the layout both come from the declaration, and call
 * sites bind buffers by name.
 */
import type { BindingDeclaration, BindingKind } from '../../shaders/bindings.js';
import { WORKGROUP_SIZE } from '../../shaders/common.js';

export type { BindingKind };

export interface Program {
  /** Identifies the WGSL source: name plus every variant parameter. */
  readonly key: string;
  readonly source: () => string;
  readonly entryPoint?: string;
  /** Its bindings, slot i the i-th (shaders/bindings.ts); bindGroup takes buffers by their names. */
  readonly declarations: readonly BindingDeclaration[];
}

/** A program whose bindings come from one declaration list (shaders/bindings.ts). */
export function declaredProgram(
  key: string,
  declarations: readonly BindingDeclaration[],
  source: () => string,
  entryPoint?: string,
): Program {
  return { key, source, entryPoint, declarations };
}

const bufferType: Record<BindingKind, GPUBufferBindingType> = { uniform: 'uniform', read: 'read-only-storage', write: 'storage' };

export class ProgramCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  constructor(private readonly device: GPUDevice) {}

  layout(program: Program): GPUBindGroupLayout {
    const signature = program.declarations.map((d, binding) => `${binding}${d.kind[0]}`).join(',');
    let layout = this.layouts.get(signature);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        label: signature,
        entries: program.declarations.map((d, binding) => ({
          binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: bufferType[d.kind] },
        })),
      });
      this.layouts.set(signature, layout);
    }
    return layout;
  }

  pipeline(program: Program): GPUComputePipeline {
    const entryPoint = program.entryPoint ?? 'main';
    const key = `${program.key}#${entryPoint}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      let module = this.modules.get(program.key);
      if (!module) {
        module = this.device.createShaderModule({ label: program.key, code: program.source() });
        this.modules.set(program.key, module);
      }
      pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.layout(program)] }),
        compute: { module, entryPoint },
      });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** Binds buffers by name; every declared binding needs one, and no other name is taken. */
  bindGroup(program: Program, buffers: Partial<Record<string, GPUBuffer>>): GPUBindGroup {
    const names = program.declarations.map((d) => d.name);
    const missing = names.filter((name) => !buffers[name]);
    const unknown = Object.keys(buffers).filter((name) => !names.includes(name));
    if (missing.length) throw new Error(`${program.key}: no buffer for ${missing.join(', ')}`);
    if (unknown.length) throw new Error(`${program.key}: no binding named ${unknown.join(', ')}`);
    return this.device.createBindGroup({
      layout: this.layout(program),
      entries: names.map((name, binding) => ({ binding, resource: { buffer: buffers[name]! } })),
    });
  }
}

/** A 2-D grid of workgroups covering `groups` (WebGPU caps each dimension at 65535). */
export function grid(groups: number): [number, number] {
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x)];
}

/** Workgroups for one invocation per item. */
export function groupsFor(items: number, perInvocation = 1): number {
  return Math.max(1, Math.ceil(items / (WORKGROUP_SIZE * perInvocation)));
}

export interface Dispatch {
  program: Program;
  bindGroup: GPUBindGroup;
  groups: number;
}

/** `run(pass, program, buffers, groups)`: binds `buffers` by name and dispatches. */
export function runner(
  programs: ProgramCache,
): (pass: GPUComputePassEncoder, program: Program, buffers: Partial<Record<string, GPUBuffer>>, groups: number) => void {
  return (pass, program, buffers, groups) => dispatch(pass, programs, { program, bindGroup: programs.bindGroup(program, buffers), groups });
}

export function dispatch(pass: GPUComputePassEncoder, programs: ProgramCache, d: Dispatch): void {
  pass.setPipeline(programs.pipeline(d.program));
  pass.setBindGroup(0, d.bindGroup);
  const [x, y] = grid(d.groups);
  pass.dispatchWorkgroups(x, y);
}
