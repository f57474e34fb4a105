/**
 * Receiver states for the search: a method's missed lines often depend on the state of `self`
 * (`if self.unit == "days":`), which the constructor's arguments do not set. For each attribute
 * the lines near a missed line read, the search tries the class's own ways to set it (a method or
 * property without arguments whose body assigns `self.attr = <literal>`, e.g. a fluent `day`
 * property), then a direct assignment of the literals that attribute is compared with.
 */
import type { Node } from 'web-tree-sitter';
import { withPythonTree } from '../../python/parser.js';
import { forEachNamedNode as visit } from '../../python/walk.js';

/** One way to set an attribute: a statement to run on `obj` after it is built. */
export interface StateStep {
  attr: string;
  /** Python statement using `obj`: `obj.days`, `obj.reset()`, `obj.unit = 'days'`. */
  statement: string;
}

export interface ClassState {
  /**
   * attr -> the class's methods and properties that change it without arguments (`obj.reset()`,
   * `obj.day`, `next(obj)` for an iterator's `__next__`), those that set it to a literal first.
   */
  setters: Map<string, string[]>;
  /** attr -> literals it is assigned or compared with anywhere in the class. */
  literals: Map<string, string[]>;
  /** attr -> the class's other methods that take arguments and assign it (`def at(self, when, tz)` setting `self.zone`). */
  assigners: Map<string, string[]>;
}

const LITERAL = new Set(['string', 'integer', 'float', 'true', 'false', 'none']);

/** What the class `className` (its last name) does with the attributes of `self`, from one parse of the module. */
export async function classState(source: string, className: string): Promise<ClassState> {
  return withPythonTree(source, (tree) => {
    const state: ClassState = { setters: new Map(), literals: new Map(), assigners: new Map() };
    const cls = findClass(tree.rootNode, className);
    if (!cls) return state;
    const body = cls.childForFieldName('body');
    for (const item of body?.namedChildren ?? []) {
      if (!item) continue;
      const def = item.type === 'decorated_definition' ? item.childForFieldName('definition') : item;
      if (!def || def.type !== 'function_definition') continue;
      const decorators = item.type === 'decorated_definition' ? item.namedChildren.filter((n) => n?.type === 'decorator').map((n) => n!.text) : [];
      const name = def.childForFieldName('name')?.text ?? '';
      const params = (def.childForFieldName('parameters')?.namedChildren ?? []).filter((p) => p && p.type !== 'comment');
      const isProperty = decorators.some((d) => /^@(\w+\.)*(property|cached_property)$/.test(d.trim()));
      const isPlain = decorators.length === 0 && params.length === 1;
      const callable = !name.startsWith('__') && (isProperty || isPlain);
      // Without arguments, whatever it does to an attribute (`self._cache.append(item)` in an
      // iterator's `__next__`): a step that changes that attribute's state.
      const step = callable ? (isProperty ? `obj.${name}` : `obj.${name}()`) : isPlain && name === '__next__' ? 'next(obj)' : null;
      if (step) for (const attr of attributesChangedBy(def.text, def.text)) add(state.setters, attr, step);
      visit(def, (node) => {
        if (node.type === 'assignment') {
          const attr = selfAttr(node.childForFieldName('left'));
          const right = node.childForFieldName('right');
          if (attr && right && LITERAL.has(right.type)) {
            add(state.literals, attr, right.text);
            if (callable) add(state.setters, attr, isProperty ? `obj.${name}` : `obj.${name}()`);
          }
          if (attr && !name.startsWith('__') && !isProperty && decorators.length === 0 && params.length > 1) add(state.assigners, attr, name);
        } else if (node.type === 'comparison_operator') {
          const parts = node.namedChildren.filter((n): n is Node => n !== null);
          const attr = parts.map((p) => selfAttr(p)).find((a) => a !== null);
          if (!attr) return;
          for (const p of parts) {
            if (LITERAL.has(p.type)) add(state.literals, attr, p.text);
            else if (p.type === 'tuple' || p.type === 'list' || p.type === 'set') for (const x of p.namedChildren) if (x && LITERAL.has(x.type)) add(state.literals, attr, x.text);
          }
        }
      });
    }
    return state;
  });
}

/** The attributes of `self` that `window` (source lines) reads, in order of first reading. */
export function attributesRead(window: string): string[] {
  return [...new Set([...window.matchAll(/\bself\.([A-Za-z_]\w*)\b(?!\s*\()/g)].map((m) => m[1]!))];
}

/** Statements that put `obj` in another state, for the attributes `window` (source lines near the missed lines) reads. */
export function stateSteps(state: ClassState, window: string): StateStep[] {
  const attrs = attributesRead(window);
  const steps: StateStep[] = [];
  for (const attr of attrs) {
    for (const statement of state.setters.get(attr) ?? []) steps.push({ attr, statement });
    for (const literal of state.literals.get(attr) ?? []) steps.push({ attr, statement: `obj.${attr} = ${literal}` });
  }
  return steps;
}

function add(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key) ?? [];
  if (!list.includes(value)) list.push(value);
  map.set(key, list);
}

function selfAttr(node: Node | null | undefined): string | null {
  if (!node || node.type !== 'attribute') return null;
  const object = node.childForFieldName('object');
  const attr = node.childForFieldName('attribute');
  return object?.type === 'identifier' && object.text === 'self' && attr ? attr.text : null;
}

function findClass(root: Node, name: string): Node | null {
  for (const node of root.descendantsOfType('class_definition')) if (node && node.childForFieldName('name')?.text === name) return node;
  return null;
}

/**
 * The attributes of `self` that `guards` (the lines near the missed ones and their conditions)
 * read and that `body` (the method's own source) changes: assigns, adds to, or stores into
 * (`self.seen.add(name)`, `self.depth += 1`, `self._seen_begin = True`, `self.cache[k] = v`).
 * A call of the method itself then puts the receiver in the state a second call needs.
 */
export function attributesChangedBy(body: string, guards: string): string[] {
  return attributesRead(guards).filter((a) => changes(a).test(body));
}

/** The lines of `lines` (1-based numbers from `first`) that change one of `attrs` (see attributesChangedBy). */
export function linesChanging(lines: readonly string[], first: number, attrs: readonly string[]): Set<number> {
  const out = new Set<number>();
  const res = attrs.map(changes);
  lines.forEach((line, i) => {
    if (res.some((re) => re.test(line))) out.add(first + i);
  });
  return out;
}

function changes(attr: string): RegExp {
  return new RegExp(`\\bself\\.${attr}\\s*(?:[-+*/|&]|//)?=(?!=)|\\bself\\.${attr}\\.(?:append|add|update|extend|insert|setdefault|pop|remove|discard|clear)\\(|\\bself\\.${attr}\\[[^\\]\\n]*\\]\\s*=(?!=)`);
}
