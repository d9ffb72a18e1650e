"""YAML taxonomies: load with ``yaml.safe_load``'s semantics only (plus: a key twice in one mapping is an
error, never "the last one wins"), validate with file:line messages."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from annotator.core.errors import TaxonomyError
from annotator.core.words import count

TOP_FIELDS = {"name", "version", "description", "facets", "tags"}
FACET_FIELDS = {"id", "title", "multiple", "tags", "description"}
TAG_FIELDS = {"id", "title", "en", "key", "description", "keywords", "examples", "children"}
ID_RE = re.compile(r"[a-z0-9_.-]+")  # matched whole (fullmatch): "t1\n" is not an id
KEY_RE = re.compile(r"[a-zA-Z0-9]")


@dataclass(frozen=True)
class Tag:
    id: str
    title: str
    en: str
    facet: str
    key: str | None = None
    description: str = ""
    keywords: tuple[str, ...] = ()
    parent: str | None = None
    depth: int = 0
    examples: tuple[str, ...] = ()  # optional example sentences (the guideline panel shows them)


@dataclass
class Facet:
    id: str
    title: str
    multiple: bool
    tags: list[Tag] = field(default_factory=list)  # depth-first, children after their parent


@dataclass
class Taxonomy:
    name: str
    version: str
    description: str
    facets: list[Facet]
    source: str  # the YAML text
    path: str = ""

    def __post_init__(self) -> None:
        self.hash = hashlib.sha256(self.source.encode("utf-8")).hexdigest()[:16]
        self.tags: dict[str, Tag] = {t.id: t for f in self.facets for t in f.tags}
        self.keys: dict[str, Tag] = {t.key: t for t in self.tags.values() if t.key}
        self.facet_by_id: dict[str, Facet] = {f.id: f for f in self.facets}

    def toggle(self, labels: list[str] | tuple[str, ...], tag_id: str) -> list[str]:
        """Labels after toggling ``tag_id``; a single-choice facet behaves like radio buttons."""
        tag = self.tags[tag_id]
        current = set(labels)
        if tag_id in current:
            current.discard(tag_id)
        else:
            if not self.facet_by_id[tag.facet].multiple:
                current -= {t.id for t in self.facet_by_id[tag.facet].tags}
            current.add(tag_id)
        return sorted(current)

    def by_facet(self, labels: list[str]) -> dict[str, list[str]]:
        """facet id → the labels of that facet (sorted); unknown labels are left out."""
        out: dict[str, list[str]] = {f.id: [] for f in self.facets}
        for label in sorted(labels):
            tag = self.tags.get(label)
            if tag:
                out[tag.facet].append(label)
        return out

    def unknown(self, labels: list[str]) -> list[str]:
        return [label for label in labels if label not in self.tags]

    def summary_lines(self) -> list[str]:
        lines = [f"{self.name} (version {self.version or '-'}, hash {self.hash})"]
        for f in self.facets:
            mode = "multiple" if f.multiple else "single"
            lines.append(f"  {f.id}: {f.title} [{mode}, {count(len(f.tags), 'tag')}]")
            for t in f.tags:
                key = f"[{t.key}]" if t.key else "[ ]"
                lines.append(f"    {'  ' * t.depth}{key} {t.id}  {t.title} / {t.en}")
        return lines


class _StrictLoader(yaml.SafeLoader):
    """``yaml.safe_load``'s loader, except that a key given twice in one mapping (a second ``facets:``,
    ``id:`` or ``key:``) is recorded as a problem instead of silently replacing the first. Merge keys
    (``<<``) keep their meaning: the mapping's own keys override what they bring."""

    def __init__(self, stream, origin: str):
        super().__init__(stream)
        self.origin = origin
        self.duplicates: list[str] = []

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.duplicates.append(f"{self.origin}:{line}: duplicate key '{_shown(key)}' in one mapping "
                                           f"(first at line {seen[key]}): remove one of them")
                else:
                    seen[key] = line
        return super().construct_mapping(node, deep)


def _shown(value) -> str:
    """A YAML key as a problem line shows it: control characters escaped, never raw."""
    return str(value).encode("unicode_escape").decode("ascii") if isinstance(value, str) else repr(value)


def _safe_load(source: str, path: str):
    """``yaml.safe_load(source)``, and the duplicate keys found on the way."""
    loader = _StrictLoader(source, path)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _line_index(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict:
    """Map each path (tuple of keys / list indexes) to its 1-based line in the file."""
    if out is None:
        out = {}
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[path + (key, "__key__")] = k.start_mark.line + 1
            _line_index(v, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _line_index(v, path + (i,), out)
    return out


class _Validator:
    def __init__(self, path: str, lines: dict):
        self.path = path
        self.lines = lines
        self.problems: list[str] = []
        self.ids: dict[str, int] = {}
        self.keys: dict[str, str] = {}

    def err(self, where: tuple, msg: str) -> None:
        line = self.lines.get(where)
        while line is None and where:
            where = where[:-1]
            line = self.lines.get(where)
        self.problems.append(f"{self.path}:{line or 1}: {msg}")

    def strings(self, raw: dict, w: tuple, tid: str, field: str, one: str, what: str) -> list[str]:
        """An optional list of non-empty strings (keywords, examples): each bad entry is one problem."""
        values = raw.get(field, [])
        if values is None:
            return []
        if not isinstance(values, list):
            self.err(w + (field,), f"'{field}' must be a list of {what}")
            return []
        for j, v in enumerate(values):
            if not isinstance(v, str) or not v.strip():
                self.err(w + (field, j), f"{one} {v!r} of '{tid}' must be a non-empty string")
        return [v for v in values if isinstance(v, str) and v.strip()]

    def text(self, obj: dict, where: tuple, key: str, required: bool = True) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                self.err(where, f"missing '{key}'")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.err(where + (key,), f"'{key}' must be text")
            return ""
        return str(value)

    def unknown_fields(self, obj: dict, where: tuple, allowed: set, what: str) -> None:
        for k in obj:
            if k not in allowed:
                self.err(where + (k, "__key__"), f"unknown field '{_shown(k)}' in {what} (allowed: {', '.join(sorted(allowed))})")

    def tags(self, items, where: tuple, facet: str, parent: str | None, depth: int) -> list[Tag]:
        out: list[Tag] = []
        if not isinstance(items, list):
            self.err(where, "'tags' must be a list")
            return out
        for i, raw in enumerate(items):
            w = where + (i,)
            if not isinstance(raw, dict):
                self.err(w, "a tag must be a mapping with id, title, en")
                continue
            self.unknown_fields(raw, w, TAG_FIELDS, "tag")
            tid = self.text(raw, w, "id")
            if tid and not ID_RE.fullmatch(tid):
                self.err(w + ("id",), f"tag id '{_shown(tid)}' may only contain a-z 0-9 _ . - "
                                      "(no spaces, line breaks or control characters)")
                tid = _shown(tid)
            if tid in self.ids:
                self.err(w + ("id",), f"duplicate tag id '{tid}' (first at line {self.ids[tid]})")
            elif tid:
                self.ids[tid] = self.lines.get(w + ("id",), 0)
            title = self.text(raw, w, "title")
            en = self.text(raw, w, "en")
            key = raw.get("key")
            if key is not None:
                key = str(key) if isinstance(key, (str, int)) and not isinstance(key, bool) else None
                if key is None or not KEY_RE.fullmatch(key):
                    self.err(w + ("key",), f"key {raw.get('key')!r} of '{tid}' must be one letter a-z/A-Z or digit")
                    key = None
                elif key in self.keys:
                    self.err(w + ("key",), f"duplicate key '{key}' ('{tid}' and '{self.keys[key]}')")
                else:
                    self.keys[key] = tid
            kws = self.strings(raw, w, tid, "keywords", "keyword", "words")
            exs = self.strings(raw, w, tid, "examples", "example", "sentences")
            desc = self.text(raw, w, "description", required=False)
            out.append(Tag(tid, title, en, facet, key, desc, tuple(kws), parent, depth, tuple(exs)))
            if "children" in raw:
                out.extend(self.tags(raw["children"], w + ("children",), facet, tid, depth + 1))
        return out


MAX_DEPTH = 40  # nesting levels of YAML collections (a taxonomy uses about ten)
MAX_NODES = 200_000  # YAML nodes after expanding aliases (the bundled taxonomy has a few hundred)


def _check_shape(source: str, path: str):
    """Refuse YAML that would exhaust the stack or memory before building anything from it: nesting
    beyond MAX_DEPTH (found from the token stream, which needs no recursion) and alias expansion
    beyond MAX_NODES ("billion laughs": a few hundred bytes that expand to billions of nodes).
    Returns the composed node graph."""
    depth = 0
    for token in yaml.scan(source, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
                              yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)):
            depth += 1
            if depth > MAX_DEPTH:
                raise TaxonomyError(path, [f"{path}:{token.start_mark.line + 1}: nested more than {MAX_DEPTH} levels "
                                           "deep: not a taxonomy"])
        elif isinstance(token, (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)):
            depth -= 1
    node = yaml.compose(source, Loader=yaml.SafeLoader)
    sizes: dict[int, int] = {}

    def size(n) -> int:
        key = id(n)
        if key in sizes:
            if sizes[key] < 0:
                raise TaxonomyError(path, [f"{path}:{n.start_mark.line + 1}: an alias refers to itself"])
            return sizes[key]
        sizes[key] = -1
        if isinstance(n, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in n.value)
        else:
            total = 1
        if total > MAX_NODES:
            raise TaxonomyError(path, [f"{path}:{n.start_mark.line + 1}: aliases expand to more than {MAX_NODES:,} "
                                       "values: not a taxonomy"])
        sizes[key] = total
        return total

    if node is not None:
        size(node)
    return node


def parse_taxonomy(source: str, path: str = "<taxonomy>") -> Taxonomy:
    """Parse and validate YAML text; raise TaxonomyError listing every problem."""
    try:
        node = _check_shape(source, path)
        data, duplicates = _safe_load(source, path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "python/" in str(exc) or "could not determine a constructor" in str(exc):
            problem = f"YAML tag not allowed (only plain data is accepted): {problem}"
        raise TaxonomyError(path, [f"{path}:{line}: YAML error: {problem}"]) from None
    if not isinstance(data, dict):
        raise TaxonomyError(path, [f"{path}:1: a taxonomy must be a mapping with 'name' and 'facets' or 'tags'"])
    v = _Validator(path, _line_index(node))
    v.problems.extend(duplicates)
    v.unknown_fields(data, (), TOP_FIELDS, "taxonomy")
    name = v.text(data, (), "name")
    version = v.text(data, (), "version", required=False)
    description = v.text(data, (), "description", required=False)
    facets: list[Facet] = []
    if "facets" in data and "tags" in data:
        v.err(("tags", "__key__"), "use either 'facets' or a flat 'tags' list, not both")
    elif "tags" in data:
        facets.append(Facet("tags", "tags", True, v.tags(data["tags"], ("tags",), "tags", None, 0)))
        if not facets[0].tags:
            v.err(("tags",), "the taxonomy has no tags")
    elif "facets" in data:
        if not isinstance(data["facets"], list) or not data["facets"]:
            v.err(("facets",), "'facets' must be a non-empty list")
        else:
            seen: set[str] = set()
            for i, raw in enumerate(data["facets"]):
                w = ("facets", i)
                if not isinstance(raw, dict):
                    v.err(w, "a facet must be a mapping with id, title, multiple, tags")
                    continue
                v.unknown_fields(raw, w, FACET_FIELDS, "facet")
                fid = v.text(raw, w, "id")
                if fid and not ID_RE.fullmatch(fid):
                    v.err(w + ("id",), f"facet id '{_shown(fid)}' may only contain a-z 0-9 _ . - "
                                       "(no spaces, line breaks or control characters)")
                    fid = _shown(fid)
                if fid in seen:
                    v.err(w + ("id",), f"duplicate facet id '{fid}'")
                seen.add(fid)
                title = v.text(raw, w, "title")
                multiple = raw.get("multiple", True)
                if not isinstance(multiple, bool):
                    v.err(w + ("multiple",), "'multiple' must be true or false")
                    multiple = True
                tags = v.tags(raw.get("tags") or [], w + ("tags",), fid, None, 0)
                if not tags:
                    v.err(w, f"facet '{fid}' has no tags")
                facets.append(Facet(fid, title, multiple, tags))
    else:
        v.err((), "missing 'facets' (or a flat 'tags' list)")
    if v.problems:
        raise TaxonomyError(path, v.problems)
    return Taxonomy(name, version, description, facets, source, path)


def load_taxonomy(path: str | Path) -> Taxonomy:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise TaxonomyError(str(p), [f"{p}: cannot read: {exc.strerror or exc}"]) from None
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TaxonomyError(str(p), [f"{p}:1: not UTF-8 text"]) from None
    return parse_taxonomy(source, str(p))
