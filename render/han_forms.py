"""Simplified or traditional: which way a Chinese text is written.

A deck with no ``language:`` line written in traditional characters (Taiwan, Hong Kong) is
``zh-Hant``, so its text is set in Noto Sans CJK TC, not in the simplified forms of SC. The
two sets below are common characters that each way of writing alone uses (这/這, 个/個,
阳/陽...); characters both share (人, 水, 光) and ones a simplified text also uses in another
sense (后, 里, 几, 叶, 台, 干) are in neither.
"""

from __future__ import annotations

SIMPLIFIED = frozenset(
    "这个们来时为会说国过对发学经长从现开样点见关问东头电机无与实将话进动应么种间爱让处还"
    "听写义气门车阳变获顷书业产农华区历声岁办团图场坏备复龙广亚传伤价众优网线级约红纪组细"
    "结给统继续维绿编讲论设识试语读调谁课谢贵买卖质费资赛运边达选递钱铁银错难风飞饭马鱼鸟"
    "热乐汉湾环师帮带当总战报护担换数断术条极构标树桥检欢毕汇决没济测灵烧爷状独猫献画盖盘"
    "码础礼离稳穷简类练药虑观规视览觉计认议记许评词译该详误请谈负责败货购贸赶转轻较辅输连"
    "适邮酱针钟铺锁键镇闭闻队阶际陆险随隐杂鸡页顶项顺须顾领频题颜额饮馆驾验鲜齐龄减养"
)
TRADITIONAL = frozenset(
    "這個們來時為會說國過對發學經長從現開樣點見關問東頭電機無與實將話進動應麼種間愛讓處還"
    "聽寫義氣門車陽變獲頃書業產農華區歷聲歲辦團圖場壞備復龍廣亞傳傷價眾優網線級約紅紀組細"
    "結給統繼續維綠編講論設識試語讀調誰課謝貴買賣質費資賽運邊達選遞錢鐵銀錯難風飛飯馬魚鳥"
    "熱樂漢灣環師幫帶當總戰報護擔換數斷術條極構標樹橋檢歡畢匯決沒濟測靈燒爺狀獨貓獻畫蓋盤"
    "碼礎禮離穩窮簡類練藥慮觀規視覽覺計認議記許評詞譯該詳誤請談負責敗貨購貿趕轉輕較輔輸連"
    "適郵醬針鐘鋪鎖鍵鎮閉聞隊階際陸險隨隱雜雞頁頂項順須顧領頻題顏額飲館駕驗鮮齊齡減養葉"
)


def is_traditional(text: str) -> bool:
    """Whether ``text`` (Chinese) uses more traditional-only characters than simplified-only."""
    traditional = sum(ch in TRADITIONAL for ch in text)
    return traditional > sum(ch in SIMPLIFIED for ch in text)
