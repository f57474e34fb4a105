import { describe, expect, it } from 'vitest';
import { hiddenKeywords, withHiddenKeywords } from '../../../src/python/hidden-keywords.js';
import { parsePython } from '../../../src/python/structure.js';

const SOURCE = `def remap(root, visit=None, **kwargs):
    reraise = kwargs.pop('reraise_visit', True)
    trace = kwargs.pop("trace", ())
    level = kwargs.get('level')
    mode = kwargs['mode']
    again = kwargs.pop('trace')
    visit = kwargs.pop('visit', None)
    return root, reraise, trace, level, mode, again, visit


def plain(a, b=1):
    return kwargs.pop('x', 1)
`;

describe('hiddenKeywords', () => {
  it("reads the keys a body takes from its **kwargs, their defaults and the locals they go into; not the function's own parameters", async () => {
    const module = await parsePython(SOURCE);
    const remap = module.functions.find((f) => f.name === 'remap')!;
    const hidden = hiddenKeywords(remap, SOURCE);
    expect(hidden).toEqual([
      { name: 'reraise_visit', default: 'True', locals: ['reraise'] },
      { name: 'trace', default: '()', locals: ['trace', 'again'] },
      { name: 'level', default: 'None', locals: ['level'] },
      { name: 'mode', default: null, locals: ['mode'] },
    ]);
    expect(withHiddenKeywords(remap.parameters, hidden).map((p) => `${p.kind}:${p.name}=${p.default}`)).toEqual([
      'positional_or_keyword:root=null',
      'positional_or_keyword:visit=None',
      'keyword_only:reraise_visit=True',
      'keyword_only:trace=()',
      'keyword_only:level=None',
      'keyword_only:mode=null',
      'var_keyword:kwargs=null',
    ]);
    // Without **kwargs of its own, a function has none.
    expect(hiddenKeywords(module.functions.find((f) => f.name === 'plain')!, SOURCE)).toEqual([]);
  });
});
