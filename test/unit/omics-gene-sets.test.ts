import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidTableError } from '../../activities/errors';
import { demoGeneSets, readGmt, restrictToGenes, writeGmt } from '../../activities/omics/gene-sets';
import { drawModule, geneNames } from '../../activities/sources/synthetic/expression';
import { Random } from '../../activities/sources/synthetic/random';

describe('GMT gene sets', () => {
  it('reads name, description, genes and the source file; genes kept once', () => {
    const sets = readGmt('# comment\nSET_A\thttp://x\tG1\tG2\tG1\nSET_B\tdesc\tG3\n', 'my.gmt');
    assert.deepEqual(sets[0], { name: 'SET_A', description: 'http://x', genes: ['G1', 'G2'], source: 'my.gmt' }, 'first set');
    assert.deepEqual(readGmt(writeGmt(sets), 'my.gmt'), sets, 'write then read');
  });
  it('bad GMT lines are typed errors naming file and line', () => {
    const cases: [string, RegExp][] = [
      ['A\tdesc\tG1\nB\tdesc\n', /my\.gmt, line 2: .*needs a name, a description and genes/],
      ['A\tdesc\tG1\nA\tdesc\tG2\n', /my\.gmt, line 2, column "name": gene set A repeats line 1/],
      ['\tdesc\tG1\n', /my\.gmt, line 1, column "name": empty gene-set name/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => readGmt(text, 'my.gmt'), (e: unknown) => e instanceof InvalidTableError && message.test(e.message), `${message}`);
    }
  });
  it('demo sets follow the module planted in the default synthetic consortium (seed 1, 300 genes, 30 module genes)', () => {
    const root = new Random(1);
    root.split(); // centers
    root.split(); // patients
    const module = drawModule(geneNames(300), 30, root.split()); // omics stream, as generateConsortium draws it
    const sets = new Map(demoGeneSets().map((s) => [s.name, s]));
    assert.equal(sets.get('SYNTH_MODULE_ALL')?.source, 'demo-gene-sets.gmt', 'source recorded');
    assert.deepEqual([...sets.get('SYNTH_MODULE_ALL')!.genes].sort(), [...module.genes].sort(), 'module genes');
    assert.deepEqual(sets.get('SYNTH_MODULE_UP')!.genes, module.genes.filter((g) => module.loadings[g] > 0), 'positive loadings');
    assert.deepEqual(sets.get('SYNTH_MODULE_DOWN')!.genes, module.genes.filter((g) => module.loadings[g] < 0), 'negative loadings');
    for (let k = 1; k <= 5; k++) {
      const control = sets.get(`SYNTH_RANDOM_CONTROL_${k}`)!;
      assert.ok(control.genes.every((g) => !module.genes.includes(g)), `control set ${k} avoids the module`);
    }
    assert.equal(restrictToGenes([...sets.values()], module.genes, 5).length, 5, 'only the 4 module sets and the mixed set keep ≥ 5 module genes');
  });
});
