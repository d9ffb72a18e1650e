"""Property-based tests: arbitrary input never breaks the taxonomy loader or the segmenter."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import TaxonomyError
from annotator.ingest.segmenter import doc_id_for, segment, strip_markup
from annotator.core.taxonomy import Taxonomy, parse_taxonomy
from annotator.ingest.decoding import normalise

PROBLEM = re.compile(r"^<t>:\d+: ")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like reports: CJK, end marks, quotes, markup markers, headings, page breaks,
# plus anything Unicode has (control characters, emoji, other scripts, surrogate-free).
REPORT_BITS = st.sampled_from([
    "。", "！", "？", "……", "”", "“", "《", "》", "（", "）", "，", "；", "\n", "\n\n", "**", "# ", "一、",
    "（二）", "1. ", "政协", "委员", "协商", "[b]", "[/]", "\x1b[2J", "\x00", "\x0c", "\u2028", "\x85", "😀",
    "مرحبا", "Ω", " ", "\t", "\r\n", "\r", "\ufeff",
])
TEXT = st.lists(st.one_of(REPORT_BITS, st.text(min_size=1, max_size=12)), max_size=60).map("".join)


def _check_units(text: str) -> None:
    seg = segment(text)
    joined = "".join(u.text for u in seg.units)
    assert re.sub(r"\s", "", joined) == strip_markup(text), "lossless"
    prev_end = 0
    for i, u in enumerate(seg.units):
        assert u.idx == i
        assert u.text and u.text == u.text.strip()
        assert u.text.splitlines() == [u.text], f"line break inside unit {u.text!r}"
        assert prev_end <= u.start < u.end <= len(text), "offsets in order"
        assert text[u.start] == u.text[0] and text[u.end - 1] == u.text[-1], "offsets"
        prev_end = u.end
    again = segment(text)
    assert [(u.idx, u.text, u.start, u.end) for u in again.units] == [
        (u.idx, u.text, u.start, u.end) for u in seg.units], "stable"


@SETTINGS
@given(TEXT)
def test_segmenter_invariants_on_report_like_text(raw):
    _check_units(normalise(raw))


@SETTINGS
@given(st.text(max_size=400))
def test_segmenter_invariants_on_any_unicode(raw):
    _check_units(normalise(raw))


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["政协", "a", "。", "😀", "\x07"]), st.integers(min_value=2_000, max_value=60_000))
def test_segmenter_very_long_lines(piece, n):
    _check_units(normalise(piece * n))


def test_doc_ids_are_stable_functions_of_the_text():
    assert doc_id_for("甲。乙。") == doc_id_for("甲。乙。") != doc_id_for("甲。乙")


def _yaml_like(draw_scalars):
    return st.recursive(
        draw_scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.sampled_from(["name", "facets", "tags", "id", "title", "key", "multiple",
                                             "keywords", "children", "en", "description", "x"]),
                            children, max_size=5)),
        max_leaves=25)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=8), st.sampled_from(["a", "b", "1", "政协", "!!python/object:os.system"]))


def _assert_loader_contract(source: str) -> None:
    try:
        tax = parse_taxonomy(source, "<t>")
    except TaxonomyError as exc:
        assert exc.problems
        for p in exc.problems:
            assert PROBLEM.match(p), p
        return
    assert isinstance(tax, Taxonomy) and tax.tags


@SETTINGS
@given(_yaml_like(SCALARS))
def test_taxonomy_loader_structured_garbage(data):
    _assert_loader_contract(yaml.safe_dump(data, allow_unicode=True))


@SETTINGS
@given(st.text(max_size=300))
def test_taxonomy_loader_arbitrary_text(source):
    _assert_loader_contract(source)


YAML_BITS = st.sampled_from([
    "name: t\n", "facets:\n", "tags:\n", "  - id: a\n", "    title: 甲\n", "    key: a\n", "  - ", "- ", ": ",
    "&x ", "*x ", "!!python/object/apply:os.system ['true']\n", "!!binary ", "{", "}", "[", "]", "'", '"',
    "\t", "\n", "multiple: false\n", "children:\n", "%YAML 1.2\n", "---\n", "...\n", "? ", "|\n", "\x00", "\ufeff",
])


@SETTINGS
@given(st.lists(st.one_of(YAML_BITS, st.text(max_size=5)), max_size=30).map("".join))
def test_taxonomy_loader_yaml_fragments(source):
    _assert_loader_contract(source)
