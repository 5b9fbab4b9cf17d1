"""The thread commands that need no model, as people type them in the languages deckcast plans
in: "deshacer", "rückgängig", "撤销" undo as "undo" does, instead of going to the model as an
instruction to change the slides.

Only words that mean one thing are here. French "annuler" and Italian "annulla" are both the
Undo and the Cancel of their languages' menus, so they stay with the model (which answers that
it changes nothing); "annule la dernière modification" is an undo.
"""

from __future__ import annotations

import re

# intent value -> the whole message, in other languages (after lower-casing and trimming)
WORDS: dict[str, tuple[str, ...]] = {
    "undo": (
        # fr, es, de, it, pt, nl
        "défaire", "annule la dernière modification", "annuler la dernière modification",
        "reviens en arrière", "retour en arrière", "deshacer", "deshaz", "deshaz eso",
        "deshacer el último cambio", "rückgängig", "rückgängig machen", "mach das rückgängig",
        "mach es rückgängig", "annulla l'ultima modifica", "disfa", "desfazer", "desfaz",
        "desfaça", "desfazer a última alteração", "ongedaan maken", "maak ongedaan",
        "maak dat ongedaan",
        # ru, ja, zh, ko
        "верни как было", "откати", "откатить", "отмени последнее изменение",
        "元に戻して", "元に戻す", "取り消して", "撤销", "撤消", "撤回", "还原", "되돌려",
        "되돌려 줘", "되돌리기", "실행 취소",
    ),
    "redo": (
        "refaire", "rétablir", "rehacer", "rehazlo", "wiederherstellen", "ripeti", "ripristina",
        "refazer", "refaz", "opnieuw doen", "верни обратно", "やり直し", "やり直して", "重做",
        "다시 실행",
    ),
    "cancel": (
        "arrête", "arrête le rendu", "cancelar", "cancela", "detener", "detén", "abbrechen",
        "abbruch", "stopp", "interrompi", "ferma", "parar", "pare", "annuleren", "stoppen",
        "останови", "стоп", "прекрати", "キャンセル", "中止", "止めて", "取消", "停止",
        "취소", "중지",
    ),
    "render": (
        "réessaie", "réessayer", "reintentar", "reintenta", "erneut versuchen",
        "nochmal versuchen", "riprova", "tentar novamente", "tente novamente",
        "opnieuw proberen", "probeer opnieuw", "попробуй снова", "повтори попытку",
        "再試行", "重试", "再试一次", "다시 시도",
    ),
    "help": (
        "aide", "ayuda", "hilfe", "aiuto", "ajuda", "помощь", "справка", "ヘルプ", "帮助",
        "도움말",
    ),
    "export": (
        "exporter", "exporte", "exportar", "exporta", "exportieren", "exportiere", "esporta",
        "exporteren", "exporteer", "экспорт", "экспортируй", "エクスポート", "导出", "내보내기",
    ),
}  # fmt: skip


def pattern(intent: str) -> re.Pattern[str]:
    """The whole-message pattern of ``intent``'s words in other languages."""
    words = sorted(WORDS[intent], key=len, reverse=True)
    return re.compile("^(?:" + "|".join(re.escape(word) for word in words) + ")$")
