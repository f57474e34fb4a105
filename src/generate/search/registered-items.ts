/**
 * Items that register themselves with their owner. A method's missed lines often need a
 * container attribute of `self` that is empty when the class is built (`if not self.jobs:`), and
 * that no method of the class fills: an object of another class adds itself to it
 * (`Job.do` runs `self.scheduler.jobs.append(self)`), an object the owner itself builds and
 * links back (`def every(self, interval=1): return Job(interval, self)`). The receiver gets such
 * an item through that chain: `obj.every().do(sample_no_args)`, and when the item's method needs
 * the item set up first, through one of the item's own setters as well
 * (`obj.every().seconds.do(sample_no_args)`, see receiver-state.ts).
 */
import type { Node } from 'web-tree-sitter';
import { withPythonTree } from '../../python/parser.js';
import { classState } from './receiver-state.js';

/** One way to put an item into the owner's attribute. */
export interface Registration {
  /** The owner's attribute the item is added to (`jobs`). */
  attr: string;
  /** The owner's method that builds the item linked to it (`every`), and whether it needs arguments. */
  builder: string;
  builderNeedsArgs: boolean;
  /** The item's class (`Job`) and its method that adds the item to the owner (`do`). */
  itemClass: string;
  method: string;
  /** The item's setters (`.seconds`, `.reset()`), to try between the two calls. */
  setters: string[];
}

/** How many of the item's setters are tried. */
const MAX_SETTERS = 3;
const ADDS = '(?:append|add|extend|insert|appendleft|setdefault|update)';

/** The registrations of items into the attributes of `ownerClass` (its last name), from one parse of the module. */
export async function registrations(source: string, ownerClass: string): Promise<Registration[]> {
  const found = await withPythonTree(source, (tree) => {
    const classes = new Map<string, Array<{ name: string; def: Node }>>();
    for (const node of tree.rootNode.namedChildren) {
      if (node?.type !== 'class_definition') continue;
      classes.set(node.childForFieldName('name')?.text ?? '', methodsOf(node));
    }
    const owner = classes.get(ownerClass);
    if (!owner) return [];
    const out: Array<Omit<Registration, 'setters'>> = [];
    for (const [itemClass, methods] of classes) {
      if (itemClass === ownerClass) continue;
      // The owner's methods that build an item linked back to it and return it: `return
      // Job(interval, self)`, or `job = Job(interval, self)` then `return job` (`-> "Job"`).
      const builds = new RegExp(`\\b${itemClass}\\((?:[^()]|\\([^()]*\\))*\\bself\\b`);
      const returns = new RegExp(`\\breturn\\s+${itemClass}\\(|->\\s*['"]?${itemClass}\\b|\\breturn\\s+\\w+\\s*$`, 'm');
      const builders = owner.filter((m) => !m.name.startsWith('_') && builds.test(m.def.text) && returns.test(m.def.text));
      if (builders.length === 0) continue;
      for (const m of methods) {
        if (m.name.startsWith('__')) continue;
        // `self.scheduler.jobs.append(self)`, `self.parent.children[self.name] = self`.
        for (const match of m.def.text.matchAll(new RegExp(`\\bself\\.\\w+\\.(\\w+)(?:\\.${ADDS}\\(|\\[[^\\]\\n]*\\]\\s*=(?!=))`, 'g'))) {
          const attr = match[1]!;
          for (const b of builders) {
            if (out.some((r) => r.attr === attr && r.builder === b.name && r.itemClass === itemClass && r.method === m.name)) continue;
            out.push({ attr, builder: b.name, builderNeedsArgs: needsArgs(b.def), itemClass, method: m.name });
          }
        }
      }
    }
    return out;
  });
  if (found.length === 0) return [];
  const setters = new Map<string, string[]>();
  for (const r of found) {
    if (!setters.has(r.itemClass)) {
      const state = await classState(source, r.itemClass);
      setters.set(r.itemClass, [...new Set([...state.setters.values()].flat())].map((s) => s.replace(/^obj/, '')).slice(0, MAX_SETTERS));
    }
  }
  return found.map((r) => ({ ...r, setters: setters.get(r.itemClass)! }));
}

/** The statements that add an item to `obj` for `reg`, given calls of the builder and of the item's method as written on `obj` (`obj.every(1)`, `obj.do(f)`). */
export function registrationStatements(reg: Registration, builderCall: string | null, methodCall: string): string[] {
  const build = builderCall ?? `obj.${reg.builder}()`;
  const add = methodCall.replace(/^obj/, '');
  return [`${build}${add}`, ...reg.setters.map((s) => `${build}${s}${add}`)];
}

function methodsOf(cls: Node): Array<{ name: string; def: Node }> {
  const out: Array<{ name: string; def: Node }> = [];
  for (const item of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = item?.type === 'decorated_definition' ? item.childForFieldName('definition') : item;
    if (def?.type === 'function_definition') out.push({ name: def.childForFieldName('name')?.text ?? '', def });
  }
  return out;
}

/** Whether a method has a parameter besides `self` without a default. */
function needsArgs(def: Node): boolean {
  const params = (def.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => !!p && p.type !== 'comment');
  return params.slice(1).some((p) => p.type === 'identifier' || p.type === 'typed_parameter');
}
