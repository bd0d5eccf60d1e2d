/**
 * The demo site's response headers, wherever it is served (Vite's dev server and preview,
 * `fsim serve`): cross-origin isolation, so the page gets SharedArrayBuffer and the CPU path its
 * worker threads. A host that cannot send them still serves a working page, on one CPU thread.
 */
export const SITE_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
