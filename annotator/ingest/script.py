"""Traditional → simplified characters for matching only (keywords, suggestions); text is stored as written.

OpenCC (opencc-python-reimplemented) is imported only when a text holds a character that is common
in traditional script and absent from simplified; a simplified report never pays for it. The result
always has the length of the input, character for character, so offsets found in the simplified form
(keyword highlights) are offsets into the text as written: a phrase conversion that changes the length
is replaced by a character-by-character one, and a character whose conversion is not one character
stays as it is.
"""

from __future__ import annotations

# Frequent characters that exist only in traditional script (their simplified forms differ). A report in
# traditional script holds several of them in any sentence of length; one is enough to convert.
TRADITIONAL_MARKERS = frozenset(
    "會國為發協員們個義經對動體實說進現學開關問題業長區縣報黨務議設導當時機產調點與這"
    "來過種還從應變傳團結幹華際覺議議計劃劃與興舉護衛層圍環據歷稅質費貿齊團廣東顯"
    "條級紀錄論證識讀導屬強戰歲營熱統總農聯職藝蘇萬頭風險驗鄉鎮縣區書記銀錢鐵網絡電視視聽"
    "濟觀權應響頁價優儘兩們億僅傷創勞勢勵區協參變歸號節衛賴審寫實對屆層島幣師帶廳廢廠張彈"
    "後徵惡憲懷戶擁擇擊擔據擴敵斷於時晉樂樓標樣橋檢歐歡殘殺氣溝滅漢爭狀獎環產畫當療監盡"
    "盤眾確禮種積穩競筆築簡糧紅約紙組細終綜綠維線編縮績繼續罰羅義習聞聲肅脅與舊莊華葉號"
    "補裝製複規親視訂訊記訪評試話該誠誤請諸調論謀講謝證識譯護讓貝負財貢貨責貴買貸資賣質"
    "趕車軍輕輸轉辦農運過達違遠選遺還邊郵鄉醫針錯鍵長門閉開間閱隊陽際陣險隨難雲電靜響領"
    "頻題額顧類飛養館馬驅驗體髮鬥魚鳥黃黨齊龍")

_converter = None
_char_cache: dict[str, str] = {}


def has_traditional(text: str) -> bool:
    return not TRADITIONAL_MARKERS.isdisjoint(text)


def _cc():
    global _converter
    if _converter is None:
        from opencc import OpenCC

        _converter = OpenCC("t2s")
    return _converter


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, of exactly the same length; ``text`` itself when it has
    no traditional characters."""
    if not has_traditional(text):
        return text
    cc = _cc()
    out = cc.convert(text)
    if len(out) == len(text):
        return out
    chars = []
    for ch in text:  # the phrase conversion changed the length: convert one character at a time
        s = _char_cache.get(ch)
        if s is None:
            s = cc.convert(ch)
            s = _char_cache[ch] = s if len(s) == 1 else ch
        chars.append(s)
    return "".join(chars)
