/// <reference types="@webgpu/types" preserve="true" />
/**
 * The one place that acquires a WebGPU device (browser: navigator.gpu; Node: Dawn through
 * the `webgpu` package, see src/node/webgpu.ts) and owns device loss: a lost device is
 * dropped, its listeners clear their caches, and the next call acquires a new one.
 */
import { FsimError } from '../errors.js';

export type LimitsPolicy = 'default' | 'adapter';

export interface AcquiredDevice {
  readonly device: GPUDevice;
  /** "vendor architecture (description)" as the adapter reports it. */
  readonly adapterName: string;
  /** A fallback or software adapter (SwiftShader, lavapipe, WARP…): a CPU in disguise. */
  readonly isFallbackAdapter: boolean;
  readonly timestamps: boolean;
  readonly limits: GPUSupportedLimits;
}

export interface DeviceOptions {
  /** 'adapter' (default) asks for the adapter's buffer-size maxima, 'default' keeps WebGPU's defaults. */
  limits?: LimitsPolicy;
  powerPreference?: GPUPowerPreference;
  /** Appended to the "no adapter" error: what to do about it on this platform. */
  noAdapterHint?: string;
}

/** Software renderers behind WebGPU: SwiftShader, Mesa's lavapipe/llvmpipe/softpipe, Microsoft's WARP. */
const SOFTWARE_ADAPTERS = /swiftshader|lavapipe|llvmpipe|softpipe|\bwarp\b|basic render driver/i;

function describeAdapter(adapter: GPUAdapter): { name: string; fallback: boolean } {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device].filter((p) => p && p.length > 0);
  const description = info?.description ? ` (${info.description})` : '';
  const name = `${parts.join(' ') || 'unknown adapter'}${description}`;
  const flagged =
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ??
    (info as GPUAdapterInfo & { isFallbackAdapter?: boolean })?.isFallbackAdapter ??
    false;
  // Not every software renderer says it is a fallback adapter: known ones by name too.
  return { name, fallback: flagged || SOFTWARE_ADAPTERS.test(name) };
}

export class DeviceManager {
  private current: Promise<AcquiredDevice> | null = null;
  private readonly lostListeners = new Set<(reason: string) => void>();

  constructor(
    private readonly gpu: () => Promise<GPU | undefined>,
    private readonly options: DeviceOptions = {},
  ) {}

  /** The device, acquiring one on first use or after a loss. */
  acquire(): Promise<AcquiredDevice> {
    this.current ??= this.request().catch((error) => {
      this.current = null;
      throw error;
    });
    return this.current;
  }

  onLost(listener: (reason: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private async request(): Promise<AcquiredDevice> {
    const gpu = await this.gpu();
    if (!gpu) throw new FsimError('BACKEND', 'WebGPU is not available here (no navigator.gpu / no Dawn)');
    const adapter = await gpu.requestAdapter({ powerPreference: this.options.powerPreference ?? 'high-performance' });
    if (!adapter) {
      throw new FsimError('BACKEND', `no WebGPU adapter found${this.options.noAdapterHint ? ` (${this.options.noAdapterHint})` : ''}`);
    }
    const { name, fallback } = describeAdapter(adapter);
    const timestamps = adapter.features.has('timestamp-query');
    const requiredLimits: Record<string, number> = {};
    if ((this.options.limits ?? 'adapter') === 'adapter') {
      // Never more than the adapter offers: its own maxima for the limits big images need.
      requiredLimits.maxStorageBufferBindingSize = adapter.limits.maxStorageBufferBindingSize;
      requiredLimits.maxBufferSize = adapter.limits.maxBufferSize;
      // Lets the fused workgroup-memory FFT take longer rows and columns.
      requiredLimits.maxComputeWorkgroupStorageSize = adapter.limits.maxComputeWorkgroupStorageSize;
    }
    const device = await adapter.requestDevice({
      requiredFeatures: timestamps ? ['timestamp-query'] : [],
      requiredLimits,
    });
    const acquired: AcquiredDevice = { device, adapterName: name, isFallbackAdapter: fallback, timestamps, limits: device.limits };
    void device.lost.then((info) => {
      // Only forget the device that was lost (a newer one may already be in use).
      if (this.current) {
        void this.current.then((d) => {
          if (d.device === device) this.current = null;
        });
      }
      for (const listener of this.lostListeners) listener(`${info.reason}: ${info.message}`);
    });
    device.addEventListener('uncapturederror', (event) => {
      const message = (event as GPUUncapturedErrorEvent).error.message;
      console.error(`fsim-gpu: uncaptured WebGPU error: ${message}`);
    });
    return acquired;
  }

  /** Destroys the device (an intentional loss: listeners still run). */
  async destroy(): Promise<void> {
    const current = this.current;
    this.current = null;
    if (current) (await current.catch(() => null))?.device.destroy();
  }
}
