import { describe, expect, it } from 'vitest';
import { programEdits } from '../../../src/generate/search/program-edits.js';
import { pyStr, strValue } from '../../../src/generate/infer/python-literal.js';

const programs = async (source: string, words: string[]) => (await programEdits(pyStr(source), words)).map((l) => strValue(l));

describe('program edits', () => {
  it('adds an argument, a compared keyword and quotes a name, the calls naming the words first', async () => {
    const out = await programs('\n    from typing import TypeVar, List\n    x: List[int] = []\n    T = TypeVar("T")\n', ['TypeVar', 'bound']);
    expect(out[0]).toBe('\nfrom typing import TypeVar, List\nx: List[int] = []\nT = TypeVar("T", "T")\n');
    expect(out.slice(0, 4)).toContain('\nfrom typing import TypeVar, List\nx: List[int] = []\nT = TypeVar("T", bound="T")\n');
    expect(out).toContain("\nfrom typing import TypeVar, List\nx: List['int'] = []\nT = TypeVar(\"T\")\n");
  });

  it('gives a subscript with one index a second, in an annotation and in an expression', async () => {
    const out = await programs('from typing import Annotated\nx: Annotated[int] = 1\ny = Annotated[int]\n', ['Annotated']);
    expect(out).toContain('from typing import Annotated\nx: Annotated[int, int] = 1\ny = Annotated[int]\n');
    expect(out).toContain('from typing import Annotated\nx: Annotated[int] = 1\ny = Annotated[int, int]\n');
  });

  it('puts the first two arguments of a call into a mapping or a list of pairs', async () => {
    const out = await programs('from typing import TypedDict\nT = TypedDict("T", int)\n', ['TypedDict']);
    expect(out).toContain('from typing import TypedDict\nT = TypedDict("T", {"T": int})\n');
    expect(out).toContain('from typing import TypedDict\nT = TypedDict("T", [("T", int)])\n');
  });

  it('renames a called or subscripted imported name to a compared word, its import included', async () => {
    const out = await programs('from typing import Optional\ndef f() -> Optional[int]:\n    pass\n', ['Literal']);
    expect(out).toContain('from typing import Literal\ndef f() -> Literal[int]:\n    pass\n');
    expect(out).toContain("from typing import Optional\ndef f() -> Optional['int']:\n    pass\n");
    expect((await programEdits(pyStr('from typing import TypeVar\nT = TypeVar("T")\n'), ['cast', 'bound'], 'renames')).map(strValue)).toEqual([
      'from typing import cast\nT = cast("T")\n',
      'from typing import bound\nT = bound("T")\n',
    ]);
  });

  it('leaves strings that are not whole programs alone', async () => {
    expect(await programEdits("'select * from t'", ['select'])).toEqual([]);
    expect(await programEdits("'f(x)'", ['bound'])).toEqual([]);
    expect(await programEdits(pyStr('def f(:\n  pass\n'), ['bound'])).toEqual([]);
    expect(await programEdits(pyStr('x = "caf\u00e9"\ny = f(x)\n'), ['bound'])).toEqual([]);
  });
});
