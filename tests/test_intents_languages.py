"""Thread commands typed in the other languages deckcast plans in are read as the English ones
are; words that mean two things there ("annuler": undo and cancel) and instructions stay
revisions for the model."""

from __future__ import annotations

import pytest

from bot.engine import Intent, classify


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("deshacer", Intent.UNDO),
        ("Rückgängig!", Intent.UNDO),
        ("mach das rückgängig", Intent.UNDO),
        ("annule la dernière modification", Intent.UNDO),
        ("desfazer", Intent.UNDO),
        ("ongedaan maken", Intent.UNDO),
        ("отмени последнее изменение", Intent.UNDO),
        ("元に戻して。", Intent.UNDO),
        ("撤销", Intent.UNDO),
        ("되돌려", Intent.UNDO),
        ("rehacer", Intent.REDO),
        ("やり直し", Intent.REDO),
        ("Cancelar.", Intent.CANCEL),
        ("abbrechen", Intent.CANCEL),
        ("キャンセル", Intent.CANCEL),
        ("réessaie", Intent.RENDER),
        ("重试", Intent.RENDER),
        ("aide", Intent.HELP),
        ("hilfe", Intent.HELP),
        ("exportar", Intent.EXPORT),
        # two meanings, or an instruction: the model reads them
        ("annuler", Intent.REVISE),
        ("annulla", Intent.REVISE),
        ("deshacer la diapositiva 3 y hacerla más simple", Intent.REVISE),
        ("aide les élèves à comprendre la diapositive 2", Intent.REVISE),
    ],
)
def test_commands_in_other_languages(text, intent):
    assert classify(text) is intent
