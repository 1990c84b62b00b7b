// Writes FILE.gz (gzip -9) beside each text file of the built app (web/dist) that gzip makes
// smaller, so the server answers browsers that send Accept-Encoding: gzip with it (the server
// serves FILE.gz only when it is not older than FILE; docs/web.md, "Serving").
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const TEXT = /\.(js|mjs|css|html|svg|json|txt|map)$/;
let before = 0;
let after = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (TEXT.test(name)) {
      const raw = readFileSync(path);
      const gz = gzipSync(raw, { level: 9 });
      if (gz.length + 64 >= raw.length) continue; // too small to gain
      writeFileSync(`${path}.gz`, gz);
      before += raw.length;
      after += gz.length;
    }
  }
};
walk(dist);
console.log(`compress: ${(before / 1024).toFixed(1)} KiB of text → ${(after / 1024).toFixed(1)} KiB gzipped`);
