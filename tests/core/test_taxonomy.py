from __future__ import annotations

import pytest

from annotator.core.errors import TaxonomyError
from annotator.core.taxonomy import load_taxonomy, parse_taxonomy

GOOD_FLAT = """name: 小分类
tags:
  - {id: a, title: 甲, en: A, key: a, keywords: [协商]}
  - id: b
    title: 乙
    en: B
    children:
      - {id: b.c, title: 丙, en: C, key: "1"}
"""


def problems(src: str) -> list[str]:
    with pytest.raises(TaxonomyError) as e:
        parse_taxonomy(src, "t.yaml")
    return e.value.problems


def test_bundled_taxonomy_has_every_required_tag_with_keys(taxonomy):
    expected = {
        "activity": ["leadership", "party_building", "study", "consultation", "consultation.grassroots",
                     "supervision", "research", "advice", "proposals", "public_opinion", "unity", "service",
                     "development", "culture_history", "publicity", "exchange", "capacity", "epidemic"],
        "period": ["review", "plan"],
        "domain": ["economy", "rural", "ecology", "livelihood", "urban", "governance", "culture", "politics"],
    }
    assert {f.id: [t.id for t in f.tags] for f in taxonomy.facets} == expected
    assert not taxonomy.facet_by_id["period"].multiple
    for tag in taxonomy.tags.values():
        assert tag.key and tag.title and tag.en and tag.description
        assert 4 <= len(tag.keywords) <= 10, tag.id
    assert taxonomy.tags["consultation.grassroots"].parent == "consultation"


def test_flat_tags_become_one_facet_with_children():
    tax = parse_taxonomy(GOOD_FLAT)
    assert [f.id for f in tax.facets] == ["tags"]
    assert [t.id for t in tax.facets[0].tags] == ["a", "b", "b.c"]
    assert tax.tags["b.c"].depth == 1 and tax.keys["1"].id == "b.c"


def test_single_choice_facet_is_radio(taxonomy):
    labels = taxonomy.toggle([], "review")
    labels = taxonomy.toggle(labels, "plan")
    assert labels == ["plan"]
    labels = taxonomy.toggle(labels + ["economy"], "rural")
    assert labels == ["economy", "plan", "rural"]
    assert taxonomy.toggle(labels, "plan") == ["economy", "rural"]


def test_yaml_syntax_error_has_line():
    (p,) = problems("name: x\ntags:\n  - {id: a, title: [oops\n")
    assert p.startswith("t.yaml:") and "YAML error" in p


def test_python_tags_are_refused_not_constructed():
    (p,) = problems("name: !!python/object/apply:os.system ['echo pwned']\ntags: []\n")
    assert "not allowed" in p


@pytest.mark.parametrize("src,needle,line", [
    ("name: x\ncolour: red\ntags:\n  - {id: a, title: 甲, en: A}\n", "unknown field 'colour'", 2),
    ("name: x\ntags:\n  - {id: a, title: 甲, en: A}\n  - {id: a, title: 乙, en: B}\n", "duplicate tag id 'a'", 4),
    ("name: x\ntags:\n  - {id: a, title: 甲, en: A, key: q}\n  - {id: b, title: 乙, en: B, key: q}\n",
     "duplicate key 'q'", 4),
    ("name: x\ntags:\n  - {id: a, title: 甲, en: A, key: qq}\n", "must be one letter", 3),
    ("name: x\ntags:\n  - {id: a, title: 甲, en: A, key: '!'}\n", "must be one letter", 3),
    ("name: x\nfacets:\n  - id: f\n    title: F\n    multiple: true\n    tags: []\n", "has no tags", 3),
    ("name: x\ntags:\n  - id: a\n    title: 甲\n    en: A\n    keywords: [协商, 3]\n", "must be a non-empty string", 6),
    ("name: x\ntags:\n  - {id: A B, title: 甲, en: A}\n", "may only contain", 3),
])
def test_invalid_taxonomies_name_file_line_and_problem(src, needle, line):
    found = [p for p in problems(src) if needle in p]
    assert found, problems(src)
    assert found[0].startswith(f"t.yaml:{line}:")


def test_every_problem_is_reported_at_once():
    src = "name: x\ncolour: red\ntags:\n  - {id: a, title: 甲, en: A, key: zz}\n  - {id: a, title: 乙, en: B}\n"
    assert len(problems(src)) == 3


def test_load_reads_file_and_hash_changes_with_content(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text(GOOD_FLAT, encoding="utf-8")
    h1 = load_taxonomy(p).hash
    p.write_text(GOOD_FLAT.replace("小分类", "小分类2"), encoding="utf-8")
    assert load_taxonomy(p).hash != h1


@pytest.mark.parametrize("src,needle,line", [
    # a second facets: block would silently drop the first facet
    ("name: x\nfacets:\n  - {id: f, title: F, tags: [{id: a, title: 甲, en: A}]}\n"
     "facets:\n  - {id: g, title: G, tags: [{id: b, title: 乙, en: B}]}\n", "duplicate key 'facets'", 4),
    # a second id: or key: would silently win
    ("name: x\ntags:\n  - id: a\n    title: 甲\n    en: A\n    id: b\n", "duplicate key 'id'", 6),
    ("name: x\ntags:\n  - id: a\n    title: 甲\n    en: A\n    key: a\n    key: b\n", "duplicate key 'key'", 7),
    ("name: x\nname: y\ntags:\n  - {id: a, title: 甲, en: A}\n", "duplicate key 'name' in one mapping (first at line 1)",
     2),
    ("name: x\ntags:\n  - {id: a, title: 甲, en: A, title: 乙}\n", "duplicate key 'title'", 3),
])
def test_duplicate_mapping_keys_are_errors_with_their_line(src, needle, line):
    found = [p for p in problems(src) if needle in p]
    assert found, problems(src)
    assert found[0].startswith(f"t.yaml:{line}:")


@pytest.mark.parametrize("value,shown", [('"t1\\n"', "t1\\n"), ('"t 1"', "t 1"), ('"t1\\t"', "t1\\t"),
                                         ('"t1\\x1b"', "t1\\x1b"), ('"t1\\u200b"', "t1\\u200b")])
def test_ids_and_keys_with_whitespace_or_control_characters_are_refused(value, shown):
    (p,) = problems(f"name: x\ntags:\n  - id: {value}\n    title: 甲\n    en: A\n")
    assert p.startswith("t.yaml:3:") and f"tag id '{shown}'" in p and "\n" not in p and "\x1b" not in p
    (p,) = problems(f"name: x\ntags:\n  - {{id: a, title: 甲, en: A, key: {value.replace('t1', 'a')}}}\n")
    assert p.startswith("t.yaml:3:") and "must be one letter" in p and "\n" not in p
    (p,) = problems(f"name: x\nfacets:\n  - id: {value}\n    title: F\n    tags: [{{id: a, title: 甲, en: A}}]\n")
    assert p.startswith("t.yaml:3:") and "facet id" in p and "\n" not in p


def test_merge_keys_keep_their_meaning():
    src = "name: x\ntags:\n  - &a {id: a, title: 甲, en: A}\n  - {<<: *a, id: b, title: 乙}\n"
    tax = parse_taxonomy(src, "t.yaml")
    assert [t.id for t in tax.tags.values()] == ["a", "b"] and tax.tags["b"].title == "乙"


def test_taxonomy_check_exits_2_listing_every_duplicate(tmp_path):
    from click.testing import CliRunner

    from annotator.cli import cli

    p = tmp_path / "t.yaml"
    p.write_text("name: x\nfacets:\n  - {id: f, title: F, tags: [{id: a, title: 甲, en: A, key: a}]}\n"
                 "facets:\n  - id: g\n    title: G\n    tags:\n      - {id: \"b\\n\", title: 乙, en: B, key: b, key: c}\n",
                 encoding="utf-8")
    r = CliRunner().invoke(cli, ["taxonomy", "check", str(p)])
    assert r.exit_code == 2, r.output
    assert f"{p}:4: duplicate key 'facets'" in r.output
    assert f"{p}:8: duplicate key 'key'" in r.output
    assert f"{p}:8: tag id 'b\\n'" in r.output
