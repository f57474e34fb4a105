/**
 * A small reader for Python type annotations as written: `Optional[List[int]]`, `int | None`,
 * `dict[str, "Widget"]`, `Literal["a", "b"]`, `typing.Tuple[int, ...]`.
 */
export type TypeExpr =
  | { kind: 'name'; name: string; args: TypeExpr[] }
  | { kind: 'union'; options: TypeExpr[] }
  | { kind: 'literal'; values: string[] }
  | { kind: 'ellipsis' }
  | { kind: 'unknown'; text: string };

export function parseAnnotation(text: string): TypeExpr {
  const source = unquote(text.trim());
  try {
    const reader = new Reader(source);
    const expr = reader.union();
    reader.skipSpace();
    return reader.done() ? expr : { kind: 'unknown', text: source };
  } catch {
    return { kind: 'unknown', text: source };
  }
}

/** The last dotted part, e.g. `typing.Optional` -> `Optional`. */
export function baseName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function unquote(text: string): string {
  const m = /^(['"])(.*)\1$/s.exec(text);
  return m ? m[2]! : text;
}

class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  union(): TypeExpr {
    const options = [this.primary()];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '|') break;
      this.pos++;
      options.push(this.primary());
    }
    return options.length === 1 ? options[0]! : { kind: 'union', options };
  }

  primary(): TypeExpr {
    this.skipSpace();
    const rest = this.text.slice(this.pos);
    if (rest.startsWith('...')) {
      this.pos += 3;
      return { kind: 'ellipsis' };
    }
    const quoted = /^(['"])((?:\\.|(?!\1).)*)\1/.exec(rest);
    if (quoted) {
      this.pos += quoted[0].length;
      return parseAnnotation(quoted[2]!);
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*/u.exec(rest);
    if (!name) {
      const lit = /^-?\d+(?:\.\d+)?|^None|^True|^False/.exec(rest);
      if (lit) {
        this.pos += lit[0].length;
        return { kind: 'unknown', text: lit[0] };
      }
      throw new Error('unexpected');
    }
    this.pos += name[0].length;
    this.skipSpace();
    const args: TypeExpr[] = [];
    if (this.text[this.pos] === '[') {
      this.pos++;
      const base = baseName(name[0]);
      if (base === 'Literal') return this.literal();
      this.skipSpace();
      if (this.text[this.pos] === '[') {
        // Callable[[int, str], bool]: the parameter list is kept as one unknown argument.
        const close = this.text.indexOf(']', this.pos);
        this.pos = close + 1;
        args.push({ kind: 'unknown', text: 'params' });
        this.skipSpace();
        if (this.text[this.pos] === ',') this.pos++;
      }
      while (this.text[this.pos] !== ']') {
        args.push(this.union());
        this.skipSpace();
        if (this.text[this.pos] === ',') this.pos++;
        else if (this.text[this.pos] !== ']') throw new Error('unexpected');
        this.skipSpace();
      }
      this.pos++;
    }
    const base = baseName(name[0]);
    if (base === 'Optional' && args.length === 1) return { kind: 'union', options: [args[0]!, { kind: 'name', name: 'None', args: [] }] };
    if (base === 'Union') return { kind: 'union', options: args };
    return { kind: 'name', name: name[0], args };
  }

  literal(): TypeExpr {
    const values: string[] = [];
    for (;;) {
      this.skipSpace();
      const rest = this.text.slice(this.pos);
      const m = /^(?:[rbuRBU]?(['"])(?:\\.|(?!\1).)*\1|-?\d+(?:\.\d+)?|True|False|None|[\p{L}_][\p{L}\p{N}_.]*)/u.exec(rest);
      if (!m) throw new Error('unexpected');
      values.push(m[0]);
      this.pos += m[0].length;
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] === ']') {
        this.pos++;
        return { kind: 'literal', values };
      }
      throw new Error('unexpected');
    }
  }
}
