import { after, describe, it } from 'node:test';
import {
  chiSquareCdf,
  chiSquareSf,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  regularizedBeta,
  regularizedBetaComplement,
  studentTCdf,
  studentTSf,
} from '../../activities/stats/distributions';
import { assertClose, fixture, report } from '../support/r-fixture';

const d = fixture.distributions;
// Distribution functions are held to 1e-12 relative (p-value tests need only 1e-6).
const REL = 1e-12;

describe('distributions vs R', () => {
  after(() => report('stats-distributions'));

  it('pnorm, both tails, including 1e-300-sized tails', () => {
    d.normal.x.forEach((x: number, i: number) => {
      assertClose(normalCdf(x), d.normal.cdf[i], `pnorm(${x})`, REL, 1e-320);
      assertClose(normalSf(x), d.normal.sf[i], `pnorm(${x}, lower = FALSE)`, REL, 1e-320);
    });
  });

  it('qnorm', () => {
    d.quantile.p.forEach((p: number, i: number) => assertClose(normalQuantile(p), d.quantile.q[i], `qnorm(${p})`, REL));
  });

  it('pt, both tails', () => {
    d.t.t.forEach((t: number, i: number) => {
      const df = d.t.df[i];
      assertClose(studentTSf(t, df), d.t.sf[i], `pt(${t}, ${df}, lower = FALSE)`, REL);
      assertClose(studentTCdf(-t, df), d.t.cdf[i], `pt(${-t}, ${df})`, REL);
    });
  });

  it('pchisq, both tails', () => {
    d.chisq.x.forEach((x: number, i: number) => {
      const df = d.chisq.df[i];
      assertClose(chiSquareSf(x, df), d.chisq.sf[i], `pchisq(${x}, ${df}, lower = FALSE)`, REL);
      assertClose(chiSquareCdf(x, df), d.chisq.cdf[i], `pchisq(${x}, ${df})`, REL);
    });
  });

  it('lgamma (absolute 1e-14 near its zeros)', () => {
    d.lgamma.x.forEach((x: number, i: number) => assertClose(logGamma(x), d.lgamma.value[i], `lgamma(${x})`, REL, 1e-14));
  });

  it('pbeta, both tails', () => {
    d.beta.x.forEach((x: number, i: number) => {
      const [a, b] = [d.beta.a[i], d.beta.b[i]];
      assertClose(regularizedBeta(x, a, b), d.beta.value[i], `pbeta(${x}, ${a}, ${b})`, REL);
      assertClose(regularizedBetaComplement(x, a, b), d.beta.complement[i], `pbeta(${x}, ${a}, ${b}, lower = FALSE)`, REL);
    });
  });
});
