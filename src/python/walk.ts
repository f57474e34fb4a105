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
