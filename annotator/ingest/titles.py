"""A report's title from evidence: the format's hint, the headings, a plain text's first lines."""

from __future__ import annotations

import re

from annotator.ingest.furniture import is_furniture
from annotator.ingest.marks import CONTINUATION_START, WS

# the report's own title: what a title line reads like (not a breadcrumb, not a portal's name)
REPORT_TITLE_RE = re.compile(r"(?:工作报告|工作要点|工作总结|工作计划|工作安排|报告)(?:[(（][^)）]{0,8}[)）])?$")
PORTAL_RE = re.compile(r"(?:网|网站|网站群|在线|官网|频道|首页)$")
# a masthead: a line that only names the organisation ("金湖县政协", "XX市政协办公室"), not the report's title
MASTHEAD_RE = re.compile(r"^(?:中国人民政治协商会议|[\u4e00-\u9fff]{1,8}[省市县区州旗盟](?:政协|委员会|人民政府|人大常委会|"
                         r"区委|县委|市委)(?:办公室|办公厅)?)$")
COUPLET_MAX = 12  # a headline set as two lines of equal length (对仗): both lines are the title


def reads_like_title(line: str) -> bool:
    """A line that reads like a report's own title ("…常务委员会工作报告", "…工作要点")."""
    c = WS.sub("", line.strip().lstrip("#").replace("**", ""))
    return (4 <= len(c) <= 80 and not is_furniture(c) and not PORTAL_RE.search(c)
            and REPORT_TITLE_RE.search(c) is not None)


def choose_title(hint: str, headings: list[str], fallback: str) -> str:
    """The report's real title from evidence: the format's own hint (HTML <h1>, Word title style, the
    largest early line of a PDF) when it is not furniture, else the first early heading that reads like
    a report title, else the first heading, else ``fallback``."""
    hint = WS.sub(" ", hint or "").strip()
    if hint and not is_furniture(hint) and not PORTAL_RE.search(hint):
        return hint
    early = headings[:8]
    for h in early:
        if reads_like_title(h):
            return h
    return next((h for h in headings if not PORTAL_RE.search(h)), "") or fallback


def plain_title(rows: list[tuple]) -> str:
    """The title of a plain-text report: its first heading that is not a masthead (the organisation's name
    above the headline), with the next heading when the two are a couplet (two lines of equal length set
    one under the other, 踔厉奋发担使命 / 勇毅前行谱新篇)."""
    for k, (_, kind, txt, *_rest) in enumerate(rows):
        if kind == "sentence":
            break
        if kind != "heading" or MASTHEAD_RE.match(WS.sub("", txt)):
            continue
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        if (nxt and nxt[1] == "heading" and len(txt) == len(nxt[2]) <= COUPLET_MAX
                and not any(ch in CONTINUATION_START or ch in " 　" for ch in txt + nxt[2])):
            return f"{txt} {nxt[2]}"
        return txt
    return next((r[2] for r in rows if r[1] == "heading"), "")
