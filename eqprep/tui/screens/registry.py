"""The navigation table: one declaration per top-level screen, from which the home menu, the key bindings,
the command palette and the help are all generated (so a new screen cannot be left out of any of them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.screen import Screen

from eqprep.tui.session import TRACK_NAMES

if TYPE_CHECKING:
    from eqprep.tui.app import EqprepApp
    from eqprep.tui.session import HomeSummary, Session

TRACK_SHORT = {"pytorch": "PyTorch", "none": "なし"}
REVIEW_LIMIT = 200
DRILL_COUNT = 20


@dataclass(frozen=True)
class Destination:
    """One screen the learner can open by a key, from the command palette, and read about in the help."""

    name: str  # stable id: `app.open_screen(name)`, the OpenScreen message, tests
    key: str  # the character pressed, as shown in the menu and help ("r", "/", "?"); Textual maps it to its key name
    title: str  # Japanese title: home menu, palette and help
    help: str  # one line saying what it is for: palette and help
    factory: Callable[[EqprepApp], Screen[Any] | None]  # the screen, or None after telling the learner why not
    needs_study: bool = True  # False: opens even when the learner's data could not be loaded
    footer: str = ""  # short label in home's footer; "" keeps the entry out of the footer
    everywhere: bool = False  # bound on the app (every screen) instead of on home
    status: Callable[[HomeSummary], str] | None = None  # the current setting, shown after the title in home's menu

    @property
    def binding(self) -> Binding:
        """The key binding that opens this destination (on home, or app-wide)."""
        return Binding(self.key, f"app.open_screen('{self.name}')", self.footer or self.title, show=bool(self.footer))


def _session(app: EqprepApp) -> Session:
    """The loaded session; `open_screen` calls study factories only when there is one."""
    if app.session is None:
        raise RuntimeError("study factory called without a loaded session")
    return app.session


def _quiz(app: EqprepApp, mode: str, count: int, title: str, empty: str) -> Screen[Any] | None:
    """A quiz on what `Study.select` picks in `mode`, or None (with `empty` told) when there is nothing."""
    from eqprep.tui.screens.quiz import QuizScreen

    session = _session(app)
    questions = session.study.select(mode=mode, count=count, seed=session.config.seed)
    if not questions:
        app.notify(empty, markup=False)
        return None
    return QuizScreen(session, questions, title)


def _review(app: EqprepApp) -> Screen[Any] | None:
    return _quiz(app, "review", REVIEW_LIMIT, "今日の復習", "今日の復習はすべて終わっています。")


def _weak(app: EqprepApp) -> Screen[Any] | None:
    return _quiz(app, "weak", DRILL_COUNT, "弱点ドリル", "弱点の問題はまだありません。")


def _pytorch(app: EqprepApp) -> Screen[Any] | None:
    from eqprep.study.selection import Filters
    from eqprep.tui.screens.quiz import QuizScreen

    session = _session(app)
    if session.study.framework == "none":
        app.notify("フレームワークの問題は出題しない設定です (f で PyTorch に切り替え)。", markup=False)
        return None
    filters = Filters(framework=session.study.framework)
    questions = session.study.select(filters, mode="drill", count=DRILL_COUNT, seed=session.config.seed)
    if not questions:
        app.notify("フレームワークの問題がありません。", markup=False)
        return None
    return QuizScreen(session, questions, "PyTorch ドリル")


def _framework(app: EqprepApp) -> Screen[Any] | None:
    """Toggle the framework track (no screen): tell the learner and recount home's figures."""
    study = _session(app).study
    track = "none" if study.framework == "pytorch" else "pytorch"
    study.set_framework(track)
    app.notify(f"フレームワーク: {TRACK_NAMES[track]}", markup=False)
    app.refresh_stats()
    return None


def _notes(app: EqprepApp) -> Screen[Any]:
    from eqprep.tui.screens.notes import NotesScreen

    return NotesScreen(_session(app))


def _search(app: EqprepApp) -> Screen[Any]:
    from eqprep.tui.screens.search import SearchScreen

    return SearchScreen(_session(app))


def _exam(app: EqprepApp) -> Screen[Any]:
    from eqprep.tui.screens.exam import ExamSetupScreen

    return ExamSetupScreen(_session(app))


def _stats(app: EqprepApp) -> Screen[Any]:
    from eqprep.tui.screens.stats import StatsScreen

    return StatsScreen(_session(app))


def _workbench(app: EqprepApp) -> Screen[Any]:
    from eqprep.tui.screens.workbench import WorkbenchScreen

    return WorkbenchScreen(_session(app))


def _demos(app: EqprepApp) -> Screen[Any]:
    from eqprep.tui.screens.demos import DemosScreen

    return DemosScreen(seed=app.config.seed or 0)


def _exam_date(app: EqprepApp) -> Screen[Any]:
    from eqprep.tui.screens.dialogs import ExamDateScreen

    return ExamDateScreen(_session(app))


def _held(app: EqprepApp) -> Screen[Any]:
    from eqprep.tui.screens.held import HeldScreen

    return HeldScreen(_session(app))


def _help(app: EqprepApp) -> Screen[Any] | None:
    from eqprep.tui.screens.help import HelpScreen

    return None if isinstance(app.screen, HelpScreen) else HelpScreen()


DESTINATIONS: tuple[Destination, ...] = (
    Destination("review", "r", "今日の復習", "期限の来た問題と今日の新規問題", _review, footer="復習"),
    Destination("weak", "k", "弱点ドリル", "忘れやすい問題を集中して解く", _weak),
    Destination("notes", "n", "ノート", "シラバス順のトピックノート", _notes, footer="ノート"),
    Destination("search", "/", "検索", "ノートと問題を全文検索", _search, footer="検索"),
    Destination("exam", "e", "模擬試験", "時間制限つき、分野別の成績", _exam, footer="模試"),
    Destination("stats", "s", "統計", "準備度・保持率・習熟度・学習日", _stats, footer="統計"),
    Destination("workbench", "w", "導出ワークベンチ", "1 行ずつ式変形を検査", _workbench),
    Destination("demos", "m", "学習デモ", "NumPy の学習をライブで見る", _demos, needs_study=False),
    Destination("pytorch", "p", "PyTorch ドリル", "フレームワーク (PyTorch) の問題だけを解く", _pytorch),
    Destination("framework", "f", "フレームワーク切替", "PyTorch の問題を出題する / しない", _framework,
                status=lambda home: TRACK_SHORT[home.framework]),
    Destination("exam_date", "t", "試験日を設定", "ホームのカウントダウンに使う", _exam_date),
    Destination("held", "h", "保留中の問題", "保留・明日に回した問題を復習に戻す", _held),
    Destination("help", "?", "ヘルプ", "キー操作の一覧", _help, needs_study=False, footer="ヘルプ",
                everywhere=True),
)
BY_NAME = {destination.name: destination for destination in DESTINATIONS}
HOME = tuple(d for d in DESTINATIONS if not d.everywhere)  # bound on home only
EVERYWHERE = tuple(d for d in DESTINATIONS if d.everywhere)  # bound on the app
