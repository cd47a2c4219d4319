"""Render packaging/vivavoce.svg to packaging/vivavoce.png (256 px) with Qt's own SVG renderer.

Usage: ``.venv/bin/python packaging/render_icon.py [SIZE]``
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def render(svg: Path, png: Path, size: int = 256) -> None:
    """Draw ``svg`` into a transparent ``size`` x ``size`` image and save it as ``png``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(png)):
        raise SystemExit(f"{png}: could not be written")


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    render(HERE / "vivavoce.svg", HERE / "vivavoce.png", size)
    print(f"wrote {HERE / 'vivavoce.png'} ({size} px)")
