// wgsl-preprocessor ships no types and no package entry point; this is its one export.
declare module 'wgsl-preprocessor/wgsl-preprocessor.js' {
  /** Template tag resolving #if ${expr} / #elif ${expr} / #else / #endif. */
  export function wgsl(strings: TemplateStringsArray, ...values: unknown[]): string;
}
