#!/usr/bin/env python3
"""Move feature/'s flat modules into the layered subpackages and rewrite every
import that names them. Idempotent: run it again on a tree where some or all
moves are done and it finishes the rest (a file already at its destination is
left alone; an import already pointing at the new module is left alone).

Kept for branches made before the packages: after merging one, run it to move
any flat module it added (once placed in MAP) and to point its imports of the
old names (`from feature.buildstate import …`, `feature/render.py` in its docs)
at the packages.

    python tools/move_modules.py --check   # say what would move and change; exit 2 if a flat module has no destination
    python tools/move_modules.py           # do it (git mv inside a git work tree)

What it does, in this order:
1. refuses to run when feature/ holds a flat module that MAP does not place:
   add it to MAP first (and to .importlinter's tiers);
2. rewrites, in feature/, tests/, benchmarks/, tools/ and build.py, every import
   of a moved module, resolved from where the importing file is *now*: within one
   subpackage `from .x import a`, across subpackages `from feature.pkg.x import a`,
   a module imported as a name keeps its local name (`from . import write as w`
   becomes `from feature.output import write as w`); `import feature.x [as y]`
   and every `feature.x` dotted mention in that file (monkeypatch targets,
   module names in strings) follow;
3. rewrites `feature/x.py` path mentions in .py/.md files and in templates'
   Jinja comments; never in static/ (copied into every build byte for byte and
   named by its hash: a comment changed there changes the output), which it
   lists instead;
4. moves each file (`git mv`), creating each package with a docstring-only
   __init__.py;
5. applies FIXUPS: code that finds files relative to its own module.
It moves whole files only: the modules split since (printing's volumes and
PDFs, the Markdown half of photos, enrich's assembly …) are named in MAP so
that an old branch's new module of that name lands beside them.
"""
from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

# old flat module (feature/<name>.py) → new dotted module under feature.
# Modules split out of another by hand after the move are listed too (files,
# assemble, photo_figures, volumes, pdf, templates): a branch made before the
# layered packages may have created a module of that name; a missing source is skipped.
MAP = {
    # core: the newsroom's data, config, diagnostics, URLs, and reading input safely
    # (bounded reads, YAML with limits and plain-words errors); imports nothing else of feature
    "model": "core.model", "config": "core.config", "diagnostics": "core.diagnostics",
    "urls": "core.urls", "files": "core.files", "sectionparts": "core.sectionparts",
    "inputcheck": "core.inputcheck", "yamltext": "core.yamltext", "yamlcheck": "core.yamlcheck",
    "yamlhelp": "core.yamlhelp",
    # edition: sources → Article → the assembled Edition (front matter, bylines, load, validate, assemble)
    "load": "edition.load", "validate": "edition.validate", "assemble": "edition.assemble",
    "frontmatter": "edition.frontmatter", "bylines": "edition.bylines",
    # markup: one article's Markdown → HTML, sentences, key figures (no file I/O)
    "markup": "markup.renderer", "figure_markup": "markup.sentences", "figures": "markup.figures",
    "enrich": "markup.enrich", "photo_figures": "markup.photo_figures",
    # printing: the print edition (volumes, the paper rewrite and its memo, PDFs)
    "printing": "printing.forprint", "volumes": "printing.volumes", "pdf": "printing.pdf",
    "paper": "printing.paper",
    # render: the edition → pages in memory (Jinja), photos placed, static assets
    "render": "render.pages", "templates": "render.templates", "photos": "render.photos",
    "assets": "render.assets", "charts": "render.charts", "structured": "render.structured",
    "figurepages": "render.figurepages",
    # output: files made from the whole edition, the link check, the output folder and its writer
    "postprocess": "output.postprocess", "search": "output.search", "links": "output.links",
    "write": "output.write", "headers": "output.headers", "buildfolder": "output.buildfolder",
    "outputlock": "output.lock",
    # build: the clean reference build and the incremental builder
    "pipeline": "build.pipeline", "incremental": "build.incremental",
    "buildstate": "build.run", "buildscan": "build.scan", "buildpages": "build.plan",
    "buildsteps": "build.steps", "bodyedit": "build.patch", "bodystore": "build.bodies",
    "cachestore": "build.stores", "pagecache": "build.keys", "parallel": "build.workers",
    "linkindex": "build.linkindex",
    # preview: `serve` — the server, its watcher and HTTP side
    "serve": "preview.server", "watch": "preview.watch", "preview_http": "preview.http",
    # publish: deploy targets (a folder or rsync here; plan.py, s3.py, purge.py: object storage)
    "deploy": "publish.folder",
    # the commands: the bodies of `build.py COMMAND` (cli.py parses and dispatches)
    "printrun": "commands.print_edition",
}
# Names that left the module MAP moves (split since): old module → {name: (new module, new name)}.
# An old branch's `from feature.render import make_environment` becomes
# `from feature.render.templates import make_environment`.
_TEMPLATES = ("make_environment", "chinese_date", "Phrase", "headline_phrases", "context_for", "share_image",
              "render_page", "render_site")
_VOLUMES = ("Volume", "PrintedPdf", "volume_size", "print_volumes")
_PDF = ("PDF_NAME", "PDF_VARIANT", "PdfResult", "render_pdf", "pdf_jobs", "render_pdfs", "PDF_FIXED_MIB",
        "PDF_MIB_PER_HTML_MIB")
_ASSEMBLY = ("figure_facts", "check_figure_consistency", "assemble_edition", "neighbours", "group_into_sections",
             "reading_order")
NAMES = {
    "render": {n: ("render.templates", n) for n in _TEMPLATES},
    "printing": {**{n: ("printing.volumes", n) for n in _VOLUMES}, **{n: ("printing.pdf", n) for n in _PDF},
                 "body_links": ("output.links", "body_links"), "linked_paths": ("build.keys", "linked_paths"),
                 "run": ("commands.print_edition", "run")},
    "links": {"resolve_link": ("core.urls", "resolve_link")},
    "photos": {n: ("markup.photo_figures", n) for n in ("PhotoExtension", "split_title", "holds_photo")}
              | {"relink_media": ("render.photos", "relink_page"), "MARKER": ("render.photos", "MEDIA_ROOT")},
    "enrich": {n: ("edition.assemble", n) for n in _ASSEMBLY},
    "write": {"digest_of": ("core.files", "digest_of"), "replace_file": ("core.files", "replace_file"),
              "MARKER": ("output.write", "OUTPUT_MARKER")},
    "buildfolder": {"file_digest": ("core.files", "file_digest"), "MARKER": ("output.buildfolder", "OUTPUT_MARKER")},
    "deploy": {"MARKER": ("publish.plan", "DEPLOY_MARKER")},
    "pagecache": {"digest": ("core.files", "digest")},
    "parallel": {"Entry": ("build.entries", "Entry"), "load_entry": ("build.entries", "load_entry")},
    "bodystore": {"ArticleCache": ("build.entries", "ArticleCache")},
    "pipeline": {"BuildResult": ("build.result", "BuildResult")},
    "bodyedit": {"PagePlan": ("build.plan", "PagePlan"), "LastBuild": ("build.memory", "LastBuild")},
    "serve": {"serve": ("commands.serve", "serve")},
}
# Files that are not Python modules but move with their package.
OTHER_FILES = {"serve_client.js": "preview/client.js"}
STAYS = {"__init__", "cli"}          # feature/__init__.py, feature/cli.py stay where they are

PACKAGE_DOCS = {
    "core": "The newsroom's plain data (model), config, diagnostics, URLs, and reading\n"
            "input safely (bounded reads, YAML with limits). Imports nothing else of feature.",
    "edition": "Sources → Article → the assembled Edition: front matter, bylines, load,\n"
               "validate, assemble.",
    "markup": "One article's Markdown → HTML the Chinese way: sentences, key figures,\n"
              "photo figures. Pure functions of one article; no file is read or written.",
    "printing": "The print edition: volumes, the paper rewrite (`for_print`) and its memo, PDFs.",
    "render": "The edition → pages in memory: the page list, Jinja, photos placed, static assets.",
    "output": "Files made from the whole edition (post-process steps, search index), the\n"
              "link check, and the output folder: its marker, its lock, its atomic writer.",
    "build": "The two builds of one stage list: the clean reference (pipeline.py) and\n"
             "the incremental builder (incremental.py) with its caches.",
    "preview": "`build.py serve`: watch, rebuild with the builder it is handed, reload the browser.",
    "publish": "`build.py deploy`: publish a built folder to its host.",
    "commands": "The bodies of `build.py COMMAND`; cli.py parses the command line and calls them.",
}

# Text fix-ups after the move: (destination file, old, new). Code that located
# files from its own module's folder.
FIXUPS = [
    ("build/keys.py", "root = Path(__file__).resolve().parent\n",
     "root = Path(__file__).resolve().parents[1]     # feature/: every subpackage's code\n"),
    ("preview/http.py", 'with_name("serve_client.js")', 'with_name("client.js")'),
]

TEXT_SUFFIXES = {".py", ".md", ".html", ".js", ".css", ".txt", ".ini", ".cfg", ".toml"}
SKIP_DIRS = {".git", ".venv", ".cache", "content", "sources", "dist", "test-artifacts", "node_modules",
             "__pycache__"}


def old_to_new(module: str, tree: "Tree | None" = None, names=()) -> str | None:
    """'feature.links' → 'feature.output.links'; None for a module that does not
    move or is already a new name. A package named like an old module
    (feature.printing, once printing.py moved into it) is new when the names
    imported from it are its modules."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "feature" or parts[1] not in MAP:
        return None
    if tree is not None and tree.is_package(f"feature.{parts[1]}"):
        if len(parts) > 2 or (names and all(tree.exists(f"{module}.{n}") for n in names)):
            return None
    return ".".join(["feature", *MAP[parts[1]].split("."), *parts[2:]])


class Tree:
    def __init__(self, root: Path):
        self.root = root
        self.pkg = root / "feature"

    def module_of(self, path: Path) -> str:
        rel = path.relative_to(self.root).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        return ".".join(parts)

    def dest_module(self, path: Path) -> str:
        """The module `path` will be once moved (its current one if it does not move)."""
        now = self.module_of(path)
        return old_to_new(now) if path.parent == self.pkg and path.stem in MAP else now

    def is_package(self, module: str) -> bool:
        return (self.root.joinpath(*module.split(".")) / "__init__.py").is_file()

    def exists(self, module: str) -> bool:
        base = self.root.joinpath(*module.split("."))
        return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()

    def unmapped(self) -> list[str]:
        return sorted(p.stem for p in self.pkg.glob("*.py") if p.stem not in MAP and p.stem not in STAYS)

    def kept(self, path: Path) -> bool:
        """Not a file git ignores (benchmarks/out/ holds built editions, copies of static/)."""
        if not hasattr(self, "_ignored"):
            listed = subprocess.run(["git", "ls-files", "-oi", "--exclude-standard", "--directory"],
                                    cwd=self.root, capture_output=True, text=True).stdout.split()
            self._ignored = tuple(str(self.root / entry) for entry in listed)
        return not str(path).startswith(self._ignored) if self._ignored else True

    def python_files(self):
        for top in ("feature", "tests", "benchmarks", "tools"):
            yield from (p for p in sorted((self.root / top).rglob("*.py"))
                        if p.name != Path(__file__).name and self.kept(p))
        if (self.root / "build.py").is_file():
            yield self.root / "build.py"

    def text_files(self):
        for path in sorted(self.root.rglob("*")):
            if path.suffix in TEXT_SUFFIXES and path.is_file() and \
                    not SKIP_DIRS & set(path.relative_to(self.root).parts) and path.name != Path(__file__).name \
                    and self.kept(path):
                yield path


def _package(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def rewrite_imports(tree: Tree, path: Path, text: str) -> str:
    """Every import of a moved module in one file, rewritten (see the module docstring)."""
    try:
        syntax = ast.parse(text)
    except SyntaxError:
        return text
    is_init = path.name == "__init__.py"
    here = tree.module_of(path)
    here_pkg = _package(here, is_init)
    dest_pkg = _package(tree.dest_module(path), is_init)
    lines = text.split("\n")
    edits = []                              # (first line, last line, new text) of whole statements
    dotted = {}                             # `import feature.x`: old dotted name → new, for usages
    for node in ast.walk(syntax):
        if isinstance(node, ast.ImportFrom):
            new = _from_import(tree, node, here_pkg, dest_pkg)
        elif isinstance(node, ast.Import):
            new = _plain_import(tree, node, dotted)
        else:
            continue
        if new is not None:
            edits.append((node.lineno, node.end_lineno, node.col_offset, new))
    for first, last, col, new in sorted(edits, reverse=True):
        indent = lines[first - 1][:col]
        old_text = "\n".join(lines[first - 1:last])
        comment = re.search(r"(\s+#.*)$", lines[last - 1]) if first == last else None
        block = "\n".join(indent + line for line in new.split("\n"))
        if comment and "#" not in new:
            block += comment.group(1)
        if block.strip() != old_text.strip():
            lines[first - 1:last] = block.split("\n")
    text = "\n".join(lines)
    for old, new in dotted.items():
        text = re.sub(rf"\b{re.escape(old)}\b(?!\.py)", new, text)
    # Module names in strings (monkeypatch targets, `sys.modules` checks in a subprocess).
    text = re.sub(r"""(["'])(feature(?:\.\w+)+)""",
                  lambda m: m.group(1) + (old_to_new(m.group(2), tree) or m.group(2)), text)
    return text


def _resolve(node: ast.ImportFrom, here_pkg: str) -> str:
    if not node.level:
        return node.module or ""
    base = here_pkg.split(".")
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _spell(target: str, dest_pkg: str) -> str:
    """How the importing module names `target`: relative within its package, else absolute."""
    pkg, _, last = target.rpartition(".")
    if pkg == dest_pkg and dest_pkg != "feature":
        return "." + last
    return target


def _names(aliases) -> str:
    return ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in aliases)


def _from_import(tree: Tree, node: ast.ImportFrom, here_pkg: str, dest_pkg: str) -> str | None:
    module = _resolve(node, here_pkg)
    if not module.startswith("feature"):
        return None
    if node.module is None or module == "feature":
        # `from . import x, y as z`, `from feature import x`: each name may be a module.
        statements, changed = [], False
        for alias in node.names:
            target = old_to_new(f"{module}.{alias.name}", tree)
            if target is None:
                target = f"{module}.{alias.name}"
                if tree.exists(target) and node.level and _package(target, False) != dest_pkg:
                    changed = True              # a relative import that crosses packages after the move
            else:
                changed = True
            pkg, _, last = target.rpartition(".")
            local = alias.asname or alias.name
            where = "." if pkg == dest_pkg and dest_pkg != "feature" else pkg
            statements.append(f"from {where} import {last}" + (f" as {local}" if local != last else ""))
        if not changed:
            return None
        return "\n".join(statements)
    target = old_to_new(module, tree, [a.name for a in node.names])
    if target is None:
        if not node.level:
            return None                         # an absolute import of a module that stays
        target = module                         # a module that stays, seen from where this file goes
    moved = NAMES.get(module.split(".")[1], {}) if target != module and module.count(".") == 1 else {}
    if any(a.name in moved for a in node.names):
        return _split_names(node, target, moved, dest_pkg)
    spelled = _spell(target, dest_pkg)
    if spelled == "." * node.level + (node.module or ""):
        return None                             # already spelled so: leave its formatting alone
    return f"from {spelled} import {_names(node.names)}" if _fits(node) else _head_only(node, spelled)


def _split_names(node: ast.ImportFrom, target: str, moved: dict, dest_pkg: str) -> str:
    """`from feature.printing import PDF_NAME, for_print` → one import per module the
    names went to since (NAMES), a renamed one imported under its old name."""
    by_module: dict[str, list[str]] = {}
    for a in node.names:
        where, name = moved.get(a.name, (target, a.name))
        if where != target:
            where = "feature." + where
        local = a.asname or a.name
        by_module.setdefault(where, []).append(name + (f" as {local}" if local != name else ""))
    return "\n".join(f"from {_spell(where, dest_pkg)} import {', '.join(names)}" for where, names in by_module.items())


def _fits(node: ast.ImportFrom) -> bool:
    return node.lineno == node.end_lineno


def _head_only(node: ast.ImportFrom, spelled: str) -> str:
    # A parenthesised import over several lines: the names are kept as written.
    names = ",\n    ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
    return f"from {spelled} import (\n    {names},\n)"


def _plain_import(tree: Tree, node: ast.Import, dotted: dict) -> str | None:
    out, changed = [], False
    for alias in node.names:
        target = old_to_new(alias.name, tree)
        if target is not None:
            changed = True
            if alias.asname is None:
                dotted[alias.name] = target
        out.append((target or alias.name) + (f" as {alias.asname}" if alias.asname else ""))
    return f"import {', '.join(out)}" if changed else None


def rewrite_paths(text: str) -> str:
    def path(m):
        name = m.group(1)
        if name in MAP:
            return "feature/" + MAP[name].replace(".", "/") + ".py"
        return m.group(0)
    text = re.sub(r"\bfeature/(\w+)\.py\b", path, text)
    for old, new in OTHER_FILES.items():
        text = text.replace(f"feature/{old}", f"feature/{new}")
    return text


def git(root: Path, *args) -> bool:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True).returncode == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    args = parser.parse_args(argv)
    tree = Tree(args.root.resolve())
    unmapped = tree.unmapped()
    if unmapped:
        print("flat modules without a destination (add them to MAP): " + ", ".join(unmapped), file=sys.stderr)
        return 2
    moves = []
    for old, new in MAP.items():
        src, dst = tree.pkg / f"{old}.py", tree.pkg / (new.replace(".", "/") + ".py")
        if src.exists() and dst.exists():
            print(f"both {src} and {dst} exist: resolve by hand", file=sys.stderr)
            return 2
        if src.exists():
            moves.append((src, dst))
    for old, new in OTHER_FILES.items():
        if (tree.pkg / old).exists():
            moves.append((tree.pkg / old, tree.pkg / new))
    changed = []
    for path in tree.python_files():
        text = path.read_text(encoding="utf-8")
        new = rewrite_paths(rewrite_imports(tree, path, text))
        if new != text:
            changed.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    published = []
    for path in tree.text_files():
        if path.suffix == ".py":
            continue
        rel = path.relative_to(tree.root).parts
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        if rel[0] == "static":
            # Copied into every build byte for byte (and named by its hash): a
            # comment edited here changes the output. Left as it is, and said.
            if rewrite_paths(text) != text:
                published.append(path)
            continue
        if rel[0] == "templates":
            # Only Jinja comments: anything else may reach a page.
            new = re.sub(r"\{#.*?#\}", lambda m: rewrite_paths(m.group(0)), text, flags=re.S)
        else:
            new = rewrite_paths(text)
        if new != text:
            changed.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8", errors="surrogateescape")
    in_git = git(tree.root, "rev-parse", "--is-inside-work-tree")
    for src, dst in moves:
        print(f"move {src.relative_to(tree.root)} → {dst.relative_to(tree.root)}")
        if args.check:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        init = dst.parent / "__init__.py"
        if not init.exists():
            doc = PACKAGE_DOCS.get(dst.parent.name, dst.parent.name)
            init.write_text(f'"""{doc}\n"""\n', encoding="utf-8")
            if in_git:
                git(tree.root, "add", str(init))
        if not (in_git and git(tree.root, "mv", str(src), str(dst))):
            src.rename(dst)
    for rel, old, new in FIXUPS:
        path = tree.pkg / rel
        if path.exists():
            text = path.read_text(encoding="utf-8")
            if old in text:
                print(f"fix-up {path.relative_to(tree.root)}: {old.strip()} → {new.strip()}")
                if not args.check:
                    path.write_text(text.replace(old, new), encoding="utf-8")
    for path in changed:
        print(f"rewrote {path.relative_to(tree.root)}")
    for path in published:
        print(f"left as it is (published bytes): {path.relative_to(tree.root)} names a moved module")
    print(f"{len(moves)} file(s) to move, {len(changed)} file(s) rewritten" + (" (check only)" if args.check else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
