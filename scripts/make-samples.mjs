// Renders the bundled sample pair (demo/public/samples): a synthetic 512×384 scene and a
// distorted copy (blur, noise, heavy JPEG). Run once; the outputs are committed.
import sharp from 'sharp';

const W = 512,
  H = 384;
const stripes = Array.from(
  { length: 24 },
  (_, k) => `<rect x="${300 + k * 8}" y="40" width="${k % 2 ? 4 : 3}" height="90" fill="#1d2a44"/>`,
).join('');
const rings = Array.from(
  { length: 9 },
  (_, k) => `<circle cx="120" cy="250" r="${90 - k * 10}" fill="none" stroke="${k % 2 ? '#f4d35e' : '#ee964b'}" stroke-width="5"/>`,
).join('');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7fb7e6"/><stop offset="1" stop-color="#f1e3c8"/></linearGradient>
    <radialGradient id="sun"><stop offset="0" stop-color="#fff7d6"/><stop offset="1" stop-color="#f0a202"/></radialGradient>
  </defs>
  <rect width="${W}" height="${H}" fill="url(#sky)"/>
  <circle cx="430" cy="220" r="46" fill="url(#sun)"/>
  <path d="M0 300 L90 210 L170 280 L260 190 L360 290 L450 240 L512 280 L512 384 L0 384 Z" fill="#3c6e47"/>
  <path d="M0 340 Q128 300 256 340 T512 330 L512 384 L0 384 Z" fill="#264d33"/>
  ${stripes}${rings}
  <rect x="200" y="150" width="110" height="80" rx="8" fill="#c0392b"/>
  <polygon points="195,152 255,105 315,152" fill="#7b241c"/>
  <rect x="240" y="185" width="30" height="45" fill="#f7dc6f"/>
  <text x="24" y="60" font-family="DejaVu Sans, sans-serif" font-size="38" font-weight="bold" fill="#0b3954">fsim-gpu</text>
  <text x="26" y="92" font-family="DejaVu Sans, sans-serif" font-size="17" fill="#0b3954">feature similarity on WebGPU</text>
</svg>`;

const reference = await sharp(Buffer.from(svg)).removeAlpha().png().toBuffer();
await sharp(reference).toFile('demo/public/samples/reference.png');
const { data, info } = await sharp(reference).blur(1.2).raw().toBuffer({ resolveWithObject: true });
let seed = 7;
const noise = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed / 2147483648 - 0.5) * 24;
};
for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i] + noise()));
await sharp(data, { raw: info }).jpeg({ quality: 18 }).toFile('demo/public/samples/distorted.jpg');
console.log('wrote demo/public/samples/reference.png and distorted.jpg');
