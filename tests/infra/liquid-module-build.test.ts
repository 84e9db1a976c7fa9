import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflows } from '../../domain/config/load';
import { newProfile } from '../../domain/lifecycle/apply';
import { createRenderer, type RenderInput } from '../../domain/messages/render';
import { hasEmail } from '../../domain/messages/template';
import { bundleAsLambda } from '../../infra/function-bundles';
import { REPO_ROOT, WORKFLOWS_DIR } from './support';

/**
 * Lambda's send-message runs liquidjs's ES module build (ESBUILD_OPTIONS' alias), where Jest, the CLI and
 * the local runtime load its CommonJS one: the renderer bundled as Lambda bundles it must render every
 * shipped template exactly as the renderer the rest of the suite tests.
 */
function bundledRenderer(outdir: string): { createRenderer: typeof createRenderer; inputs: string[] } {
  const outfile = join(outdir, 'render.js');
  const metafile = bundleAsLambda(REPO_ROOT, {
    stdin: {
      contents: "export { createRenderer } from './domain/messages/render';",
      resolveDir: REPO_ROOT,
      sourcefile: 'render-entry.ts',
      loader: 'ts',
    },
    outfile,
  });
  return {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is built at run time
    ...(require(outfile) as { createRenderer: typeof createRenderer }),
    inputs: Object.keys(metafile.inputs),
  };
}

describe("send-message's Liquid (the ES module build Lambda bundles)", () => {
  const outdir = mkdtempSync(join(tmpdir(), 'rapport-liquid-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('renders every shipped email and text message as the CommonJS build does', () => {
    const workflows = loadWorkflows(WORKFLOWS_DIR);
    const bundled = bundledRenderer(outdir);
    expect(bundled.inputs.filter((i) => i.includes('node_modules/liquidjs/'))).toEqual([
      expect.stringMatching(/liquid\.node\.mjs$/),
    ]);
    const [ours, lambdas] = [createRenderer(workflows), bundled.createRenderer(workflows)];
    let compared = 0;
    for (const [i, firstName] of [undefined, '<b>Ann</b> & "co"', '欧阳明月'].entries())
      for (const locale of [undefined, 'en-GB', 'zh-HK'])
        for (const [template, byLocale] of Object.entries(workflows.templates)) {
          const profile = {
            ...newProfile(`c-${i}`, workflows.lifecycle, new Date(0)),
            email: `c${i}@example.com`,
            ...(locale === undefined ? {} : { locale }),
            ...(firstName === undefined ? {} : { firstName }),
          };
          const tpl = Object.values(byLocale)[0];
          const input: RenderInput = { template, profile, unsubscribeUrl: `https://r.test/u?t=${i}&x=<y>` };
          if (tpl && hasEmail(tpl)) expect(lambdas.render(input)).toEqual(ours.render(input));
          if (tpl?.sms !== undefined)
            for (const category of ['marketing', 'transactional'] as const)
              expect(lambdas.renderSms({ template, profile, category })).toEqual(
                ours.renderSms({ template, profile, category }),
              );
          compared++;
        }
    expect(compared).toBe(9 * Object.keys(workflows.templates).length);
  });
});
