"""Web pages → (text, title evidence, line kinds).

Pages from old CMSes are parsed whole: nesting deeper than libxml2 accepts is flattened first (only
container tags past MAX_DEPTH lose their tags, never their text) and lxml parses with
``huge_tree``, so unclosed ``<p><font>``/``<div>`` runs and 100,000 nested divs lose nothing.
``<script>``, ``<style>``, ``<noscript>`` and ``<template>`` are dropped before trafilatura picks
the main text. Photo captions (``<figcaption>``, caption classes, a short line under a picture)
come back as ``caption`` lines, a subtitle repeated near the top once. The title is taken from the
evidence the page gives: ``<title>`` and ``og:title`` (site names cut off) confirmed by a heading of
the page, else the article's first heading, a ``标题:…`` cell, the ``<title>``, the body's first
line; breadcrumbs, portal names, image alt text (banners) and outline headings (``一、…``) are
never the title.
"""

from __future__ import annotations

import re

MAX_DEPTH = 400  # nested container tags kept; deeper ones are unwrapped (their text stays)
_CONTAINERS = frozenset("div span font section article center blockquote main header footer nav aside "
                        "b i u em strong small big a form ul ol li dl dd dt".split())
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_MARK = "⟦caption⟧"  # a caption line, marked in the tree, recognised in trafilatura's text
_CAPTION_CLASS = re.compile(r"caption|pic_?(?:title|txt|text|desc|note)|img_?(?:title|txt|text|desc|note)|tuzhu|图注",
                            re.IGNORECASE)
_TITLE_CELL = re.compile(r"^\|?\s*(?:标\s*题|题\s*目|文章标题)\s*[:：]\s*(.+?)\s*\|?\s*$")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、．.])")
_END = "。！？!?；;"
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def flatten(html: str, limit: int = MAX_DEPTH) -> str:
    """Unwrap container tags nested deeper than ``limit`` (their text stays where it is)."""
    if html.count("<") < limit:
        return html
    out: list[str] = []
    stack: list[bool] = []
    pos = 0
    for m in _TAG_RE.finditer(html):
        name = m.group(2).lower()
        if name not in _CONTAINERS:
            continue
        if not m.group(1):
            if m.group(0).endswith("/>"):
                continue
            drop = len(stack) >= limit
            stack.append(drop)
        else:
            if not stack:
                continue
            drop = stack.pop()
        if drop:
            out.append(html[pos:m.start()])
            pos = m.end()
    if not out:
        return html
    out.append(html[pos:])
    return "".join(out)


def decode_html(data: bytes, name: str) -> str:
    m = _CHARSET_RE.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii").lower()
        if enc in ("gb2312", "gbk"):
            enc = "gb18030"
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    from annotator.ingest.decoding import decode_bytes

    return decode_bytes(data, name)[0]


def _tree(html: str):
    from lxml import html as lh

    parser = lh.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)  # lxml refuses str input with an encoding declaration
    tree = lh.document_fromstring(flatten(html), parser=parser)
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    _unwrap_layout_tables(tree)
    return tree


def _unwrap_layout_tables(tree) -> None:
    """Old CMS pages lay the whole page out in tables: a table holding a long text or another table
    is layout, not data, and becomes <div>s (else the article comes out as '| … |' table rows)."""
    for table in reversed(list(tree.iter("table"))):
        rows = table.xpath("./tr|./tbody/tr|./thead/tr|./tfoot/tr")
        cells = [c for r in rows for c in r.xpath("./td|./th")]
        if table.find(".//table") is None and not any(len(c.text_content().strip()) > 100 for c in cells):
            continue
        for el in [table, *table.xpath("./tbody|./thead|./tfoot"), *rows]:
            el.tag = "div"
        for c in cells:
            c.tag = "div"
            for br in c.iter("br"):  # paragraphs written as text<br><br>text
                br.tail = "\n" + (br.tail or "")


def _one_line(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def _mark_captions(tree) -> None:
    """Each photo caption becomes a <p> whose text starts with _MARK (trafilatura keeps <p>s)."""
    from lxml import html as lh

    found = list(tree.iter("figcaption"))
    for el in tree.iter():
        if not isinstance(el.tag, str) or el in found:
            continue
        cls = f"{el.get('class', '')} {el.get('id', '')}"
        if cls.strip() and _CAPTION_CLASS.search(cls) and len(_one_line(el.text_content())) <= 80:
            found.append(el)
    from annotator.ingest.furniture import is_furniture

    for el in tree.iter("p", "div", "td"):
        text = _one_line(el.text_content())
        if (not text or len(text) > 60 or text[-1] in _END or el.find(".//p") is not None or is_furniture(text)
                or _ORDINAL.match(text)):
            continue
        prev = el.getprevious()
        picture_before = (prev is not None and prev.tag in ("p", "div", "figure") and prev.find(".//img") is not None
                          and not _one_line(prev.text_content()))
        picture_inside = el.find(".//img") is not None
        if picture_before or picture_inside:
            found.append(el)
    for el in found:
        text = _one_line(el.text_content())
        if el.tag == "figcaption" and el.getparent() is not None and el.getparent().tag == "figure":
            el = el.getparent()  # trafilatura drops figures whole: the caption takes the figure's place
        if not text or el.getparent() is None:
            continue
        p = lh.Element("p")
        p.text = _MARK + text
        p.tail = el.tail
        el.getparent().replace(el, p)


def extract_html(data: bytes, name: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(text, title evidence, ((line, kind), …)) of a web page."""
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    html = decode_html(data, name)
    tree = _tree(html)
    evidence = _evidence(tree)
    _mark_captions(tree)
    text = trafilatura.extract(tree, include_comments=False, include_tables=True, favor_recall=True,
                               deduplicate=False) or ""
    if not text.strip():  # nothing trafilatura calls main text: every text line of the body
        body = tree.find(".//body")
        text = (body if body is not None else tree).text_content()
    lines, kinds, cell_title = _clean_lines(text)
    title = choose_title(evidence, cell_title, lines)
    text = "\n".join(lines)
    if title and title not in text[:400]:
        text = f"# {title}\n" + text  # the title belongs to the document; it becomes its heading unit
    return text + "\n", title, tuple(kinds.items())


def _clean_lines(text: str) -> tuple[list[str], dict[str, str], str]:
    """Caption marks become line kinds; a title cell (``| 标题:… |``) is the title; a short line
    repeated near the top (a subtitle twice) is kept once."""
    lines: list[str] = []
    kinds: dict[str, str] = {}
    seen_short: set[str] = set()
    cell_title = ""
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        m = _TITLE_CELL.match(line)
        if m:
            if not cell_title:
                cell_title = m.group(1).strip()
            continue
        if _MARK in line:
            line = line.replace(_MARK, "").strip()
            if not line:
                continue
            kinds[line] = "caption"
        key = re.sub(r"\s+", "", line)
        if len(lines) < 30 and 6 <= len(key) <= 80 and key[-1:] not in _END and not key.startswith("|"):
            if key in seen_short:
                continue
            seen_short.add(key)
        lines.append(line)
    return lines, kinds, cell_title


def _evidence(tree) -> dict[str, list[str]]:
    ev: dict[str, list[str]] = {"title": [], "og": [], "h1": [], "h": [], "alt": []}
    t = tree.find(".//title")
    if t is not None:
        ev["title"].append(_one_line(t.text_content()))
    for m in tree.iter("meta"):
        if (m.get("property") or m.get("name") or "").lower() in ("og:title", "twitter:title", "articletitle"):
            ev["og"].append(_one_line(m.get("content")))
    for el in tree.iter("h1"):
        ev["h1"].append(_one_line(el.text_content()))
    for el in tree.iter("h2", "h3"):
        ev["h"].append(_one_line(el.text_content()))
    for img in tree.iter("img"):
        if img.get("alt"):
            ev["alt"].append(_one_line(img.get("alt")))
    return ev


_SPLIT_RE = re.compile(r"\s*(?:[_|｜]|--|—|\s-\s)\s*")


def strip_site(title: str) -> str:
    """'…工作报告_某某县人民政府门户网' → '…工作报告': the longest part that is not a portal's name."""
    from annotator.ingest.titles import PORTAL_RE

    parts = [p.strip() for p in _SPLIT_RE.split(title) if p.strip()]
    own = [p for p in parts if not PORTAL_RE.search(p)]
    return max(own or parts, key=len) if parts else ""


def _key(t: str) -> str:
    return re.sub(r"\s+", "", t)


def choose_title(ev: dict[str, list[str]], cell_title: str, lines: list[str]) -> str:
    """In order: a heading of the page that <title>/og:title confirms, or one of the body's first
    lines that they confirm; a heading that reads like a report's title; the first <h1>; a 标题:
    cell; the <title>; any other heading; the first line."""
    from annotator.ingest.furniture import is_furniture
    from annotator.ingest.titles import PORTAL_RE, reads_like_title

    alts = set(ev["alt"])
    claims = [strip_site(t) for t in ev["og"] + ev["title"] if t]
    sites = {_key(p) for t in ev["og"] + ev["title"] for p in _SPLIT_RE.split(t) if p.strip()} - {
        _key(c) for c in claims}  # the other parts of <title>: the site's name

    def ok(t: str) -> bool:
        return (4 <= len(t) <= 100 and not is_furniture(t) and not PORTAL_RE.search(t) and t not in alts
                and _key(t) not in sites and not _ORDINAL.match(t) and "banner" not in t.lower()
                and not t.startswith(("首页", "——")))

    claims = [c for c in claims if ok(c)]
    headings = [h for h in ev["h1"] + ([cell_title] if cell_title else []) + ev["h"] if ok(h)]
    for claim in claims:  # a heading of the page that the <title>/og:title confirms
        key = _key(claim)
        for h in headings:
            hk = _key(h)
            if hk == key or (len(hk) >= 6 and (hk in key or key in hk)):
                return h
    for line in lines[:8]:  # the body's first lines, confirmed by <title>/og:title
        if ok(line) and line[-1:] not in _END and any(len(_key(c)) >= 4 and _key(c) in _key(line) for c in claims):
            return line
    for h in headings + claims:
        if reads_like_title(h):
            return h
    for h in [h for h in ev["h1"] if ok(h)] + ([cell_title] if ok(cell_title) else []):
        return h
    if claims:
        return claims[0]
    for h in headings:
        return h
    return next((ln for ln in lines[:5] if ok(ln) and ln[-1:] not in _END), "")
