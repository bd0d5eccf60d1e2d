/**
 * `fsim serve` as a process, for tests and benchmarks: started with its arguments, resolved
 * once it prints its address (or rejected with its stderr if it exits first).
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

export interface ServeProcess {
  readonly child: ChildProcess;
  /** http://host:port, as it printed it. */
  readonly url: string;
  /** The engine it printed ('cpu (float64, 2 threads)', …). */
  readonly engine: string;
  /** Its exit code, once it exits. */
  readonly exited: Promise<number | null>;
  /** What it wrote on stderr so far. */
  stderr(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/** Runs `node BIN serve ARGS…` (BIN: a checkout's or an installed package's bin/fsim.js). */
export async function startServe(bin: string, args: readonly string[], options: SpawnOptions = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let err = '';
  const [url, engine] = await new Promise<[string, string]>((done, fail) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const match = /fsim serve: (http:\/\/\S+) \(engine: ([^;]+);/.exec(err);
      if (match) done([match[1], match[2]]);
    });
    child.on('exit', (code) => fail(new Error(`fsim serve exited (${code}): ${err}`)));
  });
  return {
    child,
    url,
    engine,
    exited,
    stderr: () => err,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
