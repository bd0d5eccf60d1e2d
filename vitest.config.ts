import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Dawn needs a Vulkan driver; on machines without a GPU use the SwiftShader that Debian's
// chromium package ships (CI installs it). A GPU machine's own driver wins when set.
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (
  !process.env.VK_ICD_FILENAMES &&
  !process.env.VK_DRIVER_FILES &&
  existsSync(swiftshader) &&
  !existsSync('/dev/dri') &&
  !existsSync('/dev/nvidia0')
) {
  process.env.VK_ICD_FILENAMES = swiftshader;
}
// SwiftShader's loader complains on every start without it.
process.env.XDG_RUNTIME_DIR ??= '/tmp';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The CPU worker pool already uses every core; running test files in parallel only thrashes.
    fileParallelism: false,
  },
});
