"""The demos' text pictures fit the space they are given: histogram headers line up, short views get 1-line bars."""

from __future__ import annotations

from rich.cells import cell_len

from eqprep.demos import run_demo
from eqprep.tui.widgets.demo_pictures import histograms_picture


def test_init_histograms_fit_the_view_height_and_width() -> None:
    """Two activations × four initialisations: 20 lines when there is room, 10 in a short view, none too wide."""
    runs = run_demo("init", steps=20).group("histogram")
    for width in (58, 98):
        tall = str(histograms_picture(runs, width, 40)).split("\n")
        short = str(histograms_picture(runs, width, 10)).split("\n")
        middle = str(histograms_picture(runs, width, 19)).split("\n")
        assert len(tall) == 20 and len(middle) == 18 and len(short) == 10
        assert "左から 1〜5 層目" in middle[0] and middle[2].startswith("std 1")
        assert all(cell_len(line) <= width for line in tall + middle + short), width
        header, bins = tall[1], max(4, min(20, (width - 9) // 5 - 1))
        for n in range(1, 6):  # layer n's label starts in the column where its bars start
            assert cell_len(header[:header.index(f"{n} 層目")]) == 9 + (n - 1) * (bins + 1)
        assert "左から 1〜5 層目" in short[0] and short[1].startswith("std 1")
