/**
 * Writes the CPU FFT's unrolled odd-radix butterflies (stage7, stage11, stage13 in
 * src/cpu/fft.ts): the direct DFT of radix R folded over the pairs (r, R − r), with the
 * outputs q and R − q sharing their sums, every value in a local.
 *   npx tsx scripts/oddRadix.ts 7 11 13 | npx biome format --stdin-file-path=fft.ts
 * prints what stands in src/cpu/fft.ts between its radix-5 butterfly and stage().
 */
function butterfly(R: number): string {
  const h = (R - 1) / 2;
  const ks = Array.from({ length: h }, (_, k) => k + 1);
  const L: string[] = [];
  L.push(`const COS${R} = [${ks.map((m) => `Math.cos((2 * Math.PI * ${m}) / ${R})`).join(', ')}];`);
  L.push(`const SIN${R} = [${ks.map((m) => `Math.sin((2 * Math.PI * ${m}) / ${R})`).join(', ')}];`);
  L.push('');
  L.push(`/** Radix ${R}. */`);
  L.push(
    `function stage${R}(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr, w: number, xo: number, xl: number, yo: number, yl: number): void {`,
  );
  L.push(`  const g = n / ${R};`);
  L.push('  const gw = g * xl, sw = s * yl;');
  L.push(`  const ${ks.map((m) => `c${m} = COS${R}[${m - 1}], s${m} = SIN${R}[${m - 1}]`).join(', ')};`);
  L.push('  for (let j0 = 0; j0 < g; j0 += s) {');
  L.push('    for (let k = 0; k < s; k++) {');
  L.push(`      const t = ${2 * (R - 1)} * k;`);
  L.push('      const i0 = xo + (j0 + k) * xl;');
  L.push(`      const o0 = yo + (j0 * ${R} + k) * yl;`);
  L.push('      for (let c = 0; c < w; c++) {');
  L.push('        const p0 = i0 + c;');
  L.push('        const a0r = xr[p0], a0i = xi[p0];');
  L.push('        let p = p0, pr = 0, pi = 0, wr = 0, wi = 0;');
  for (let r = 1; r < R; r++) {
    L.push(
      `        p += gw;\n        pr = xr[p];\n        pi = xi[p];\n        wr = tw[t + ${2 * (r - 1)}];\n        wi = tw[t + ${2 * (r - 1) + 1}];`,
    );
    L.push(`        const a${r}r = pr * wr - pi * wi, a${r}i = pr * wi + pi * wr;`);
  }
  for (const r of ks) {
    L.push(
      `        const u${r}r = a${r}r + a${R - r}r, u${r}i = a${r}i + a${R - r}i, v${r}r = a${r}r - a${R - r}r, v${r}i = a${r}i - a${R - r}i;`,
    );
  }
  L.push('        const q0 = o0 + c;');
  L.push(`        yr[q0] = a0r + ${ks.map((r) => `u${r}r`).join(' + ')};`);
  L.push(`        yi[q0] = a0i + ${ks.map((r) => `u${r}i`).join(' + ')};`);
  for (const q of ks) {
    // cos(2π m/R) = cos(2π (R − m)/R); sin(2π m/R) = −sin(2π (R − m)/R).
    const terms = ks.map((r) => {
      const m = (r * q) % R;
      return m <= h ? { c: `c${m}`, s: `s${m}`, sign: '+' } : { c: `c${R - m}`, s: `s${R - m}`, sign: '-' };
    });
    const odd = (part: 'r' | 'i') =>
      terms.map((t, k) => `${k === 0 ? (t.sign === '-' ? '-' : '') : ` ${t.sign} `}${t.s} * v${k + 1}${part}`).join('');
    L.push(
      `        const e${q}r = a0r + ${terms.map((t, k) => `${t.c} * u${k + 1}r`).join(' + ')}, e${q}i = a0i + ${terms.map((t, k) => `${t.c} * u${k + 1}i`).join(' + ')};`,
    );
    L.push(`        const f${q}r = ${odd('r')}, f${q}i = ${odd('i')};`);
    L.push(`        yr[q0 + ${q} * sw] = e${q}r + f${q}i;`);
    L.push(`        yi[q0 + ${q} * sw] = e${q}i - f${q}r;`);
    L.push(`        yr[q0 + ${R - q} * sw] = e${q}r - f${q}i;`);
    L.push(`        yi[q0 + ${R - q} * sw] = e${q}i + f${q}r;`);
  }
  L.push('      }\n    }\n  }\n}');
  return L.join('\n');
}

const radices = process.argv.slice(2).map(Number);
if (radices.length === 0 || radices.some((r) => !(Number.isInteger(r) && r >= 3 && r % 2 === 1))) {
  console.error('usage: tsx scripts/oddRadix.ts R… (odd radices ≥ 3)');
  process.exit(2);
}
console.log(radices.map(butterfly).join('\n\n'));
