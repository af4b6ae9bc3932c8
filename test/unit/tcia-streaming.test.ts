import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { TciaClient } from '../../activities/sources/tcia/client';
import { collectionSpecFromFolder } from '../../activities/sources/tcia-server/collection-spec';
import { startLocalNbiaServer } from '../../activities/sources/tcia-server/server';
import { FileStore } from '../../activities/storage/file-store';
import { formatFileUri, joinUri } from '../../activities/storage/uri';

const FILE_COUNT = 24;
const FILE_BYTES = 2.5 * 1024 * 1024;

/** The garbage collector as a function (exposed at run time, as --expose-gc would). */
function exposedGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

test('a series download streams: memory retained during it stays well below the series size', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'rg-tcia-stream-'));
  const folder = path.join(root, 'STREAM', 'P1', '1.5.1', '1.5.1.1');
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < FILE_COUNT; i++) {
    await writeFile(path.join(folder, `1.5.1.1.${i + 1}.dcm`), Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), randomBytes(FILE_BYTES)]));
  }
  const server = await startLocalNbiaServer(await collectionSpecFromFolder(path.join(root, 'STREAM')), { compressZip: false });
  try {
    const client = new TciaClient({ baseUrl: server.baseUrl, tempDir: root, retry: { attempts: 1 } });
    const memory = () => {
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const gc = exposedGc();
    gc();
    const baseline = memory();
    let peak = baseline;
    const result = await client.downloadSeries(new FileStore(), {
      seriesInstanceUid: '1.5.1.1',
      prefixUri: joinUri(formatFileUri(root), 'out'),
      onProgress: () => {
        gc(); // retained memory, not garbage awaiting collection
        peak = Math.max(peak, memory());
      },
    });
    const seriesBytes = FILE_COUNT * FILE_BYTES;
    const extra = peak - baseline;
    assert.equal(result.files.length, FILE_COUNT, 'all files downloaded');
    assert.ok(
      extra < seriesBytes / 4,
      `peak retained extra memory ${(extra / 2 ** 20).toFixed(1)} MiB should stay below a quarter of the series (${(seriesBytes / 2 ** 20).toFixed(0)} MiB)`,
    );
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
