"""Page furniture: breadcrumbs, info lines, share and font widgets, prev/next and related links,
copyright and ICP lines, video-player captions, page numbers. The segmenter keeps such lines as
``meta`` units; the web-page reader and the title rules never take one for text or a title."""

from __future__ import annotations

import re

_FURNITURE_START = re.compile(
    r"(?:当前位置|当前页面|当前栏目|您的位置|你的位置|您现在的位置|所在位置|现在位置"
    r"|(?:首页|网站首页|主页)\s*[>＞›»→/]"
    r"|分享到|分享[:：]"
    r"|上一篇|下一篇|上一条|下一条|相关链接|相关阅读|相关文章|相关新闻|相关稿件|返回顶部|返回首页"
    r"|\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}$"
    r"|[—\-－–]+\s*\d{1,4}\s*[—\-－–]+$|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?$|\d{1,4}\s*/\s*\d{1,4}$)")
_FURNITURE_ANYWHERE = re.compile(
    r"(?:发布时间|发布日期|发稿时间|信息来源|文章来源|来源|责任编辑|编辑|作者|浏览次数|阅读次数|点击数|点击量|访问量|浏览量)\s*[:：]"
    r"|浏览次数|阅读次数|字体大小|字号[:：]|【\s*大\s*中\s*小\s*】|打印本页|关闭窗口|【\s*(?:打印|关闭)\s*】"
    r"|版权所有|ICP备|ICP证|公网安备|Copyright|©|主办单位[:：]|承办单位[:：]|技术支持[:：]|网站地图|联系我们"
    r"|视频加载中|您的浏览器不支持|播放器|请刷新尝试",
    re.IGNORECASE,
)
# literals one of which every _FURNITURE_ANYWHERE match holds: a plain substring scan rules most lines out
_FURNITURE_KEYS = ("时间", "日期", "来源", "编辑", "作者", "次数", "点击", "访问", "浏览", "字体", "字号", "【", "打印",
                   "关闭", "版权", "ICP", "icp", "Icp", "网安", "Copyright", "COPYRIGHT", "copyright", "©", "单位", "技术",
                   "网站", "联系", "视频", "浏览器", "播放", "刷新")

_FURNITURE_KEY_RE = re.compile("|".join(map(re.escape, _FURNITURE_KEYS)))


class _Furniture:
    """Page furniture of web pages and printed pages (breadcrumbs, info lines, share and font widgets,
    prev/next and related links, copyright and ICP lines, video-player captions, page numbers): kept as
    ``meta`` units, never queued, never a title or a section."""

    @staticmethod
    def search(c: str) -> bool:
        if _FURNITURE_START.match(c):
            return True
        return _FURNITURE_KEY_RE.search(c) is not None and _FURNITURE_ANYWHERE.search(c) is not None


FURNITURE_RE = _Furniture()
FURNITURE_MAX = 160  # longer lines are text, whatever words they contain


def is_furniture(line: str) -> bool:
    """Does this line read like page furniture (breadcrumb, info line, share widget, page number…)?"""
    c = line.strip()
    return bool(c) and len(c) <= FURNITURE_MAX and FURNITURE_RE.search(c)
