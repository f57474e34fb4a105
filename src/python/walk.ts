import type { Node } from 'web-tree-sitter';

/**
 * Calls `enter` on `root` and every named node below it, in source order (pre-order), with an
 * explicit stack: a recursive walk overflows Node's call stack on code nested a few thousand
 * levels deep (`x + x + ... + x`, generated tables), which tree-sitter parses without complaint.
 */
export function forEachNamedNode(root: Node, enter: (node: Node) => void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    enter(node);
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push(child);
    }
  }
}

/**
 * Calls `enter` on every node below `root` (named or not: keywords and punctuation too), in
 * document order, with an explicit stack; a node's children are entered only when `enter`
 * returns true for it.
 */
export function forEachChildNode(root: Node, enter: (node: Node) => boolean): void {
  const frames: Array<{ children: (Node | null)[]; next: number }> = [{ children: root.children, next: 0 }];
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.next >= frame.children.length) {
      frames.pop();
      continue;
    }
    const child = frame.children[frame.next++];
    if (child && enter(child)) frames.push({ children: child.children, next: 0 });
  }
}

/** The assignments that stand as statements directly in `block` (a module, a class body), in order. */
export function assignmentsIn(block: Node): Node[] {
  const out: Node[] = [];
  for (const stmt of block.namedChildren) {
    const expr = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    if (expr?.type === 'assignment') out.push(expr);
  }
  return out;
}

/** Names bound by an assignment target (identifiers inside patterns; not `a.b` or `a[0]`). */
export function targetNames(node: Node | null, depth = 0): string[] {
  if (!node || depth > 64) return [];
  if (node.type === 'identifier') return [node.text];
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'list_splat_pattern', 'parenthesized_expression'].includes(node.type)) return node.namedChildren.flatMap((c) => targetNames(c, depth + 1));
  return [];
}
