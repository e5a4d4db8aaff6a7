"""Load a jurisdiction folder tree: find the root, read and parse files, splice includes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from onewindow.dsl.build import RawJurisdiction, Stmt, TopItem, assemble
from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, error
from onewindow.dsl.model import Facts, PluginUse, SourceFile, Span, TestCase
from onewindow.dsl.overlay import merge
from onewindow.dsl.parallel import prefill
from onewindow.dsl.parse import parse_items, parse_text
from onewindow.dsl.resolve import Workspace, resolve

ROOT_MARKER = "onewindow.toml"
SUFFIX = ".ow"
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_INCLUDE_DEPTH = 100
TOP_LEVEL_KEYS = {"facts", "test", "plugins", "include"}


class LoadError(Exception):
    """A path that cannot be used at all (missing, unreadable): a command-line mistake."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def display_path(path: Path, cwd: str | None = None) -> str:
    """A path as users see it: relative to the working directory when at most two levels up."""
    here = cwd if cwd is not None else os.getcwd()
    try:
        rel = os.path.relpath(path, here)
    except ValueError:  # another drive
        return str(path)
    return rel if rel.split(os.sep)[:3].count("..") <= 2 else str(path)


def find_root(path: Path) -> Path:
    """The jurisdictions root: nearest folder (inclusive) holding `onewindow.toml`.

    Without a marker, the folder given (or the file's folder) is the root.
    """
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if (folder / ROOT_MARKER).is_file():
            return folder
    return start


def _file_span(path: str, line: int = 1, column: int = 1) -> Span:
    return Span(file=path, line=line, column=column, end_line=line, end_column=column + 1)


@dataclass
class _Parsed:
    """One file's items and diagnostics, and its `include` statements (top level and in blocks)."""

    items: list[TopItem]
    diagnostics: list[Diagnostic]
    includes: tuple[Stmt, ...] = ()


def _includes_of(items: list[TopItem]) -> tuple[Stmt, ...]:
    """The `include` statements of a file's items: at top level and in jurisdiction blocks."""
    out: list[Stmt] = []
    for item in items:
        if isinstance(item, RawJurisdiction):
            out.extend(s for s in item.body if s.key == "include")
        elif item.key == "include":
            out.append(item)
    return tuple(out)


@dataclass
class ParseCache:
    """Parsed files keyed by (path, mtime, size): unchanged files are not parsed again."""

    entries: dict[str, tuple[tuple[int, int], _Parsed]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    def lacks(self, path: Path, shown: str) -> bool:
        """True when no version of the file is cached (no `stat`: a dictionary lookup)."""
        return f"{path}\x00{shown}" not in self.entries

    def stale(self, path: Path, shown: str) -> tuple[int, int] | None:
        """The file's (mtime, size) when the cache lacks it or holds an older version."""
        try:
            st = path.stat()
        except OSError:
            return None  # `get` reports the file as unreadable
        key = (st.st_mtime_ns, st.st_size)
        cached = self.entries.get(f"{path}\x00{shown}")
        return None if cached is not None and cached[0] == key else key

    def put(self, path: Path, shown: str, key: tuple[int, int], parsed: _Parsed) -> None:
        """Store a file parsed elsewhere (dsl/parallel.py) as of its (mtime, size) `key`."""
        self.misses += 1
        self.entries[f"{path}\x00{shown}"] = (key, parsed)

    def get(self, path: Path, shown: str) -> _Parsed:
        try:
            st = path.stat()
            key = (st.st_mtime_ns, st.st_size)
        except OSError:
            key = (-1, -1)
        # the shown path is part of the key: spans carry it, and it changes with the cwd
        cached = self.entries.get(f"{path}\x00{shown}")
        if cached is not None and cached[0] == key and key != (-1, -1):
            self.hits += 1
            return cached[1]
        self.misses += 1
        parsed = _parse_file(path, shown)
        self.entries[f"{path}\x00{shown}"] = (key, parsed)
        return parsed


DEFAULT_CACHE = ParseCache()


def _decode(data: bytes, shown: str) -> tuple[str | None, list[Diagnostic]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        return None, [
            error(
                "OW005",
                _file_span(shown, line, col),
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read)",
                "save the file as UTF-8 (most editors: 'Save with encoding → UTF-8')",
            )
        ]


def _parse_file(path: Path, shown: str) -> _Parsed:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return _Parsed(
                [],
                [
                    error(
                        "OW006",
                        _file_span(shown),
                        f"the file is too large ({size // (1024 * 1024)} MB; the limit is "
                        f"{MAX_FILE_BYTES // (1024 * 1024)} MB)",
                        "split it into several files joined with 'include'",
                    )
                ],
            )
        data = path.read_bytes()
    except OSError as exc:
        return _Parsed(
            [], [error("OW005", _file_span(shown), f"cannot read the file: {exc.strerror}")]
        )
    text, diags = _decode(data, shown)
    if text is None:
        return _Parsed([], diags)
    try:
        items, diagnostics = parse_items(text, shown)
    except RecursionError:
        too_deep = error(
            "OW007",
            _file_span(shown),
            "the file nests blocks or parentheses too deeply to be read",
            "flatten the nesting (a chain's steps rarely need more than a few levels)",
        )
        return _Parsed([], [*parse_text(text, shown)[1], too_deep])
    items = items or []
    return _Parsed(items, diagnostics, _includes_of(items))


@dataclass
class _Loader:
    root: Path
    cache: ParseCache
    diagnostics: list[Diagnostic] = field(default_factory=list)
    included: set[Path] = field(default_factory=set)
    shown: dict[Path, str] = field(default_factory=dict)
    overlays: dict[str, list[RawJurisdiction]] = field(default_factory=dict)
    applied: set[str] = field(default_factory=set)
    resolved: dict[tuple[str, str], Path] = field(default_factory=dict)
    cwd: str = field(default_factory=os.getcwd)
    #: While `load` runs: each file's parse, looked up (and `stat`ed) once per load. After
    #: it, None: a re-check (dsl/incremental.py) must see the files as they are now.
    loading: dict[Path, _Parsed] | None = None
    exists: dict[Path, bool] | None = None  # include targets' `is_file`, while `load` runs

    def __post_init__(self) -> None:
        self.real_root = self.root.resolve()
        self.real_root_prefix = os.path.join(str(self.real_root), "")
        # display_path of a path below the root is the root's shown path joined with the rest
        # when the cwd is not inside the root (then both share the root's `..` steps)
        self.root_shown: str | None = None
        if self.cwd == str(self.real_root):
            self.root_shown = ""
        elif not self.cwd.startswith(self.real_root_prefix):
            shown = display_path(self.real_root, self.cwd)
            self.root_shown = None if os.path.isabs(shown) else os.path.join(shown, "")

    def inside_root(self, real: Path) -> bool:
        """True for the root itself and every path below it (`real` is resolved)."""
        return real == self.real_root or str(real).startswith(self.real_root_prefix)

    def show(self, path: Path) -> str:
        """`display_path(path)` (memoised); paths below the root cost a string join."""
        found = self.shown.get(path)
        if found is None:
            text = str(path)
            if self.root_shown is not None and text.startswith(self.real_root_prefix):
                found = self.root_shown + text[len(self.real_root_prefix) :]
            else:
                found = display_path(path, self.cwd)
            self.shown[path] = found
        return found

    def resolve_include(self, file: Path, raw_path: str) -> Path:
        """Where `include "raw_path"` in `file` leads (memoised by folder and text).

        :raises OSError | RuntimeError: a symlink loop.
        """
        key = (os.path.dirname(file), raw_path)
        found = self.resolved.get(key)
        if found is None:
            raw = Path(raw_path)
            found = ((file.parent / raw) if not raw.is_absolute() else raw).resolve(strict=False)
            self.resolved[key] = found
        return found

    def is_file(self, path: Path) -> bool:
        """`path.is_file()`, asked once per load (many files include the same fragment)."""
        if self.exists is None:
            return path.is_file()
        found = self.exists.get(path)
        if found is None:
            found = self.exists[path] = path.is_file()
        return found

    def parsed(self, path: Path) -> _Parsed:
        if self.loading is None:
            return self.cache.get(path, self.show(path))
        found = self.loading.get(path)
        if found is None:
            found = self.loading[path] = self.cache.get(path, self.show(path))
        return found

    def target_of(self, inc: Stmt, here: Path) -> Path | None:
        try:
            real = self.resolve_include(here, inc.value.path)
        except (OSError, RuntimeError):
            self.diagnostics.append(
                error(
                    "OW143", inc.span, f"cannot follow include '{inc.value.path}' (symlink loop?)"
                )
            )
            return None
        if not self.inside_root(real):
            self.diagnostics.append(
                error(
                    "OW142",
                    inc.span,
                    f"include '{inc.value.path}' leaves the jurisdictions root ({display_path(self.root)})",
                    "keep included files inside the folder that holds onewindow.toml",
                )
            )
            return None
        if not self.is_file(real):
            self.diagnostics.append(
                error(
                    "OW143",
                    inc.span,
                    f"included file '{inc.value.path}' does not exist",
                    f"paths are relative to {self.show(here.parent)}",
                )
            )
            return None
        return real

    def expand(
        self, items: list[TopItem], here: Path, stack: tuple[Path, ...], in_body: bool
    ) -> list[TopItem]:
        out: list[TopItem] = []
        for item in items:
            if isinstance(item, Stmt) and item.key == "include":
                if len(stack) > MAX_INCLUDE_DEPTH:
                    self.diagnostics.append(
                        error(
                            "OW141",
                            item.span,
                            f"includes nest more than {MAX_INCLUDE_DEPTH} files deep",
                            "a chain of includes this long is almost always a loop through "
                            "links; include the fragments from one file instead",
                        )
                    )
                    continue
                target = self.target_of(item, here)
                if target is None:
                    continue
                if target in stack:
                    chain = " → ".join(
                        self.show(p) for p in (*stack[stack.index(target) :], target)
                    )
                    self.diagnostics.append(
                        error(
                            "OW141",
                            item.span,
                            f"includes form a cycle: {chain}",
                            "remove one of these includes",
                        )
                    )
                    continue
                self.included.add(target)
                inner = self.parsed(target)
                sub = (
                    self.expand(inner.items, target, (*stack, target), in_body)
                    if inner.includes
                    else inner.items
                )
                for s in sub:
                    if in_body and isinstance(s, RawJurisdiction):
                        self.diagnostics.append(
                            error(
                                "OW146",
                                s.span,
                                f"jurisdiction '{s.name}' is in a file included inside another jurisdiction",
                                "include this file at the top level, or keep only matters, halls … in it",
                            )
                        )
                    else:
                        out.append(s)
            elif isinstance(item, RawJurisdiction):
                body = self.expand(list(item.body), here, stack, True)
                out.append(
                    RawJurisdiction(
                        item.name, item.span, item.path, [b for b in body if isinstance(b, Stmt)]
                    )
                )
            else:
                out.append(item)
        return out

    def apply_overlays(self, raw: RawJurisdiction) -> RawJurisdiction:
        for change in self.overlays.get(raw.name, ()):
            raw = merge(raw, change)
            self.applied.add(raw.name)
        return raw

    def read_overlay(self, path: Path) -> None:
        """Parse an overlay file; its jurisdiction blocks change the base tree's ones."""
        for item in self.expand(self.parsed(path).items, path, (path,), False):
            if isinstance(item, RawJurisdiction):
                self.overlays.setdefault(item.name, []).append(item)
            else:
                self.diagnostics.append(
                    error(
                        "OW171",
                        item.span,
                        f"an overlay can only change jurisdictions; '{item.key}' is outside one",
                        "put it inside 'jurisdiction NAME { … }' naming the jurisdiction it changes",
                    )
                )

    def build_file(self, path: Path) -> tuple[SourceFile, list[Diagnostic]]:
        """A standalone file's model and its own diagnostics (parse, includes, assembly)."""
        saved, self.diagnostics = self.diagnostics, []
        try:
            sf = self.source_file(path)
            return sf, [*self.parsed(path).diagnostics, *self.diagnostics]
        finally:
            self.diagnostics = saved

    def source_file(self, path: Path) -> SourceFile:
        parsed = self.parsed(path)
        # a file without includes is already expanded: its blocks hold statements only
        items = self.expand(parsed.items, path, (path,), False) if parsed.includes else parsed.items
        items = [
            self.apply_overlays(item) if isinstance(item, RawJurisdiction) else item
            for item in items
        ]
        jurisdictions = []
        facts: list[Facts] = []
        tests: list[TestCase] = []
        plugins: list[PluginUse] = []
        for item in items:
            if isinstance(item, RawJurisdiction):
                node, diags = assemble(item)
                self.diagnostics.extend(diags)
                jurisdictions.append(node)
            elif item.key == "facts":
                facts.append(item.value)
            elif item.key == "test":
                tests.append(item.value)
            elif item.key == "plugins":
                plugins.extend(item.value)
            else:
                self.diagnostics.append(
                    error(
                        "OW145",
                        item.span,
                        f"'{item.key}' is outside any jurisdiction block",
                        "put it inside 'jurisdiction NAME { … }', or include this file from one",
                    )
                )
        return SourceFile(
            path=self.show(path),
            jurisdictions=tuple(jurisdictions),
            facts=tuple(facts),
            tests=tuple(tests),
            plugins=tuple(plugins),
        )


def _is_folder_link(entry: os.DirEntry[str]) -> bool:
    """A link to a folder (not followed, like os.walk); a broken link is not one."""
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def _walk(root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """Every `.ow` file below the root (links followed only when they stay inside it)."""
    out: list[Path] = []
    problems: list[Diagnostic] = []
    real_root = root.resolve()
    # depth first in name order, like os.walk with sorted folders, from each entry's type as
    # the folder listing gives it (no `stat` per plain file); folder links are not followed
    stack = [str(real_root)]
    while stack:
        try:
            with os.scandir(stack.pop()) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue  # an unreadable folder: skipped, as os.walk skips it
        folders: list[str] = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
                continue
            if not entry.name.endswith(SUFFIX) or _is_folder_link(entry):
                continue
            p = Path(entry.path)
            if entry.is_file(follow_symlinks=False):  # the path of a plain file below the
                out.append(p)  # real root is real
                continue
            shown = display_path(p)
            try:
                real = p.resolve(strict=True)
            except (OSError, RuntimeError):
                problems.append(
                    error(
                        "OW005",
                        _file_span(shown),
                        "cannot read the file: it is a link that leads nowhere or in a loop",
                        "remove the link or point it at a real .ow file",
                    )
                )
                continue
            if real != real_root and real_root not in real.parents:
                problems.append(
                    error(
                        "OW142",
                        _file_span(shown),
                        f"'{shown}' links to a file outside the jurisdictions root",
                        "copy the file into the tree instead of linking to it",
                    )
                )
                continue
            if not real.is_file():
                problems.append(
                    error(
                        "OW005",
                        _file_span(shown),
                        "cannot read the file: it is not a regular file",
                        "jurisdiction files must be ordinary text files",
                    )
                )
                continue
            out.append(real)
        stack.extend(reversed(folders))
    return out, problems


@dataclass
class LoadState:
    """What a load knew, kept so an edit can be re-loaded file by file (dsl/incremental.py).

    Diagnostics are kept by origin: `head` (links the walk refused, overlay files), one
    list per standalone file, one per fragment (its parse errors), `tail` (overlays naming
    no jurisdiction) and `resolved` (duplicates, unknown parents, cycles).
    """

    loader: _Loader
    files: list[Path]
    targets: dict[Path, set[Path]]
    fragments: set[Path]
    overlays: list[Path]
    head: list[Diagnostic]
    by_file: dict[Path, list[Diagnostic]]
    by_fragment: dict[Path, list[Diagnostic]]
    tail: list[Diagnostic]
    resolved: list[Diagnostic]
    known: set[Path] = field(init=False)

    def __post_init__(self) -> None:
        self.known = set(self.files) | self.fragments

    def set_found(self, path: Path, found: list[Diagnostic]) -> None:
        """Replace the diagnostics of a file or fragment (only non-empty lists are kept)."""
        table = self.by_fragment if path in self.fragments else self.by_file
        if found:
            table[path] = found
        else:
            table.pop(path, None)

    def diagnostics(self) -> list[Diagnostic]:
        """All of them, duplicates dropped (callers sort them)."""
        out = list(self.head)
        for found in self.by_file.values():
            out.extend(found)
        for found in self.by_fragment.values():
            out.extend(found)
        return _dedupe([*out, *self.tail, *self.resolved])

    def includers(self, fragment: Path) -> set[Path]:
        """Standalone files that include `fragment`, directly or through other fragments."""
        out: set[Path] = set()
        todo, seen = [fragment], {fragment}
        while todo:
            target = todo.pop()
            for path, found in self.targets.items():
                if target in found and path not in seen:
                    seen.add(path)
                    (todo if path in self.fragments else []).append(path)
                    if path not in self.fragments:
                        out.add(path)
        return out


@dataclass
class Loaded:
    """A loaded tree: the workspace and the diagnostics of parsing and resolution."""

    workspace: Workspace
    diagnostics: list[Diagnostic]
    requested_files: list[str]
    state: LoadState | None = None


def load(
    paths: list[str | Path],
    cache: ParseCache | None = None,
    overlays: Sequence[str | Path] = (),
    workers: int | None = None,
) -> Loaded:
    """Load every `.ow` file of the tree the paths belong to; keep diagnostics of the paths.

    `overlays` are reform files (dsl/overlay.py) applied on top of the tree. Big trees are
    parsed by `workers` processes (None: one per core when there are thousands of files).
    """
    if not paths:
        raise LoadError("no path given", "pass a jurisdiction file or folder, e.g. jurisdictions/")
    cache = cache or DEFAULT_CACHE
    given: list[Path] = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise LoadError(f"no such file or folder: {p}", "check the spelling of the path")
        if not os.access(path, os.R_OK):
            raise LoadError(f"cannot read {p}: permission denied")
        given.append(path.resolve())
    roots = {find_root(p) for p in given}
    if len(roots) > 1:
        raise LoadError(
            "the paths belong to different jurisdiction roots: "
            + ", ".join(sorted(map(display_path, roots))),
            "check one tree at a time",
        )
    root = roots.pop()
    loader = _Loader(root=root, cache=cache, loading={}, exists={})
    all_files, walk_problems = _walk(root)
    loader.diagnostics.extend(walk_problems)
    for p in given:
        if p.is_file() and p not in all_files:
            all_files.append(p)
    prefill(cache, [(p, loader.show(p)) for p in all_files], workers)
    overlay_paths: list[Path] = []
    for p in overlays:
        path = Path(p)
        if not path.is_file():
            raise LoadError(f"no such overlay file: {p}", "pass the reform file to apply")
        overlay_paths.append(path.resolve())
        loader.read_overlay(path.resolve())
        loader.diagnostics.extend(loader.parsed(path.resolve()).diagnostics)
    head, loader.diagnostics = loader.diagnostics, []
    # a file included by another is a fragment, not a standalone file
    targets = {p: include_targets(loader, p) for p in all_files}
    loader.included = _fragments(loader, all_files, targets)
    fragments = set(loader.included)
    files: dict[str, SourceFile] = {}
    by_file: dict[Path, list[Diagnostic]] = {}
    for path in all_files:
        if path in fragments:
            continue
        sf, found = loader.build_file(path)
        files[sf.path] = sf
        if found:
            by_file[path] = found
    by_fragment = {
        path: list(found) for path in loader.included if (found := loader.parsed(path).diagnostics)
    }
    tail: list[Diagnostic] = []
    for name, changes in loader.overlays.items():
        if name not in loader.applied:
            for change in changes:
                tail.append(
                    error(
                        "OW170",
                        change.span,
                        f"the overlay changes jurisdiction '{name}', which the tree does not declare",
                        did_you_mean(
                            name, [j.name for f in files.values() for j in f.jurisdictions]
                        )
                        or "name a jurisdiction of the base tree",
                    )
                )
    workspace, res_diags = resolve(display_path(root), files)
    prefixes = [(str(g), str(g) + os.sep) for g in given]
    requested = [
        loader.show(p)
        for p in all_files
        if any(str(p) == g or str(p).startswith(inside) for g, inside in prefixes)
    ]
    requested += [loader.show(p) for p in overlay_paths]
    for d in walk_problems:  # links the walk refused: shown when they sit below a given path
        where = Path(os.path.abspath(d.span.file))
        if any(where == g or g in where.parents for g in given):
            requested.append(d.span.file)
    workspace.requested = frozenset(requested)
    state = LoadState(
        loader=loader,
        files=all_files,
        targets=targets,
        fragments=fragments,
        overlays=overlay_paths,
        head=head,
        by_file=by_file,
        by_fragment=by_fragment,
        tail=tail,
        resolved=res_diags,
    )
    loader.loading = loader.exists = None
    return Loaded(
        workspace=workspace,
        diagnostics=state.diagnostics(),
        requested_files=requested,
        state=state,
    )


def include_targets(loader: _Loader, path: Path) -> set[Path]:
    """Files a file includes (anywhere in it), as resolved paths that exist."""
    out: set[Path] = set()
    for item in loader.parsed(path).includes:
        try:
            target = loader.resolve_include(path, item.value.path)
            if loader.is_file(target):
                out.add(target)
        except (OSError, RuntimeError):  # a symlink loop: target_of reports it
            continue
    return out


def _fragments(loader: _Loader, files: list[Path], targets: dict[Path, set[Path]]) -> set[Path]:
    """Files reached by includes from the files nobody includes.

    A file in an include loop that no standalone file reaches stays standalone, so the loop
    is reported (OW141) instead of every file in it silently disappearing. `targets` holds
    each file's include targets; those of fragments outside `files` are added to it.
    """
    included = set().union(*targets.values()) if targets else set()
    fragments: set[Path] = set()
    stack = [p for p in files if p not in included]
    seen: set[Path] = set(stack)
    while stack:
        for t in targets.get(stack.pop(), set()):
            fragments.add(t)
            if t not in seen:
                seen.add(t)
                if t not in targets:
                    targets[t] = include_targets(loader, t)
                stack.append(t)
    return fragments


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple] = set()
    out = []
    for d in diags:
        key = (d.code, d.span.file, d.span.line, d.span.column, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
