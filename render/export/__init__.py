"""Export: a deck as an editable PowerPoint file and a PDF, beside (or instead of) its video.

Both are made from the pictures in the asset cache (a picture is never made twice) and laid
out by the same composition as the video's frames. python-pptx and fpdf2 come with the
``export`` extra; they are imported only when an export runs.

::

    result = await export_deck(renderer, deck, pptx=Path("talk.pptx"), pdf=Path("talk.pdf"),
                               options=render_options)
    result.files  # [talk.pptx, talk.pdf]
"""

from .job import INSTALL_EXPORT, ExportResult, check_targets, export_deck
from .slides import JPEG_QUALITY

__all__ = ["INSTALL_EXPORT", "JPEG_QUALITY", "ExportResult", "check_targets", "export_deck"]
