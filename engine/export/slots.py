"""Fill a template: a real, runnable Python module whose named statements the export replaces.

A template (``templates/*.py``) is an ordinary program: as it stands it trains a small example
network.  An export turns it into a script for one session by

* **slots**: ``{name: source}`` replaces the one statement that defines ``name`` (``name = …``,
  ``def name``, ``class name``) or, when ``name`` ends in "()", calls it (``scheduler.step()``
  is the slot ``"scheduler.step()"``), at any depth, its whole lines, by ``source``, indented
  to match (``"__doc__"``: the module's docstring);
  ``None`` removes it together with the comment lines just above it;
* **choices**: ``{base: variant}`` keeps the function ``base__variant`` under the name ``base``
  and drops the other ``base__*`` variants and the template's own ``base = base__…`` choice;
* **pruning**: then every top-level function, class, constant and import that nothing uses any
  more is dropped (with its comment lines), until none is left — so a template may offer every
  activation, loss and optimizer and the script keeps the ones it calls.

>>> fill("A = 1\\nB = 2\\nprint(B)\\n", {"B": "B = 3"})
'B = 3\\nprint(B)\\n'
"""
from __future__ import annotations

import ast
import re
import sys
import textwrap
from importlib import resources

__all__ = ["fill", "paste", "template_source"]


def template_source(name: str) -> str:
    """The text of ``templates/<name>.py``, read as package data (never imported: some
    templates import torch, which the engine does not need)."""
    return (resources.files(__package__) / "templates" / f"{name}.py").read_text(encoding="utf-8")


def fill(template: str, slots: dict[str, str | None] | None = None,
         choices: dict[str, str] | None = None) -> str:
    """The template's source with ``slots`` and ``choices`` applied and unused code pruned
    (see the module docstring).  ValueError when a slot or choice names nothing, or more
    than one statement."""
    slots, choices = dict(slots or {}), dict(choices or {})
    tree = ast.parse(template)
    lines = template.splitlines()
    edits: list[tuple[int, int, list[str]]] = []        # (first line, last line, new lines)
    found: dict[str, list[ast.stmt]] = {}
    if ast.get_docstring(tree, clean=False) is not None:
        found["__doc__"] = [tree.body[0]]               # the slot "__doc__": the docstring
    for node in _statements(tree):
        for name in _defined_names(node) + _called_name(node):
            found.setdefault(name, []).append(node)
    for name, source in slots.items():
        nodes = found.get(name, [])
        if len(nodes) != 1:
            raise ValueError(f"the template defines {name!r} {len(nodes)} times, not once")
        edits.append(_edit(lines, nodes[0], source))
    for base, variant in choices.items():
        variants = [n for n in tree.body if isinstance(n, ast.FunctionDef)
                    and n.name.startswith(base + "__")]
        if f"{base}__{variant}" not in {n.name for n in variants}:
            raise ValueError(f"the template has no variant {variant!r} of {base!r}")
        for node in variants:
            if node.name == f"{base}__{variant}":
                at = node.lineno - 1                     # the def line, after decorators
                lines[at] = lines[at].replace(f"def {node.name}(", f"def {base}(", 1)
            else:
                edits.append(_edit(lines, node, None))
        edits += [_edit(lines, node, None) for node in found.get(base, [])
                  if isinstance(node, ast.Assign)]          # the template's own choice
    for first, last, new in sorted(edits, reverse=True):
        lines[first:last] = new
    return _tidy(_prune("\n".join(lines) + "\n"))


def paste(template: str, part: str, module: str) -> str:
    """``template`` with its statement ``from ….<module> import …`` replaced by the code of
    ``part`` (the source of that module): the part's imports join the template's, and its
    definitions of names the template defines already are dropped (the template's win).
    So two templates can share code and each still imports and runs on its own.  (The
    template's imports are those at its head; later ones are other parts to paste.)"""
    tree, lines = ast.parse(template), template.splitlines()
    where = [n for n in tree.body if isinstance(n, ast.ImportFrom)
             and (n.module or "").split(".")[-1] == module]
    if len(where) != 1:
        raise ValueError(f"the template imports from {module!r} {len(where)} times, not once")
    ours = {name for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))
            for name in _defined_names(n)}
    part_tree, part_lines = ast.parse(part), part.splitlines()
    heads = _head_imports(tree)
    imports = list(heads)
    drop = []
    for node in part_tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
            drop.append(node)
        elif ast.get_docstring(part_tree) is not None and node is part_tree.body[0]:
            drop.append(node)
        elif _defined_names(node) and set(_defined_names(node)) <= ours:
            drop.append(node)
    for first, last, _ in sorted((_edit(part_lines, n, None) for n in drop), reverse=True):
        del part_lines[first:last]
    first, last, _ = _edit(lines, where[0], None)
    lines[first:last] = part_lines
    lines[heads[0].lineno - 1:heads[-1].end_lineno] = _import_block(imports)
    return "\n".join(lines) + "\n"


def _head_imports(tree: ast.Module) -> list[ast.stmt]:
    """The import statements at the head of a module (after its docstring)."""
    body = tree.body[1:] if ast.get_docstring(tree, clean=False) is not None else tree.body
    heads = []
    for node in body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            break
        heads.append(node)
    return heads


def _import_block(imports: list[ast.stmt]) -> list[str]:
    """The import statements, deduplicated, standard library first, as isort orders them."""
    def key(node):
        module = node.names[0].name if isinstance(node, ast.Import) else node.module
        return (isinstance(node, ast.ImportFrom), module, ast.unparse(node))
    groups: dict[bool, set] = {True: set(), False: set()}
    for node in imports:
        module = node.names[0].name if isinstance(node, ast.Import) else node.module
        groups[module.split(".")[0] in sys.stdlib_module_names].add(node)
    out = []
    for stdlib in (True, False):
        texts = list(dict.fromkeys(ast.unparse(n) for n in sorted(groups[stdlib], key=key)))
        if texts:
            out += ([""] if out else []) + texts
    return out


def _statements(tree: ast.AST):
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            children = getattr(node, field, None)
            for child in children if isinstance(children, list) else ():
                if isinstance(child, ast.stmt):
                    yield child


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.Assign):
        targets = [e for t in node.targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
        return [t.id for t in targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    return []


def _called_name(node: ast.stmt) -> list[str]:
    """``["a.b.f()"]`` for a statement that is a call ``a.b.f(…)`` (or ``["f()"]`` for
    ``f(…)``), else ``[]``."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, (ast.Name, ast.Attribute)):
            return [ast.unparse(func) + "()"]
    return []


def _edit(lines: list[str], node: ast.stmt, source: str | None) -> tuple[int, int, list[str]]:
    """Replace the whole lines of ``node`` (decorators included) by ``source``, indented as
    the node; None removes them and the comment lines right above."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
    last = node.end_lineno
    if source is None:
        while first > 0 and lines[first - 1].strip().startswith("#"):
            first -= 1
        return first, last, []
    indent = " " * node.col_offset
    new = [indent + line if line.strip() else "" for line in
           textwrap.dedent(source).strip("\n").splitlines()]
    return first, last, new


def _prune(source: str) -> str:
    """Drop top-level definitions and imports that nothing loads, until none is left."""
    while True:
        tree = ast.parse(source)
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                and not isinstance(n.ctx, ast.Store)}
        lines = source.splitlines()
        dead = [node for node in tree.body if _defined_names(node)
                and not set(_defined_names(node)) & used
                and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
        if not dead:
            return source
        for first, last, _ in sorted((_edit(lines, node, None) for node in dead), reverse=True):
            del lines[first:last]
        source = "\n".join(lines) + "\n"


def _tidy(source: str) -> str:
    """Two blank lines around every top-level function and class (its comments included),
    at most two anywhere; one newline at the end."""
    source = re.sub(r"\n{4,}", "\n\n\n", source).rstrip("\n")
    lines, tree = source.split("\n"), ast.parse(source)
    for node in reversed(tree.body[1:]):
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            continue
        first, last, _ = _edit(lines, node, None)
        after = next((i for i in range(last, len(lines)) if lines[i].strip()), None)
        if after is not None and after - last < 2:
            lines[last:after] = ["", ""]
        before = max(i for i in range(first) if lines[i].strip()) + 1
        lines[before:first] = ["", ""]
    return "\n".join(lines) + "\n"
