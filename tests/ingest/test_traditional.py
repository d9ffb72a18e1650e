"""Traditional script: keywords and suggestions match on a simplified form; the text stays as written."""

from __future__ import annotations

from annotator.ingest.script import has_traditional, to_simplified
from annotator.annotate.suggest import Highlighter
from annotator.core.taxonomy import parse_taxonomy

TAX = """name: 测试
facets:
  - id: kind
    title: 类别
    multiple: true
    tags:
      - {id: consult, title: 协商, en: Consultation, key: c, keywords: [专题协商]}
      - {id: member, title: 委员, en: Member, key: m, keywords: [委员]}
"""


def test_simplified_text_is_returned_unchanged():
    s = "组织委员开展专题协商。"
    assert not has_traditional(s)
    assert to_simplified(s) is s


def test_conversion_keeps_the_length():
    for s in ["政協委員會開展專題協商。", "乾淨的環境與發展，於是著手。", "組織委員參加會議，「協商」很重要。"]:
        out = to_simplified(s)
        assert len(out) == len(s)
    assert to_simplified("政協委員會開展專題協商。") == "政协委员会开展专题协商。"


def test_keywords_light_up_in_traditional_text_at_the_written_offsets():
    hl = Highlighter(parse_taxonomy(TAX, "t.yaml"))
    text = "組織委員開展專題協商。"
    found = [(text[a:b], w, t) for a, b, w, t in hl.matches(text)]
    assert ("委員", "委员", ["member"]) in found
    assert ("專題協商", "专题协商", ["consult"]) in found
    assert hl.matched_tags(text) == {"member": 1, "consult": 1}
    assert "委员" in hl.words(text)  # the model's features are the simplified words too
